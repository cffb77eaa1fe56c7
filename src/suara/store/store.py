"""The Store: one workspace's canonical tables, read through Ibis, written in transactions.

DuckDB is the embedded default (a single file in the workspace). Analytics read tables as
Ibis expressions (``store.table("posts")``) so that the same code runs on Spark; writes go
through a few bulk operations (`upsert`, `append`, `replace`) that each engine implements.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import duckdb

if TYPE_CHECKING:   # pandas, pyarrow and Ibis load on first use: a writer need not pay for them
    import pandas as pd
    import pyarrow as pa
    from ibis import Table as IbisTable

from suara.store.schema import MIGRATIONS, PRIMARY_KEYS, SCHEMA_VERSION, TABLES, UNINDEXED_KEYS, columns

__all__ = ["Store", "StoreError", "StoreLockedError", "utcnow"]


def _dedup_sql(name: str, collist: str, keys: str) -> str:
    """One row per key of the staged relation ``name``."""
    return f'SELECT {collist} FROM "{name}" QUALIFY row_number() OVER (PARTITION BY {keys}) = 1'


def _insert_new_sql(table: str, name: str, collist: str, keys: str) -> str:
    """Insert the staged rows (one per key) whose key ``table`` does not hold yet."""
    return (f'INSERT INTO "{table}" ({collist}) SELECT s.* FROM ({_dedup_sql(name, collist, keys)}) s '
            f'ANTI JOIN "{table}" o USING ({keys})')


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why and what to do."""


class StoreLockedError(StoreError):
    """Another process holds the DuckDB write lock (e.g. `suara serve` is running)."""


