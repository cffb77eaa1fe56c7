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

A workspace's first analysis has no cache of its own yet, and compiling every query was
about a third of that run. The queries a workspace compiles are therefore also kept in the
user's cache folder (:func:`shared_path`: ``~/.cache/suara``, or ``$XDG_CACHE_HOME/suara``, or
``$SUARA_CACHE_DIR``; readable by the user only), and a query missing from the workspace's
own cache is looked up there: the key is the expression's whole structure, literals and
table schemas included, so SQL compiled for one workspace is exactly the SQL another
workspace's identical expression compiles to. A literal that differs between workspaces
while the SQL around it does not — the enrichment version most queries filter on — is keyed
and kept as a token (:meth:`SqlCache.set_literal`), and a hit gets the workspace's own value
back. The same file keeps the read-ahead list (:mod:`suara.store.readahead`) the last
workspace of each election recorded (:attr:`SqlCache.ahead_key`, in the same shared form): a
workspace with no recording of its own reads those queries ahead on its own store, and a
query whose text it does not ask for is dropped.
A machine where no workspace has compiled anything yet starts from the SQL the package ships
(:func:`suara.store.sqlfiles.seed`, ``sqlseed.json.gz`` in this folder): the compiled queries and read-ahead
lists that analysing the demo campaign of every bundled election leaves in the shared file,
built by ``python tools/build_sql_seed.py`` for the Ibis version it names (another Ibis
ignores it; any SQLGlot will do, since the SQL is DuckDB's). It is read as a layer under the shared file, never written to; its keys
are whole expression structures, so a hit is exactly the SQL that workspace would compile, and
a query it lacks (a changed expression, another election) is compiled as before.
``SUARA_SQL_SEED=0`` turns it off.
Queries can hold literals from the data (a searched handle), so an erasure
(:meth:`SqlCache.clear`) removes that file too; setting ``SUARA_SQL_CACHE_SHARED=0`` keeps
every workspace's compiled SQL to itself.

Tables a run materialises from stable tables (``expr.cache()`` of the mentions the sections
share) are read ahead too: the recording notes each one's statements under a name derived
from its query (:data:`suara.store.readahead.CACHED_TOKEN`), and queries over them are noted
with that name in place of the random one, so the next run's read-ahead builds the same
table on its own connection and runs those queries there as well.

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
import re
import threading
import time
from typing import Any

from suara.store.readahead import CACHED_TOKEN, CACHED_TOKENS
from suara.store.sqlfiles import _read_entries, _write_entries, seed, shared_path

__all__ = ["SqlCache", "MAX_ENTRIES", "install", "shared_path", "seed"]

#: queries kept in the file (the most recently used ones)
MAX_ENTRIES = 2000
#: read-ahead lists the shared file keeps (one per election, newest)
MAX_SHARED_LISTS = 16
_RANDOM_NAME = re.compile(r"ibis_[a-z_]+_[a-z2-7]{26}")


class _Uncacheable(Exception):
    pass


class SqlCache:
    """SQL compiled by one Ibis backend, keyed by expression structure (see the module).
    ``shared``: the user's file shared by workspaces (default: :func:`shared_path` when
    ``path`` is a file; None: none)."""

    def __init__(self, path: str | None, shared: str | None | bool = True):
        self.path = path
        self.shared = (shared_path() if shared is True else shared or None) if path else None
        self._shared_entries: dict[str, str] | None = None
        self._shared_ahead: dict[str, list] | None = None
        #: what the queries a run reads ahead depend on besides the store and the literals
        #: (the election; set by the caller): a workspace without a recording of its own
        #: reads ahead the one another workspace with the same key recorded last
        self.ahead_key: str | None = None
        self._share_ahead = False
        #: literals that differ between workspaces but not the SQL around them (the
        #: enrichment version every query filters on): token -> this workspace's value. An
        #: expression is keyed, and its SQL kept and shared, with the token in the value's
        #: place, and a hit gets this workspace's value back (see :meth:`set_literal`)
        self.literals: dict[str, str] = {}
        #: queries compiled in this process (what the shared file does not have yet)
        self._compiled: dict[str, str] = {}
        self._entries: dict[str, str] | None = None
        self._read_ahead: list[str] | None = None
        self._dirty = False
        #: (SQL, seconds) of the queries over stable tables that the recording thread ran
        #: (see :meth:`record`); None when not recording
        self.recording: list[tuple[str, float]] | None = None
        self._recorder: int | None = None
        #: the running :class:`~suara.store.readahead.ReadAhead` whose rows the queries of
        #: its own thread take
        self.active = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        #: temporary tables materialised from stable tables in this process -> their token,
        #: and each token's statements (a read-ahead item, see :meth:`_note`)
        self._derived: dict[str, str] = {}
        self._made: dict[str, tuple[str, str, str, str]] = {}

    # ----- the key ------------------------------------------------------------------------
    def set_literal(self, token: str, value: str | None) -> None:
        """Key, keep and share SQL with ``token`` in place of the string literal ``value``
        (None: stop). Example: the enrichment version, which differs between workspaces."""
        # a new dict, never one changed in place: other threads (the web app's pages) may be
        # keying expressions with the old one
        rest = {t: v for t, v in self.literals.items() if t != token}
        self.literals = {**rest, token: value} if value else rest

    def key(self, expr, limit, names: list[str], used: set | None = None) -> str:
        """A digest of ``expr``'s structure; random table names found go to ``names`` in
        order of appearance and are keyed by position, and the values of :attr:`literals`
        met go to ``used`` and are keyed by their token."""
        tokens = {v: t for t, v in self.literals.items()}   # (replaced whole by set_literal)
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
                if x in tokens and used is not None:
                    used.add(x)
                    return f"literal#{tokens[x]}"
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
            self._entries, self._read_ahead = _read_entries(self.path)
        return self._entries

    def _shared_file(self) -> tuple[dict[str, str], dict[str, list]]:
        """(entries, read-ahead lists) of the shared file over the package's (:func:`seed`),
        read once (empty when neither)."""
        if not self.shared:
            return {}, {}
        if self._shared_entries is None:
            entries, lists = _read_entries(self.shared, keyed=True)
            base, base_lists = seed()
            self._shared_entries = {**base, **entries} if base else entries
            self._shared_ahead = {**base_lists, **lists} if base_lists else lists
        return self._shared_entries, self._shared_ahead or {}

    def _from_shared(self, k: str) -> str | None:
        """The SQL another workspace compiled for key ``k``."""
        return self._shared_file()[0].get(k)

    # ----- read-ahead (suara.store.readahead) ---------------------------------------------
    def read_ahead_queries(self) -> list[str]:
        """The SQL the last complete recording read from stable tables, in the order it ran;
        for a workspace without one, what the last workspace with the same :attr:`ahead_key`
        recorded (its SQL is run on this store: a query whose text this run does not ask for
        again is only dropped)."""
        self._load()
        if self._read_ahead or not (self.shared and self.ahead_key):
            return list(self._read_ahead or [])
        return [_each(q, self.fill) for q in self._shared_file()[1].get(self.ahead_key) or []]

    def record(self) -> None:
        """Note this thread's queries over stable tables from now on (one complete `suara
        analyse`)."""
        self.recording, self._recorder = [], threading.get_ident()

    def stop_recording(self) -> None:
        """Stop recording and forget what was noted (a run that did not finish)."""
        self.recording, self._recorder = None, None

    def keep_recording(self) -> None:
        """Keep what was recorded as the queries to read ahead next time (stop recording)."""
        from suara.store.readahead import MAX_QUERIES, MIN_SECONDS
        rec = self.recording
        self.stop_recording()
        if rec is None:
            return
        ahead = list(dict.fromkeys(q for q, dt in rec if dt >= MIN_SECONDS))[:MAX_QUERIES]
        self._load()
        if ahead != self._read_ahead:
            self._read_ahead, self._dirty = ahead, True
            self._share_ahead = bool(self.ahead_key)

    def save(self) -> bool:
        """Write the cache file when something new was compiled (atomic; False when not),
        and add what this process compiled to the shared file."""
        if not self.path or not self._dirty or self._entries is None:
            return False
        with self._lock:
            entries = dict(list(self._entries.items())[-MAX_ENTRIES:])
            if not _write_entries(self.path, entries, list(self._read_ahead or [])):
                return False
            self._dirty = False
            new, self._compiled = self._compiled, {}
            ahead = [_each(q, self.blank) for q in self._read_ahead or []] \
                if self._share_ahead and self.ahead_key else None
            self._share_ahead = False
        if self.shared and (new or ahead is not None):
            self._share(new, ahead)
        return True

    def _share(self, new: dict[str, str], ahead: list | None = None) -> None:
        """Merge ``new`` (and this workspace's read-ahead list, under :attr:`ahead_key`) into
        the shared file (read again first: other workspaces write it too; losing a race only
        loses entries, which are compiled again)."""
        try:
            os.makedirs(os.path.dirname(self.shared), mode=0o700, exist_ok=True)
        except OSError:
            return
        shared, lists = _read_entries(self.shared, keyed=True)
        for k, v in new.items():
            shared.pop(k, None)
            shared[k] = v
        if ahead is not None:
            lists.pop(self.ahead_key, None)
            lists[self.ahead_key] = ahead
        _write_entries(self.shared, dict(list(shared.items())[-MAX_ENTRIES:]),
                       dict(list(lists.items())[-MAX_SHARED_LISTS:]))
        self._shared_entries = self._shared_ahead = None

    def clear(self) -> None:
        """Forget every entry and remove the file and the shared one (e.g. after an erasure:
        a query's literals can name an account)."""
        with self._lock:
            self._entries, self._read_ahead, self._dirty = {}, [], False
            self._compiled, self._shared_entries, self._shared_ahead = {}, None, None
            for path in (self.path, self.shared):
                if path and os.path.exists(path):
                    os.remove(path)

    # ----- the backend --------------------------------------------------------------------
    def install(self, backend) -> None:
        """Route ``backend.compile`` through the cache."""
        compile_ = backend.compile

        def compile(expr, /, *, limit=None, params=None, pretty=False):
            if params or pretty:
                return compile_(expr, limit=limit, params=params, pretty=pretty)
            names: list[str] = []
            used: set[str] = set()
            try:
                k = self.key(expr, limit, names, used)
            except _Uncacheable:
                return compile_(expr, limit=limit)
            entries = self._load()
            sql = entries.get(k)
            if sql is None:
                sql = self._from_shared(k)
                if sql is not None:   # compiled by another workspace: this one keeps it too
                    with self._lock:
                        entries[k] = sql
                        self._dirty = True
            if sql is not None:
                self.hits += 1
                for i, n in enumerate(names):
                    sql = sql.replace(f"__suara_table_{i}__", n)
                return self.fill(sql)
            self.misses += 1
            sql = compile_(expr, limit=limit)
            stored = sql
            for i, n in enumerate(names):
                stored = stored.replace(n, f"__suara_table_{i}__")
            if used:
                stored = self.blank(stored)
                if any(v in stored for v in used):   # rendered some other way: keep nothing
                    return sql
            with self._lock:
                entries.pop(k, None)
                entries[k] = stored
                self._compiled[k] = stored
                self._dirty = True
            return sql

        backend.compile = compile
        if getattr(backend, "name", "") == "duckdb" and hasattr(backend, "_to_duckdb_relation"):
            backend._create_cached_table = self._cached_table_maker(backend)
            backend._to_duckdb_relation = self._relation_maker(backend)

    def _mine(self):
        """(read-ahead, recording) that apply to the calling thread (each None when not)."""
        me = threading.get_ident()
        return (self.active if getattr(self.active, "owner", None) == me else None,
                self.recording if self._recorder == me else None)

    def _note(self, rec: list, query, seconds: float) -> None:
        """Record ``query`` (SQL, or a table's statements) after the statements of every
        materialised table it reads that are not recorded yet: Ibis reuses a table it
        materialised before (a long-running process), and the next run's read-ahead must
        build it all the same. Those statements are always kept (``inf`` seconds)."""
        for m in CACHED_TOKENS.finditer(query if isinstance(query, str) else query[3]):
            made = self._made.get(m.group(0))
            if made is not None and all(q != made for q, _ in rec):
                self._note(rec, made, float("inf"))
        rec.append((query, seconds))

    def fill(self, sql: str) -> str:
        """``sql`` with each :attr:`literals` token replaced by this workspace's value."""
        for t, v in self.literals.items():
            if t in sql:
                sql = sql.replace(_quoted(t), _quoted(v))
        return sql

    def blank(self, sql: str) -> str:
        """``sql`` with each :attr:`literals` value replaced by its token (the shared form)."""
        for t, v in self.literals.items():
            if v in sql:
                sql = sql.replace(_quoted(v), _quoted(t))
        return sql

    def normal(self, sql: str) -> str:
        """``sql`` with the tables materialised from stable tables named by their tokens
        (the form recorded and read ahead)."""
        if "ibis_" not in sql or not self._derived:
            return sql
        return _RANDOM_NAME.sub(lambda m: self._derived.get(m.group(0), m.group(0)), sql)

    def _relation_maker(self, backend):
        """Ibis' ``_to_duckdb_relation`` (the query of ``execute`` and ``to_pyarrow``), which
        also hands over the rows read ahead for the same SQL and, while recording, notes how
        long each query over stable tables took."""
        relation_ = backend._to_duckdb_relation

        def to_duckdb_relation(expr, *, params=None, limit=None, **kwargs):
            ahead, rec = self._mine()
            if (ahead is None and rec is None) or params or kwargs:
                return relation_(expr, params=params, limit=limit, **kwargs)
            # Ibis' own steps (ibis.backends.duckdb.Backend._to_duckdb_relation)
            plain, stable = _sources(backend, expr, self._derived)
            if not plain:
                backend._run_pre_execute_hooks(expr)
            table_expr = expr.as_table()
            sql = backend.compile(table_expr, limit=limit)
            if table_expr.schema().geospatial:
                backend._load_extensions(["spatial"])
            noted = self.normal(sql) if stable else sql
            listed = False
            if ahead is not None and stable:
                rows = ahead.take(noted)
                # read ahead (or listed, but not started yet on a busy machine): it qualified
                # last time, so it stays recorded however fast it runs now
                listed = noted in ahead.listed
                if rows is not None:
                    if rec is not None:
                        self._note(rec, noted, float("inf"))
                    return _Ready(rows, lambda: backend.con.sql(sql))
            rel = backend.con.sql(sql)
            if rec is not None and stable:
                return _Timed(rel, lambda dt: self._note(rec, noted, float("inf") if listed else dt))
            return rel

        return to_duckdb_relation

    def _cached_table_maker(self, backend):
        """``expr.cache()`` on DuckDB with the query from the cache: Ibis' own path
        (``create_table``) compiles the query again, outside ``compile`` (~70 ms per table).
        The statements are Ibis' own: a temporary table with the expression's schema, filled
        by an INSERT of its query — or of the query's rows when they were read ahead (cast
        to the same column types on the way in)."""
        create_ = backend._create_cached_table

        def create_cached_table(name: str, expr):
            schema = expr.schema()
            if schema.null_fields:   # Ibis' own path says why it cannot
                return create_(name, expr)
            import sqlglot as sg
            import sqlglot.expressions as sge
            dialect, quoted = backend.dialect, backend.compiler.quoted
            plain, stable = _sources(backend, expr, self._derived)
            if not plain:
                backend._run_pre_execute_hooks(expr)
            query = backend.compile(expr)
            noted = self.normal(query) if stable else query
            ahead, rec = self._mine()
            rows = ahead.take(noted) if ahead is not None and stable else None
            table = sg.table(name, catalog="temp", db="main", quoted=quoted)
            create = sge.Create(kind="TABLE", properties=sge.Properties(expressions=[sge.TemporaryProperty()]),
                                this=sge.Schema(this=table, expressions=schema.to_sqlglot_column_defs(dialect)))
            cols = ", ".join(sge.to_identifier(c, quoted=quoted).sql(dialect) for c in expr.columns)
            into = f"INSERT INTO {table.sql(dialect)} ({cols})"
            with backend._safe_raw_sql(create) as cur:
                if rows is None:
                    cur.execute(f"{into} {query}").fetchall()
                else:
                    view = f"suara_read_ahead_{name}"
                    cur.register(view, rows)
                    try:
                        cur.execute(f'{into} SELECT * FROM "{view}"').fetchall()
                    finally:
                        cur.unregister(view)
            if stable:   # queries over it are as stable as its own: they are read ahead too
                # named after the shared form of its query: the same in every workspace
                token = CACHED_TOKEN.format(hashlib.sha1(self.blank(noted).encode()).hexdigest()[:16])
                self._derived[name] = token
                self._made[token] = (token, create.sql(dialect).replace(name, token), into.replace(name, token), noted)
                if rec is not None:
                    self._note(rec, self._made[token], float("inf"))
            return backend.table(name, database=("temp", "main"))

        return create_cached_table


def _quoted(s: str) -> str:
    """``s`` as an SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def _each(q, fn):
    """``fn`` applied to a read-ahead item: SQL, or each statement of a materialised table."""
    return fn(q) if isinstance(q, str) else tuple(fn(x) for x in q)


def _sources(backend, expr, derived=()) -> tuple[bool, bool]:
    """(whether Ibis' pre-execute hooks have nothing to do for ``expr`` — it reads database
    tables only: no in-memory table, UDF, geospatial operation or record-batch reader —,
    whether it reads only canonical tables that `suara analyse` never writes, or temporary
    tables materialised from them, named in ``derived``), from one walk of its graph instead
    of the hooks' four."""
    from ibis.expr import operations as ops

    from suara.store.readahead import STABLE_TABLES
    found = expr.op().find((ops.PhysicalTable, ops.SQLQueryResult, ops.SQLStringView, ops.ScalarUDF,
                            ops.GeoSpatialUnOp, ops.GeoSpatialBinOp))
    plain = (not getattr(backend, "_record_batch_readers_consumed", None)
             and all(type(n) is ops.DatabaseTable for n in found))
    stable = plain and bool(found) and all(
        (n.name in STABLE_TABLES and not n.namespace.catalog and not n.namespace.database)
        or (n.namespace.catalog == "temp" and n.name in derived) for n in found)
    return plain, stable


class _Ready:
    """A relation whose rows were read ahead (``to_arrow_table``); anything else asks DuckDB."""

    def __init__(self, table, relation):
        self._table, self._relation = table, relation

    def to_arrow_table(self, *args, **kwargs):
        return self._table

    def __getattr__(self, name):
        return getattr(self._relation(), name)


class _Timed:
    """A DuckDB relation whose ``to_arrow_table`` reports how long it took."""

    def __init__(self, relation, done):
        self._relation, self._done = relation, done

    def to_arrow_table(self, *args, **kwargs):
        t0 = time.perf_counter()
        out = self._relation.to_arrow_table(*args, **kwargs)
        self._done(time.perf_counter() - t0)
        return out

    def __getattr__(self, name):
        return getattr(self._relation, name)


def install(backend, path: str | None) -> SqlCache:
    """A :class:`SqlCache` at ``path`` (None: this process only) wrapped around ``backend``."""
    cache = SqlCache(path)
    cache.install(backend)
    return cache
