"""Read-ahead: the queries the last full `suara analyse` ran over the canonical tables start
on a second DuckDB connection of the same database at the beginning of the next run, while
that run is still importing its modules, running the detect steps and building its
expressions; a section that then asks for the same SQL takes the rows already read instead
of running the query on the one connection it shares with every other section.

What is kept between runs is only the SQL text of those queries (next to the compiled SQL,
:mod:`suara.store.sqlcache`), never their rows: every run reads the store again. Only
queries over :data:`STABLE_TABLES` are read ahead — tables that nothing inside a `suara
analyse` run writes (its detect steps and the pre-aggregated tables write others) — so a
query's rows are the same whether it runs at the start of the run or when the section asks.
Rows are handed over only for the identical SQL text; anything else (a query the sections no
longer ask for, a literal that changed with the data, a read that failed) runs as before.

A table the last run materialised from stable tables (the mentions every section shares) is
built again here, on the second connection, from the statements noted for it
(:data:`CACHED_TOKEN`): the queries over it are then read ahead like the
others, and its own rows are handed to the run that materialises it.

Example
-------
>>> import duckdb
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TABLE posts AS SELECT range AS n FROM range(5)")
>>> ra = ReadAhead(con, ["SELECT count(*) AS n FROM posts"])
>>> ra.take("SELECT count(*) AS n FROM posts").to_pylist(), ra.take("SELECT 1") is None
([{'n': 5}], True)
>>> ra.close()
"""
from __future__ import annotations

import contextlib
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["ReadAhead", "read_ahead", "STABLE_TABLES", "MIN_SECONDS", "MAX_QUERIES", "CACHED_TOKEN", "CACHED_TOKENS",
           "VERSION_TOKEN"]

#: canonical tables that no step of `suara analyse` writes (the radar writes alerts, live
#: sessions their table, the pre-aggregated tables their own): imports, enrichment, region
#: inference and coordination runs write these, never while an analysis runs
STABLE_TABLES = frozenset({"posts", "enrichments", "mentions", "accounts", "account_regions", "account_scores"})
#: a query is read ahead when it took at least this long (the rest cost less to run than to hand over)
MIN_SECONDS = 0.002
#: the token the enrichment version stands as in kept and shared SQL
VERSION_TOKEN = "__suara_enrich_version__"
#: at most this many queries per run
MAX_QUERIES = 64
#: the name the statements noted give a table materialised from stable tables: the same in
#: every run that materialises the same query (`suara.store.sqlcache` makes the 16 hex
#: digits from it), and :data:`CACHED_TOKENS` finds them in SQL
CACHED_TOKEN = "__suara_cached_{}__"
CACHED_TOKENS = re.compile(r"__suara_cached_([0-9a-f]{16})__")


class ReadAhead:
    """Run ``queries`` (in order) on a cursor of ``con`` in one background thread; :meth:`take`
    hands over the Arrow table of one of them. A query is its SQL text, or a table to
    materialise first: ``(token, create, insert, query)``, whose rows are handed over as those
    of ``query``, and which the queries after it name by ``token``."""

    def __init__(self, con, queries):
        self._cur = con.cursor()
        # the session settings Ibis gives its own connection (suara.store.Store.ibis), so that
        # the rows come back exactly as they would there
        self._cur.execute("SET TimeZone = 'UTC'")
        self._cur.execute("SET python_enable_replacements = false")
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="suara-read-ahead")
        self._futures = {}
        #: every query's SQL (a table's: its query), taken or not
        self.listed = frozenset(q if isinstance(q, str) else q[3] for q in queries)
        for q in dict.fromkeys(queries):
            if isinstance(q, str):
                self._futures[q] = self._pool.submit(self._read, q)
            else:
                self._futures[q[3]] = self._pool.submit(self._materialise, *q)
        self.taken = 0
        #: the thread whose queries take these rows (the one running the analysis)
        self.owner = threading.get_ident()

    def _read(self, sql: str):
        return self._cur.sql(_local(sql)).to_arrow_table()

    def _materialise(self, token: str, create: str, insert: str, query: str):
        """The rows of ``query``, kept in a temporary table of this connection too (with the
        column types the run's own table gets) for the queries that name ``token``."""
        rows = self._read(query)
        self._cur.execute(_local(create))
        self._cur.register("suara_read_ahead_rows", rows)
        try:
            self._cur.execute(f'{_local(insert)} SELECT * FROM "suara_read_ahead_rows"').fetchall()
        finally:
            self._cur.unregister("suara_read_ahead_rows")
        return rows

    def take(self, sql: str):
        """The rows of ``sql`` as a pyarrow Table when it is read ahead (waiting for it if it
        is being read now), else None: a query not started yet is dropped and the caller runs
        it itself."""
        fut = self._futures.pop(sql, None)
        if fut is None or fut.cancel():
            return None
        try:
            table = fut.result()
        except Exception:  # noqa: BLE001 - the caller runs the query and meets the error itself
            return None
        self.taken += 1
        return table

    def close(self) -> None:
        """Drop what was not taken and close the second connection (waits for a running read)."""
        for fut in self._futures.values():
            fut.cancel()
        self._futures.clear()
        self._pool.shutdown(wait=True)
        self._cur.close()


def _local(sql: str) -> str:
    """``sql`` with every materialised table's token replaced by this connection's own name."""
    return CACHED_TOKENS.sub(r"suara_read_ahead_\1", sql) if "__suara_cached_" in sql else sql


@contextlib.contextmanager
def read_ahead(store, enabled: bool = True, key: str | None = None):
    """Inside the block, the queries the store's SQL cache recorded last time are read ahead
    on a DuckDB store file (nothing happens on other engines, in memory, when not
    ``enabled`` or when the environment sets ``SUARA_READ_AHEAD=0``); the queries that then
    take their rows find them in :attr:`suara.store.sqlcache.SqlCache.active`. ``key`` (the
    election): which other workspaces' recording a store without one of its own reads
    ahead (:attr:`suara.store.sqlcache.SqlCache.ahead_key`), their enrichment version
    replaced by this store's (:data:`VERSION_TOKEN`)."""
    cache = getattr(store, "sql_cache", None)
    if key is not None and cache is not None and getattr(store, "con", None) is not None:
        from suara.store.schema import ENRICH_VERSION_KEY
        # the enrichment version as a token in kept and shared SQL: a workspace enriched by
        # another pipeline version meets the same queries. Set with the read-ahead off too, so
        # a run's recording (the names of the tables it materialises) is the same either way
        cache.set_literal(VERSION_TOKEN, store.meta(ENRICH_VERSION_KEY))
    off = os.environ.get("SUARA_READ_AHEAD") == "0"
    if not enabled or off or getattr(store, "engine", None) != "duckdb" or getattr(store, "con", None) is None \
            or getattr(store, "path", ":memory:") == ":memory:":
        yield None
        return
    cache = store.sql_cache
    if key is not None:
        cache.ahead_key = key
    queries = cache.read_ahead_queries()
    if not queries or cache.active is not None:
        yield None
        return
    ahead = cache.active = ReadAhead(store.con, queries)
    try:
        yield ahead
    finally:
        cache.active = None
        ahead.close()