def utcnow() -> dt.datetime:
    """Current time as a naive UTC datetime (the store's convention), second precision."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


# Columns whose value on re-import is the greatest seen: engagement only grows, and an
# older export imported after a newer one must not roll counts back.
_MONOTONE = {"likes", "comments", "shares", "views", "saves", "followers", "following", "post_count"}


class Store:
    """Canonical tables of one workspace in a DuckDB file.

    Parameters
    ----------
    path : str or Path
        DuckDB database file; ``":memory:"`` for a throwaway store.
    read_only : bool
        Open without the write lock (several readers may share a file).

    Example
    -------
    >>> s = Store(":memory:")
    >>> s.table("posts").count().execute()
    0
    """

    engine = "duckdb"

    def __init__(self, path: str | Path = ":memory:", read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        try:
            # Timestamps are naive UTC by convention (no ICU extension is needed offline).
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreLockedError(
                    f"{self.path}: the store is in use by another Suara process (DuckDB allows "
                    "one writer). Stop it, or import through the running server's Import page "
                    f"/ API. Detail: {msg.splitlines()[0]}") from None
            raise StoreError(f"{self.path}: cannot open store: {msg}") from None
        self._lock = threading.RLock()
        self._in_tx = 0
        if not read_only:
            self._migrate()
        else:
            self._check_version()

    @property
    def ibis(self):
        """The Ibis backend over this store's connection, made on first use (importing Ibis
        costs a second that writers such as ``suara ingest`` need not pay)."""
        b = self.__dict__.get("_ibis")
        if b is None or b[0] is not self.con:
            import ibis as _ibis

            from suara.store.ibis_import import lazy_compilers
            lazy_compilers()   # the DuckDB compiler only, not Ibis' twenty dialects
            b = self.__dict__["_ibis"] = (self.con, _ibis.duckdb.from_connection(self.con))
            self.sql_cache.install(b[1])
            from suara.store.arrowframe import install
            install(b[1])
        return b[1]

    @property
    def sql_cache(self):
        """The compiled SQL this store's Ibis backend reuses between runs
        (:class:`~suara.store.sqlcache.SqlCache`, next to the store file)."""
        c = self.__dict__.get("_sql_cache")
        if c is None:
            from suara.store.sqlcache import SqlCache
            c = self.__dict__["_sql_cache"] = SqlCache(None if self.path == ":memory:" else self.path + ".sqlcache")
        return c

    @property
    def doc_cache(self):
        """The last complete analysis, kept while nothing it was computed from changed
        (:class:`~suara.store.doccache.DocCache`, next to the store file)."""
        c = self.__dict__.get("_doc_cache")
        if c is None:
            from suara.store.doccache import DocCache
            c = self.__dict__["_doc_cache"] = DocCache(None if self.path == ":memory:" else self.path)
        return c

    # ----- schema ---------------------------------------------------------------------
    def schema_version(self) -> int:
        try:
            rows = self.con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchall()
            row = rows[0] if rows else None
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row else 0

    def _check_version(self) -> None:
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {v} is newer than this Suara "
                f"({SCHEMA_VERSION}); upgrade Suara to open it")

    def _migrate(self) -> None:
        self._check_version()
        v = self.schema_version()
        if v == SCHEMA_VERSION:
            return
        with self.transaction():
            for step in range(v + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[step]:
                    self.con.execute(stmt)
            self.con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value", [str(SCHEMA_VERSION)])

    # ----- reading --------------------------------------------------------------------
    @property
    def lock(self) -> threading.RLock:
        """The store's write lock: hold it to make several calls one unit for other threads."""
        return self._lock

    def table(self, name: str) -> IbisTable:
        """An Ibis table expression over a canonical table (reused inside :meth:`reading`)."""
        cache = self._read_cache()
        if cache is None:
            return self.ibis.table(name)
        key = ("table", name)
        if key not in cache:
            cache[key] = self.ibis.table(name)
        return cache[key]

    def scoped(self, key, fn):
        """``fn()``, computed once per :meth:`reading` scope (every call outside one)."""
        cache = self._read_cache()
        if cache is None:
            return fn()
        if ("scoped", key) not in cache:
            cache[("scoped", key)] = fn()
        return cache[("scoped", key)]

    @contextlib.contextmanager
    def reading(self):
        """A read-only scope (one `suara analyse` run): table expressions and meta values are
        looked up once and reused until the scope ends, instead of asking DuckDB for a table's
        schema on every expression. Nested scopes share the outer one. Writes inside the scope
        (none are expected) drop what was cached."""
        local = self.__dict__.setdefault("_reading", threading.local())
        if getattr(local, "cache", None) is not None:
            yield self
            return
        local.cache = {}
        try:
            yield self
        finally:
            ends, local.cache = local.cache.get(("at_end",), ()), None
            for fn in ends:   # e.g. temporary tables materialised for this scope only
                fn()

    def at_scope_end(self, fn) -> bool:
        """Call ``fn()`` when this thread's :meth:`reading` scope ends; False (and never
        called) outside one."""
        cache = self._read_cache()
        if cache is None:
            return False
        cache.setdefault(("at_end",), []).append(fn)
        return True

    def _read_cache(self) -> dict | None:
        """This thread's :meth:`reading` cache (None outside a scope)."""
        local = self.__dict__.get("_reading")
        return getattr(local, "cache", None) if local is not None else None

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run SQL and return a DataFrame (DuckDB dialect; for engine-neutral code use `table`)."""
        with self._lock:
            return self.con.execute(query, params or []).df()

    def arrow(self, query: str, params: list | None = None) -> pa.Table:
        """Run SQL and return a pyarrow Table: no per-value conversion (``sql``'s DataFrame
        costs ~0.1 s more at 185,000 rows of strings)."""
        with self._lock:
            return self.con.sql(query, params=params or None).to_arrow_table()

    def count(self, table: str) -> int:
        with self._lock:
            return self.con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]

    def meta(self, key: str, default: str | None = None) -> str | None:
        cache = self._read_cache()
        if cache is not None and ("meta", key) in cache:
            r = cache[("meta", key)]
            return r[0] if r else default
        with self._lock:
            r = self.con.execute("SELECT value FROM meta WHERE key=?", [key]).fetchall()
            r = r[0] if r else None
        if cache is not None:
            cache[("meta", key)] = r
        return r[0] if r else default

    def set_meta(self, key: str, value: str) -> None:
        if self._read_cache():
            self._read_cache().clear()
        with self._lock:
            self.con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                             "value = excluded.value", [key, value])

    # ----- writing --------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All writes inside the block commit together or not at all (nestable)."""
        with self._lock:
            if self._in_tx:
                self._in_tx += 1
                try:
                    yield self
                finally:
                    self._in_tx -= 1
                return
            self.con.execute("BEGIN TRANSACTION")
            self._in_tx = 1
            try:
                yield self
            except BaseException:
                self._in_tx = 0
                self.con.execute("ROLLBACK")
                raise
            else:
                self._in_tx = 0
                self.con.execute("COMMIT")

    def _rows(self, data) -> int:
        """Rows of ``data``: an Arrow table, a DataFrame, or the name of a relation of this
        connection (a temporary table the caller staged)."""
        if isinstance(data, str):
            return self.con.execute(f'SELECT count(*) FROM "{data}"').fetchall()[0][0]
        return len(data)

    @contextlib.contextmanager
    def _staged(self, table: str, data) -> Iterator[tuple[str, list[str]]]:
        """Inside the block, `data` as a relation aligned to the canonical columns of `table`
        (a relation name is used as it is; an Arrow table or DataFrame is registered, and let
        go after the block even inside an open transaction: `suara.store.staging`)."""
        if isinstance(data, str):
            have = {r[0] for r in self.con.execute(f'DESCRIBE "{data}"').fetchall()}
            yield data, [c for c in columns(table) if c in have]
            return
        import pyarrow as pa   # here, not at the top: a command that only reads need not import it

        from suara.store.staging import registered
        if not isinstance(data, pa.Table):   # a pandas DataFrame
            data = pa.Table.from_pandas(data, preserve_index=False)
        cols = [c for c in columns(table) if c in data.column_names]
        with registered(self.con, f"_stage_{table}_{id(data)}", data) as name:
            yield name, cols

    def upsert(self, table: str, data: pa.Table | pd.DataFrame | str,
               keep_greatest: Iterable[str] = (), overwrite: Iterable[str] = (),
               all_stored: bool = False) -> int:
        """Insert rows, or update existing rows with the same primary key.

        On conflict: columns in ``keep_greatest`` keep the larger value, columns in
        ``overwrite`` take the new value, every other column keeps the old value unless it
        was NULL. Duplicate keys inside ``data`` are merged first (last row wins).
        ``all_stored``: the caller knows every key is stored already (no insert step).
        ``data`` may name a relation of this connection (a staged temporary table): the rows
        then never leave DuckDB. Returns the number of input rows.
        """
        n = self._rows(data)
        if n == 0:
            return 0
        pk = PRIMARY_KEYS[table]
        with self._lock, self._staged(table, data) as (name, cols):
            collist = ", ".join(f'"{c}"' for c in cols)
            keys = ", ".join(f'"{k}"' for k in pk)
            greatest = set(keep_greatest)
            over = set(overwrite)
            # the new value: ON CONFLICT's ``excluded`` row, or the joined row ``s`` of the
            # UPDATE that stands in for it on a table without a key index
            unindexed = table in UNINDEXED_KEYS
            x = "s" if unindexed else "excluded"
            sets, changes = [], []
            for c in cols:
                if c in pk:
                    continue
                nv, ov = f's."{c}"', f'o."{c}"'
                if c in greatest or (c == "last_seen" and c not in over):
                    sets.append(f'"{c}" = greatest("{table}"."{c}", {x}."{c}")')
                    changes.append(f"{nv} > {ov} OR ({ov} IS NULL AND {nv} IS NOT NULL)")
                elif c in over:
                    sets.append(f'"{c}" = {x}."{c}"')
                    changes.append(f"{nv} IS DISTINCT FROM {ov}")
                elif c == "first_seen":
                    sets.append(f'"{c}" = least("{table}"."{c}", {x}."{c}")')
                    changes.append(f"{nv} < {ov} OR ({ov} IS NULL AND {nv} IS NOT NULL)")
                else:
                    sets.append(f'"{c}" = coalesce("{table}"."{c}", {x}."{c}")')
                    changes.append(f"{ov} IS NULL AND {nv} IS NOT NULL")
            dedup = _dedup_sql(name, collist, keys)
            # Only stored rows that the merge would change take DuckDB's (slow) ON CONFLICT
            # path; new keys are a plain insert. A first import runs about twice as fast,
            # and re-importing an unchanged export costs one join instead of one update
            # per row. The result is the same as one INSERT ... ON CONFLICT over all rows.
            if sets:   # the stored rows the merge changes
                changed = (f'SELECT s.* FROM ({dedup}) s JOIN "{table}" o USING ({keys}) '
                           f'WHERE {" OR ".join(f"({c})" for c in changes)}')
                if unindexed:
                    on = " AND ".join(f'"{table}"."{k}" = s."{k}"' for k in pk)
                    self.con.execute(f'UPDATE "{table}" SET {", ".join(sets)} FROM ({changed}) s WHERE {on}')
                else:
                    self.con.execute(f'INSERT INTO "{table}" ({collist}) {changed} '
                                     f"ON CONFLICT ({keys}) DO UPDATE SET {', '.join(sets)}")
            if not all_stored:
                self.con.execute(_insert_new_sql(table, name, collist, keys))
        return n

    def append(self, table: str, data: pa.Table | pd.DataFrame | str, ignore_conflicts: bool = True) -> int:
        """Append rows; rows whose key already exists are skipped when the table has a key.
        ``data`` may name a relation of this connection, as in `upsert`."""
        n = self._rows(data)
        if n == 0:
            return 0
        with self._lock, self._staged(table, data) as (name, cols):
            collist = ", ".join(f'"{c}"' for c in cols)
            if ignore_conflicts and table in UNINDEXED_KEYS:   # no index: skip stored keys by a join
                keys = ", ".join(f'"{k}"' for k in PRIMARY_KEYS[table])
                self.con.execute(_insert_new_sql(table, name, collist, keys))
            else:
                tail = " ON CONFLICT DO NOTHING" if ignore_conflicts and table in PRIMARY_KEYS else ""
                self.con.execute(f'INSERT INTO "{table}" ({collist}) SELECT {collist} FROM "{name}"{tail}')
        return n

    def replace(self, table: str, data: pa.Table | pd.DataFrame, where: str | None = None,
                params: list | None = None) -> int:
        """Delete rows matching ``where`` (all rows when None) and insert ``data``, atomically."""
        with self.transaction():
            self.con.execute(f'DELETE FROM "{table}"' + (f" WHERE {where}" if where else ""),
                             params or [])
            return self.append(table, data, ignore_conflicts=False) if len(data) else 0

    def execute(self, query: str, params: list | None = None):
        """Execute a statement (DuckDB dialect) under the store lock."""
        with self._lock:
            return self.con.execute(query, params or [])

    def compact(self) -> None:
        """Rewrite the database file with live rows only (after an erasure: DuckDB reuses the
        blocks of deleted rows but does not wipe them). The store stays open."""
        if self.path == ":memory:" or self.read_only:
            return
        import os
        with self._lock:
            self.con.execute("CHECKPOINT")
            self.con.close()
            tmp = f"{self.path}.compact.tmp"
            for f in (tmp, tmp + ".wal"):
                if os.path.exists(f):
                    os.remove(f)
            con = duckdb.connect(tmp)
            try:
                con.execute(f"ATTACH '{self.path}' AS old (READ_ONLY)")
                con.execute("COPY FROM DATABASE old TO " + con.execute("SELECT current_database()").fetchall()[0][0])
                con.execute("DETACH old")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(tmp, self.path)
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path + ".wal")
            self.con = duckdb.connect(self.path)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}, engine='duckdb', schema_version={SCHEMA_VERSION})"


def empty_table(table: str) -> pa.Table:
    """An empty Arrow table with the canonical columns (types inferred by DuckDB on insert)."""
    import pyarrow as pa
    return pa.table({c: pa.array([], pa.null()) for c in columns(table)})


def table_names() -> list[str]:
    return list(TABLES)
