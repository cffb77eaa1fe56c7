"""The web app's cached analysis document: recomputed only when the data changed.

The store allows one writer; the server owns it and serialises writes with the store's lock.
Reads go through the workspace's read pool (see `suara.store.reads`), so requests do not
wait for each other. Every query lives in the library (`suara.api.Workspace`).
"""
from __future__ import annotations

import threading

__all__ = ["AnalysisCache"]


class AnalysisCache:
    """The `analyse` document, recomputed only when the data changed (new import,
    enrichment, coordination run or alerts) or after `invalidate` (the server's own writes).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> c = AnalysisCache(ws, ws.store.lock)
    >>> c.data_key() == c.data_key()
    True
    """

    def __init__(self, ws, lock: threading.RLock):
        self.ws, self.lock = ws, lock
        self._key: tuple | None = None
        self._doc: dict | None = None
        self._version = 0  # bumped by invalidate(): writes the counts below cannot see

    def data_key(self) -> tuple:
        """What the cached views depend on: the workspace's data key and the data version
        (bumped by the server's imports and case actions)."""
        return (*self.ws.data_key(), self._version)

    def get(self) -> dict:
        key = self.data_key()
        if self._doc is not None and key == self._key:
            return self._doc
        with self.lock:
            if self._doc is not None and key == self._key:
                return self._doc
            self._doc = self.ws.analyse()
            self._key = key
            return self._doc

    def invalidate(self) -> None:
        self._version += 1
        self._key = None
