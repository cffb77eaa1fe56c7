"""Compiled SQL kept between runs: Ibis spends ~10-30 ms compiling each expression to SQL
(rewrites and SQLGlot), which adds up to about a second of a `suara analyse` run that issues
the same few dozen queries every time. :class:`SqlCache` wraps a DuckDB Ibis backend's
``compile``: an expression is keyed by its structure (every node's type and arguments, tables
by name and schema — cheap next to compiling), and the SQL compiled once is reused while
the key matches. Temporary tables named at random per process (``expr.cache()``, memtables)
are keyed and stored by placeholder, so their queries are reused too.

The cache lives next to the store file (``suara.duckdb.sqlcache``), is tied to the Ibis and
SQLGlot versions, holds the most recent :data:`MAX_ENTRIES` queries, and is written by
:meth:`SqlCache.save` (`suara analyse` calls it at the end of a run). A cache that cannot be
read is ignored; nothing depends on it but speed.

Example
-------
>>> import ibis
>>> con = ibis.duckdb.connect()
>>> cache = SqlCache(None)
>>> cache.install(con)
>>> t = ibis.memtable({"a": [1, 2, 3]})
>>> int(con.execute(t.a.sum())), int(con.execute(ibis.memtable({"a": [4]}).a.sum()))
(6, 4)
>>> cache.hits, cache.misses
(1, 1)
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
from typing import Any

__all__ = ["SqlCache", "MAX_ENTRIES", "install"]

#: queries kept in the file (the most recently used ones)
MAX_ENTRIES = 2000
_RANDOM_NAME = re.compile(r"ibis_[a-z_]+_[a-z2-7]{26}")


class _Uncacheable(Exception):
    pass


def _versions() -> str:
    import ibis
    import sqlglot
    return f"ibis {ibis.__version__} sqlglot {sqlglot.__version__}"


class SqlCache:
    """SQL compiled by one Ibis backend, keyed by expression structure (see the module)."""

    def __init__(self, path: str | None):
        self.path = path
        self._entries: dict[str, str] | None = None
        self._dirty = False
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    # ----- the key ------------------------------------------------------------------------
    def key(self, expr, limit, names: list[str]) -> str:
        """A digest of ``expr``'s structure; random table names found go to ``names`` in
        order of appearance and are keyed by position."""
        from ibis.backends import BaseBackend
        from ibis.common.graph import Node
        from ibis.expr import operations as ops
        memo: dict[int, str] = {}

        def enc(x: Any) -> str:
            if isinstance(x, Node):
                i = id(x)
                r = memo.get(i)
                if r is None:
                    if isinstance(x, ops.InMemoryTable):   # its SQL is its name; not its data
                        args = [("name", x.name), ("schema", x.schema)]
                    else:
                        args = zip(x.__argnames__, x.__args__)
                    body = type(x).__qualname__ + "(" + ",".join(n + "=" + enc(a) for n, a in args) + ")"
                    r = memo[i] = hashlib.sha1(body.encode()).hexdigest()
                return r
            if isinstance(x, str):
                if _RANDOM_NAME.fullmatch(x):
                    if x not in names:
                        names.append(x)
                    return f"table#{names.index(x)}"
                return repr(x)
            if isinstance(x, (set, frozenset)):   # iteration order varies between processes
                return "{" + ",".join(sorted(enc(v) for v in x)) + "}"
            if isinstance(x, (tuple, list)):
                return "[" + ",".join(enc(v) for v in x) + "]"
            if isinstance(x, BaseBackend):
                return "backend:" + x.name
            if hasattr(x, "items") and callable(x.items):
                return "{" + ",".join(enc(k) + ":" + enc(v) for k, v in x.items()) + "}"
            if (getattr(x, "ndim", None) or 0) > 0:   # an array's repr elides the middle
                raise _Uncacheable(type(x).__name__)
            r = type(x).__name__ + ":" + repr(x)
            if " at 0x" in r:   # an object without a value repr: no safe key
                raise _Uncacheable(r)
            return r

        return hashlib.sha1(f"{type(expr).__name__}|{limit!r}|{enc(expr.op())}".encode()).hexdigest()

    # ----- the store ----------------------------------------------------------------------
    def _load(self) -> dict[str, str]:
        if self._entries is None:
            entries: dict[str, str] = {}
            if self.path and os.path.exists(self.path):
                try:
                    with open(self.path, "rb") as f:
                        version, stored = pickle.load(f)
                    if version == _versions() and isinstance(stored, dict):
                        entries = stored
                except Exception:  # noqa: BLE001 - a damaged or foreign file is just a cold cache
                    entries = {}
            self._entries = entries
        return self._entries

    def save(self) -> bool:
        """Write the cache file when something new was compiled (atomic; False when not)."""
        if not self.path or not self._dirty or self._entries is None:
            return False
        with self._lock:
            entries = dict(list(self._entries.items())[-MAX_ENTRIES:])
            tmp = f"{self.path}.{os.getpid()}.tmp"
            try:
                with open(tmp, "wb") as f:
                    pickle.dump((_versions(), entries), f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except OSError:
                if os.path.exists(tmp):
                    os.remove(tmp)
                return False
            self._dirty = False
        return True

    def clear(self) -> None:
        """Forget every entry and remove the file (e.g. after an erasure)."""
        with self._lock:
            self._entries, self._dirty = {}, False
            if self.path and os.path.exists(self.path):
                os.remove(self.path)

    # ----- the backend --------------------------------------------------------------------
    def install(self, backend) -> None:
        """Route ``backend.compile`` through the cache."""
        compile_ = backend.compile

        def compile(expr, /, *, limit=None, params=None, pretty=False):
            if params or pretty:
                return compile_(expr, limit=limit, params=params, pretty=pretty)
            names: list[str] = []
            try:
                k = self.key(expr, limit, names)
            except _Uncacheable:
                return compile_(expr, limit=limit)
            entries = self._load()
            sql = entries.get(k)
            if sql is not None:
                self.hits += 1
                for i, n in enumerate(names):
                    sql = sql.replace(f"__suara_table_{i}__", n)
                return sql
            self.misses += 1
            sql = compile_(expr, limit=limit)
            stored = sql
            for i, n in enumerate(names):
                stored = stored.replace(n, f"__suara_table_{i}__")
            with self._lock:
                entries.pop(k, None)
                entries[k] = stored
                self._dirty = True
            return sql

        backend.compile = compile


def install(backend, path: str | None) -> SqlCache:
    """A :class:`SqlCache` at ``path`` (None: this process only) wrapped around ``backend``."""
    cache = SqlCache(path)
    cache.install(backend)
    return cache
