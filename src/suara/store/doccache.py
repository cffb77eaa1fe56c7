"""The last complete analysis, kept next to the store and given back while nothing it was
computed from has changed.

A full `suara analyse` reads only the store, the workspace's files and the code; when none of
them changed since the last full run, its document is the same, and recomputing it costs
seconds (the web's first page, a report after an analysis, every call of an API client).
:class:`DocCache` keeps that document in ``suara.duckdb.analysis`` with a key over all of
its inputs:

* the database file and its write-ahead log: size, modification time and inode. DuckDB lets
  one process write at a time and every committed write grows the log or, at a checkpoint,
  rewrites the file, so any import, enrichment, detection, case note or erasure since the run
  changes the key;
* the store's own signatures of what analyses read (row counts and newest times:
  :func:`suara.store.aggregates.signature`, :func:`suara.store.reads.change_key`), a second
  check that does not rely on file times;
* the workspace's files that analyses read: ``suara.yaml``, an election file kept in the
  workspace, the pseudonymisation key and the coordination results (``coordination/``);
  reports and exports written into the workspace are not inputs;
* the code: every file of the installed ``suara`` package and the folders on ``sys.path``
  (installing, upgrading or removing any library changes them), so a new version or a
  section plugin never meets an old document;
* the date (UTC), so that nothing kept is older than a day.

`Workspace.analyse` keeps only complete runs with the default options, only for a DuckDB store
in a file, and only when no third-party section is installed. The file is private to its owner (mode 600),
is removed by an erasure and a retention purge (it holds what the document shows), and is
left out of backups. A file that cannot be read or written is ignored: nothing depends on it
but speed. ``suara analyse --recompute`` (``Workspace.analyse(reuse=False)``) always computes.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> _ = ws.analyse()   # creates the pseudonymisation key: an input changed, nothing kept
>>> doc = ws.analyse()
>>> ws.store.doc_cache.lookup(ws) == doc
True
>>> _ = ws.store.execute("INSERT INTO meta VALUES ('note', 'x')")
>>> ws.store.doc_cache.lookup(ws) is None
True
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

__all__ = ["DocCache", "FORMAT"]

#: the file's layout; a file of another layout is ignored
FORMAT = 1

class DocCache:
    """The analysis document of the last complete run over the store at ``path`` (a DuckDB
    file); ``path`` None: nothing is kept."""

    def __init__(self, path: str | None):
        self.path = path + ".analysis" if path else None
        self.db = path

    # ----- the key ------------------------------------------------------------------------
    def key(self, ws) -> str | None:
        """What the document depends on, as a hex digest (None: this store is not kept)."""
        if not self.path or not os.path.isfile(self.db):
            return None
        from suara.store.aggregates import signature
        from suara.store.reads import change_key
        h = hashlib.sha256()
        for part in (FORMAT, dt.datetime.now(dt.timezone.utc).date().isoformat(), _file_states(self.db),
                     signature(ws.store, fresh=True), change_key(ws.store), _workspace_files(ws),
                     _code()):
            h.update(repr(part).encode())
            h.update(b"\0")
        return h.hexdigest()

    def db_state(self) -> tuple:
        """The database file's and its log's (size, modification time, inode): what any write
        since changes."""
        return _file_states(self.db)

    # ----- reading and writing ------------------------------------------------------------
    def lookup(self, ws) -> dict[str, Any] | None:
        """The kept document when its key is the current one, else None."""
        if not self.path or not os.path.exists(self.path):
            return None
        try:
            key = self.key(ws)
            with open(self.path, "rb") as f:
                fmt, kept_key, doc = pickle.load(f)
        except Exception:  # noqa: BLE001 - an unreadable or foreign file: compute
            return None
        return doc if fmt == FORMAT and key is not None and kept_key == key else None

    def keep(self, doc: dict[str, Any], key: str | None) -> bool:
        """Write ``doc`` under ``key`` (atomically, owner-only); False when not written."""
        if not self.path or key is None:
            return False
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                pickle.dump((FORMAT, key, _plain(doc)), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            return True
        except Exception:  # noqa: BLE001 - a folder that cannot be written: nothing is kept
            try:
                os.remove(tmp)
            except OSError:
                pass
            return False

    def clear(self) -> None:
        """Remove the kept document (an erasure, a retention purge)."""
        if self.path:
            try:
                os.remove(self.path)
            except FileNotFoundError:
                pass


def _plain(x: Any) -> Any:
    """``x`` with NumPy scalars as the Python numbers they equal: reading the file back then
    needs no NumPy (whose import is a fifth of a reused analysis' time)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if type(x).__module__ == "numpy" and hasattr(x, "item"):
        return x.item()
    return x


def _file_states(db: str) -> tuple:
    out = []
    for p in (db, db + ".wal"):
        try:
            s = os.stat(p)
            out.append((s.st_size, s.st_mtime_ns, s.st_ino))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _workspace_files(ws) -> tuple:
    """(name, size, modification time) of the workspace's files that analyses read: the
    settings, an election file in the workspace, the pseudonymisation key and the coordination
    results (the network section reads their edges). Reports and exports written there are
    outputs, and not part of the key."""
    folder = Path(ws.path)
    named = [folder / "suara.yaml", folder / ".pseudonym-key"]
    election = str(getattr(ws.config, "election", ""))
    if election.endswith((".yaml", ".yml")):
        named.append(folder / election)
    coordination = folder / "coordination"
    if coordination.is_dir():
        named += sorted(p for p in coordination.rglob("*") if p.is_file())
    out = []
    for p in named:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((os.path.relpath(p, folder), st.st_size, st.st_mtime_ns))
    return tuple(out)


_CODE: tuple | None = None


def _code() -> tuple:
    """The installed code: every file of the ``suara`` package (count, total size, newest
    modification) and the modification times of the folders on ``sys.path``. Once per process."""
    global _CODE
    if _CODE is None:
        import suara
        n = size = newest = 0
        for root, dirs, files in os.walk(os.path.dirname(suara.__file__)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                s = os.stat(os.path.join(root, name))
                n, size, newest = n + 1, size + s.st_size, max(newest, s.st_mtime_ns)
        paths, here = [], os.getcwd()
        for p in sys.path:
            if p in ("", here):   # the working folder holds the user's files, not code
                continue
            try:
                paths.append((p, os.stat(p).st_mtime_ns))
            except OSError:
                pass
        _CODE = (getattr(suara, "__version__", ""), n, size, newest, tuple(paths))
    return _CODE

