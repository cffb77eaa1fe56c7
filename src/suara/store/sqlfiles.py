"""The files of compiled SQL (`suara.store.sqlcache`): where the user's shared file lives, the
versions they are tied to, how a cache file is read and written (atomically, readable by the
user only), and the compiled SQL the package ships (:func:`seed`).

Example
-------
>>> _read_entries(None)
({}, [])
"""
from __future__ import annotations

import hashlib
import os
import pickle
import threading
from typing import Any

def _versions() -> str:
    """The versions the cached SQL was compiled by. Read from the installed packages'
    metadata, not by importing them: the cache file is read before the read-ahead starts,
    and importing Ibis there (~0.2 s) would hold the read-ahead back by as much."""
    from importlib.metadata import PackageNotFoundError, version

    def of(dist: str, module: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:   # e.g. run from a source tree: ask the module
            return getattr(__import__(module), "__version__", "?")
    return f"ibis {of('ibis-framework', 'ibis')} sqlglot {of('sqlglot', 'sqlglot')}"


def shared_path() -> str | None:
    """The user's file of compiled SQL that every workspace shares (see the module), for the
    installed Ibis and SQLGlot; None when ``SUARA_SQL_CACHE_SHARED=0``.

    Example
    -------
    >>> import os
    >>> os.environ["SUARA_CACHE_DIR"] = "/tmp/suara-cache"
    >>> shared_path().startswith("/tmp/suara-cache/sqlcache-")
    True
    >>> del os.environ["SUARA_CACHE_DIR"]
    """
    if os.environ.get("SUARA_SQL_CACHE_SHARED") == "0":
        return None
    base = os.environ.get("SUARA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "suara")
    return os.path.join(base, f"sqlcache-{hashlib.sha1(_versions().encode()).hexdigest()[:16]}.pickle")


def _read_entries(path: str | None, keyed: bool = False) -> tuple[dict[str, str], Any]:
    """(entries, read-ahead items) of a cache file — with ``keyed`` (the shared file), the
    read-ahead items per key; empty when missing, damaged or foreign."""
    if path and os.path.exists(path):
        try:
            with open(path, "rb") as f:
                version, stored, *rest = pickle.load(f)
            if version == _versions() and isinstance(stored, dict):
                ahead = rest[0] if rest else None
                if keyed:
                    return stored, {k: _ahead_items(v) for k, v in ahead.items() if isinstance(k, str)} \
                        if isinstance(ahead, dict) else {}
                return stored, _ahead_items(ahead)
        except Exception:  # noqa: BLE001 - a damaged or foreign file is just a cold cache
            pass
    return {}, ({} if keyed else [])


#: the package's compiled SQL (see the module); built by tools/build_sql_seed.py
SEED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sqlseed.json.gz")
_SEED: tuple[dict[str, str], dict[str, list]] | None = None


def seed() -> tuple[dict[str, str], dict[str, list]]:
    """(entries, read-ahead lists per election) the package ships for the installed Ibis
    (empty for another Ibis version, without the file or when ``SUARA_SQL_SEED=0``); read
    once per process. Any SQLGlot will do: the entries are keyed by Ibis expressions and
    their SQL is DuckDB's, which DuckDB runs whatever SQLGlot would print today (releases
    come every few weeks; the user's own cache files stay tied to both versions).

    Example
    -------
    >>> entries, lists = seed()
    >>> isinstance(entries, dict) and isinstance(lists, dict)
    True
    """
    global _SEED
    if os.environ.get("SUARA_SQL_SEED") == "0":
        return {}, {}
    if _SEED is None:
        found: tuple[dict[str, str], dict[str, list]] = ({}, {})
        try:
            import gzip
            import json
            with gzip.open(SEED_PATH, "rt", encoding="utf-8") as f:
                doc = json.load(f)
            if _same_ibis(doc.get("versions"), _versions()) and isinstance(doc.get("entries"), dict):
                lists = {k: [tuple(q) if isinstance(q, list) else q for q in v]
                         for k, v in (doc.get("read_ahead") or {}).items() if isinstance(v, list)}
                found = ({k: v for k, v in doc["entries"].items() if isinstance(v, str)},
                         {k: _ahead_items(v) for k, v in lists.items()})
        except (OSError, ValueError, TypeError, AttributeError):   # no seed, or a damaged one
            pass
        _SEED = found
    return _SEED


def _same_ibis(a, b) -> bool:
    """Whether two version strings of :func:`_versions` name the same Ibis.

    >>> _same_ibis("ibis 12.0.0 sqlglot 30.31.0", "ibis 12.0.0 sqlglot 31.0.0")
    True
    >>> _same_ibis("ibis 11.0.0 sqlglot 30.31.0", "ibis 12.0.0 sqlglot 30.31.0")
    False
    """
    return isinstance(a, str) and isinstance(b, str) and a.split(" sqlglot ")[0] == b.split(" sqlglot ")[0]


def _ahead_items(x) -> list:
    return [q for q in x if _read_ahead_item(q)] if isinstance(x, list) else []


def _write_entries(path: str, entries: dict[str, str], ahead) -> bool:
    """Write a cache file atomically, readable by the user only; False when it cannot be."""
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            pickle.dump((_versions(), entries, ahead), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.remove(tmp)
        return False
    return True


def _read_ahead_item(q) -> bool:
    """A query (its SQL) or a materialised table ((token, create, insert, query) statements)."""
    return isinstance(q, str) or (isinstance(q, tuple) and len(q) == 4 and all(isinstance(x, str) for x in q))
