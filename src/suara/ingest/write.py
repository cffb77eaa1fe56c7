"""Writing canonical rows: the columnar batch of the row path, Arrow conversion with
per-cell quarantine, and the upserts of posts, accounts, metric observations and quarantine
(shared by the row path and the bulk path of `suara.ingest.pipeline`).

Idempotence: posts and accounts are keyed by (platform, post_id) / (platform, account_id);
re-writing a row changes nothing (counts keep their greatest value) and only adds a metric
observation. Every function here runs inside the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import orjson
import pyarrow as pa

from suara.ingest.base import Item, RowError, decode_bytes
from suara.ingest.bulkmap import lit
from suara.store.schema import TABLES, columns
from suara.store.staging import registered
from suara.store.store import Store

__all__ = ["FileReport", "arrow_schema"]

_METRICS = ("likes", "comments", "shares", "views", "saves")
_ACC_MONOTONE = ("followers", "following", "post_count")


@dataclass
class FileReport:
    """What happened to one input file."""

    file: str
    format: str | None = None
    confidence: float | None = None
    accepted: int = 0        # posts (and stand-alone accounts) new to the store
    updated: int = 0         # posts already stored whose metrics changed
    unchanged: int = 0       # posts already stored, identical
    accounts: int = 0
    quarantined: int = 0
    error: str | None = None  # the file could not be read at all
    notes: list[str] = field(default_factory=list)   # what the format reports (chat name, day order ...)
    import_id: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)




def _printable(v) -> str:
    # quarantine keeps hostile text as evidence, but a lone surrogate cannot be stored as UTF-8
    s = v if isinstance(v, str) else str(v)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "backslashreplace").decode("utf-8")


class _Batch:
    """Columnar accumulator of canonical rows for one flush."""

    def __init__(self, source_name: str, fmt: str, now: dt.datetime, import_id: str):
        self.source_name, self.fmt, self.now, self.import_id = source_name, fmt, now, import_id
        self.post_cols = columns("posts")
        self.posts: dict[str, list] = {c: [] for c in self.post_cols}
        self._appends = [(c, self.posts[c].append) for c in self.post_cols]
        self.obs_at: list = []
        self.accounts: dict[tuple, dict] = {}
        self.quarantine: list[dict] = []
        self.n_posts = 0

    def add(self, row: int, item: Item) -> None:
        p = item.post
        if p is not None:
            p.setdefault("kind", "post")
            p.setdefault("source", f"{self.fmt}:{self.source_name}:{row}")
            p["ingested_at"] = self.now
            get = p.get
            for c, app in self._appends:
                app(get(c))
            self.obs_at.append(item.observed_at or self.now)
            self.n_posts += 1
        a = item.account
        if a is not None:
            key = (a["platform"], a["account_id"])
            seen_at = (p or {}).get("created_at")
            old = self.accounts.get(key)
            if old is None:
                a = dict(a)
                a.setdefault("first_seen", seen_at or self.now)
                a.setdefault("last_seen", seen_at or self.now)
                self.accounts[key] = a
            else:
                for k, v in a.items():
                    if v is not None and (old.get(k) is None or k in _ACC_MONOTONE and v > old[k]):
                        old[k] = v
                if seen_at is not None:
                    if old.get("first_seen") is None or seen_at < old["first_seen"]:
                        old["first_seen"] = seen_at
                    if old.get("last_seen") is None or seen_at > old["last_seen"]:
                        old["last_seen"] = seen_at

    def bad(self, row: int, err: RowError, raw) -> None:
        try:
            if isinstance(raw, (bytes, bytearray)):
                raw = decode_bytes(bytes(raw[:20_000]))
            text = raw if isinstance(raw, str) else orjson.dumps(raw, default=str).decode()
        except Exception:  # noqa: BLE001 - raw can be anything; keep a repr
            text = repr(raw)
        self.quarantine.append({
            "import_id": self.import_id, "file": self.source_name, "row": row,
            "field": _printable(err.field), "reason": _printable(err.reason),
            "raw": _printable(text[:20_000]), "format": self.fmt, "quarantined_at": self.now})

    def __len__(self):
        return self.n_posts + len(self.accounts) + len(self.quarantine)


_ARROW_TYPES = {"VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "BIGINT": pa.int64(),
                "BOOLEAN": pa.bool_(), "DOUBLE": pa.float64(), "VARCHAR[]": pa.list_(pa.string())}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(c, _ARROW_TYPES[t.replace(" NOT NULL", "")]) for c, t in TABLES[table]])


def _to_arrow(table: str, cols: dict[str, list]) -> pa.Table:
    schema = arrow_schema(table)
    arrays = []
    for f in schema:
        vals = cols.get(f.name)
        if vals is None:
            n = len(next(iter(cols.values()))) if cols else 0
            arrays.append(pa.nulls(n, f.type))
        else:
            arrays.append(pa.array(vals, type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


_ARROW_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError)


def _bad_cells(table: str, cols: dict[str, list]) -> dict[int, tuple[str, str]]:
    """Rows (by index) holding a value that does not fit the column type, with the first
    offending column and why. Only columns whose conversion fails are checked cell by cell."""
    bad: dict[int, tuple[str, str]] = {}
    for f in arrow_schema(table):
        vals = cols.get(f.name)
        if vals is None:
            continue
        try:
            pa.array(vals, type=f.type)
            continue
        except _ARROW_ERRORS:
            pass
        for i, v in enumerate(vals):
            if i in bad or v is None:
                continue
            try:
                pa.array([v], type=f.type)
            except _ARROW_ERRORS as e:
                bad[i] = (f.name, f"value does not fit {f.type}: {type(e).__name__}: {str(e)[:200]}")
    return bad


def _posts_arrow(b: _Batch) -> pa.Table:
    """The batch's posts as Arrow; a mapped value that does not fit its column (an integer
    beyond 64 bits, a lone surrogate, an object where text belongs) sends its row to
    quarantine instead of failing the whole file. Checked only when conversion fails, so
    well-formed input pays nothing."""
    try:
        return _to_arrow("posts", b.posts)
    except _ARROW_ERRORS:
        pass
    bad = _bad_cells("posts", b.posts)
    keep = [i for i in range(b.n_posts) if i not in bad]
    for i, (fld, why) in sorted(bad.items()):
        src = b.posts["source"][i] or ""
        row = src.rsplit(":", 1)[-1]
        rec = {c: b.posts[c][i] for c in b.post_cols}
        b.bad(int(row) if row.isdigit() else None, RowError(fld, why), rec)
    b.posts = {c: [v[i] for i in keep] for c, v in b.posts.items()}
    b.obs_at = [b.obs_at[i] for i in keep]
    b.n_posts = len(keep)
    return _to_arrow("posts", b.posts)


def _accounts_arrow(b: _Batch) -> pa.Table:
    """The batch's accounts as Arrow; accounts with a value that does not fit go to
    quarantine (their posts stay: the post itself is valid)."""
    accs = list(b.accounts.values())
    cols = {c: [a.get(c) for a in accs] for c in columns("accounts")}
    try:
        return _to_arrow("accounts", cols)
    except _ARROW_ERRORS:
        pass
    bad = _bad_cells("accounts", cols)
    for i, (fld, why) in sorted(bad.items()):
        a = accs[i]
        b.bad(None, RowError(f"account.{fld}", f"{a.get('platform')}:{a.get('account_id')}: {why}"), a)
    keep = [a for i, a in enumerate(accs) if i not in bad]
    b.accounts = {(a["platform"], a["account_id"]): a for a in keep}
    return _to_arrow("accounts", {c: [a.get(c) for a in keep] for c in columns("accounts")})


def _flush(store: Store, b: _Batch, rep: FileReport) -> None:
    accounts = _accounts_arrow(b) if b.accounts else None   # may add to b.quarantine
    if b.n_posts:
        posts = _posts_arrow(b)
    if b.n_posts:
        _write_posts(store, posts, pa.array(b.obs_at, pa.timestamp("us")), b.import_id, rep)
    if b.accounts:
        _write_accounts(store, accounts, rep)
    if b.quarantine:
        _write_quarantine(store, b.quarantine, rep)


def _write_posts(store: Store, posts: pa.Table, obs_at: pa.Array, import_id: str,
                 rep: FileReport) -> None:
    con = store.con
    obs = pa.table({
        "platform": posts["platform"], "post_id": posts["post_id"], "observed_at": obs_at,
        "likes": posts["likes"], "comments": posts["comments"],
        "shares": posts["shares"], "views": posts["views"]})
    from suara.ingest.lines import row_numbers
    # ``_row``: the batch order, so that a key met twice keeps its first values (`_dedup_posts`)
    with registered(con, "_in_posts", posts.append_column("_row", row_numbers(0, posts.num_rows))), \
            registered(con, "_in_obs", obs):
        _write_staged_posts(store, "_in_posts", "_in_obs", posts.num_rows, import_id, rep)


def _write_staged_posts(store: Store, posts: str, obs: str, n: int, import_id: str,
                        rep: FileReport, stamped: bool = False) -> None:
    """Write the posts of the relation ``posts`` (``n`` rows, canonical columns, in file
    order) and their metric observations (relation ``obs``: platform, post_id, observed_at,
    likes, comments, shares, views), counting new / updated / unchanged posts.

    ``stamped``: every observation is at this import's own time (the format records no
    collection time). Then posts new to the store have no stored observation at that time:
    an earlier observation of this import is of a post it wrote already, so the observations
    of a batch of new keys are a plain insert (no conflict handling)."""
    con = store.con
    distinct, new, changed = _classify(con, posts)
    # merge duplicates inside the batch: greatest counts, first non-null for the rest
    unique = distinct == n
    data = posts if unique else _dedup_posts(con, posts)
    try:
        if new == distinct:
            store.append("posts", data, ignore_conflicts=False)   # no key is stored yet
        else:
            store.upsert("posts", data, keep_greatest=_METRICS, all_stored=new == 0)
    finally:
        if not unique:
            con.execute(f'DROP VIEW IF EXISTS "{data}"')
    some = "likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL OR views IS NOT NULL"
    iid = lit(import_id)
    if unique:
        sel = (f"SELECT platform, post_id, observed_at, likes, comments, shares, views, {iid} AS import_id "
               f'FROM "{obs}" WHERE {some}')
    else:
        sel = (f"SELECT platform, post_id, observed_at, max(likes) AS likes, max(comments) AS comments, "
               f"max(shares) AS shares, max(views) AS views, {iid} AS import_id "
               f'FROM "{obs}" WHERE {some} GROUP BY platform, post_id, observed_at')
    if unique and stamped and new == distinct:
        con.execute(f"INSERT INTO metric_observations {sel}")
    else:
        # the same post observed at the same time twice (a file listing it in two batches, or
        # two files of one collection): the observation keeps the greatest counts, as the post does
        view = f"_obs_{id(rep)}"
        con.execute(f'CREATE OR REPLACE TEMP VIEW "{view}" AS {sel}')
        try:
            store.upsert("metric_observations", view, keep_greatest=_OBSERVED, overwrite=())
        finally:
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
    rep.accepted += new
    rep.updated += changed
    rep.unchanged += max(0, distinct - new - changed)


_OBSERVED = ("likes", "comments", "shares", "views")   # the counts metric_observations keeps


def _classify(con, posts: str) -> tuple[int, int, int]:
    """``(distinct, new, changed)`` for the posts of the relation ``posts`` against what is
    stored, before they are written: keys in the relation, keys not stored yet, and stored
    keys whose counts grow. Into an empty table every key is new: then the keys are only
    counted, without the join and the greatest counts."""
    if con.execute("SELECT count(*) FROM posts").fetchall()[0][0] == 0:
        distinct = con.execute(
            f'SELECT count(*) FROM (SELECT DISTINCT platform, post_id FROM "{posts}")').fetchall()[0][0]
        return distinct, distinct, 0
    return con.execute(f"""
        WITH s AS (SELECT platform, post_id, {', '.join(f'max({m}) AS {m}' for m in _METRICS)}
                   FROM "{posts}" GROUP BY ALL)
        SELECT count(*), count(*) FILTER (WHERE p.post_id IS NULL),
               count(*) FILTER (WHERE p.post_id IS NOT NULL AND ({' OR '.join(
                   f'coalesce(s.{m},-1) > coalesce(p.{m},-1)' for m in _METRICS)}))
        FROM s LEFT JOIN posts p USING (platform, post_id)""").fetchall()[0]


def _conform_sql(table: str, have: set[str], extra: dict[str, str] | None = None) -> str:
    """A select list giving exactly the columns of ``table`` in schema order, cast to their
    types (missing ones NULL; ``extra`` gives an expression for some)."""
    out = []
    for c, t in TABLES[table]:
        t = t.replace(" NOT NULL", "")
        if extra and c in extra:
            out.append(f'CAST({extra[c]} AS {t}) AS "{c}"')
        elif c in have:
            out.append(f'CAST("{c}" AS {t}) AS "{c}"')
        else:
            out.append(f'CAST(NULL AS {t}) AS "{c}"')
    return ", ".join(out)


def _ts_sql(v: dt.datetime) -> str:
    return f"TIMESTAMP '{v.isoformat(sep=' ')}'"


def _write_chunk(store: Store, chunk, now: dt.datetime, import_id: str, rep: FileReport) -> None:
    """Write the rows an importer's bulk path mapped (`suara.ingest.base.BulkChunk`): posts
    stamped with the import time (their metric observation at ``observed_at`` when the
    format has one, else now), and accounts (first and last seen now when ``_now``).
    Relations staged on the store's connection are read in place; Arrow tables are
    registered for the chunk and let go after it, not kept by the file's transaction."""
    con = store.con
    with registered(con, "_bulk_arrow_posts", chunk.posts) as posts, \
            registered(con, "_bulk_arrow_acc", chunk.accounts) as acc:
        stamp = _ts_sql(now)
        have = _names(con, chunk.posts, posts)
        obs_at = f"coalesce(CAST(observed_at AS TIMESTAMP), {stamp})" if "observed_at" in have else stamp
        # a view: the rows are read where the bulk path staged them, never copied
        con.execute(f"""CREATE OR REPLACE TEMP VIEW _in_bulk AS
            SELECT {_conform_sql("posts", have, {"ingested_at": stamp})}, {obs_at} AS _obs_at
                   {', _row' if '_row' in have else ''}{', _ord' if '_ord' in have else ''}
            FROM "{posts}" """)
        try:
            n = _count(con, chunk.posts, "_in_bulk")   # the view has every row of the chunk
            if n:
                con.execute("""CREATE OR REPLACE TEMP VIEW _in_bulk_obs AS SELECT platform, post_id,
                    _obs_at AS observed_at, likes, comments, shares, views FROM _in_bulk""")
                _write_staged_posts(store, "_in_bulk", "_in_bulk_obs", n, import_id, rep,
                                    stamped="observed_at" not in have)
        finally:
            con.execute("DROP VIEW IF EXISTS _in_bulk_obs")
            con.execute("DROP VIEW IF EXISTS _in_bulk")
        have = _names(con, chunk.accounts, acc)
        extra = {}
        if "_now" in have:
            extra = {"first_seen": f"CASE WHEN _now THEN least(CAST(first_seen AS TIMESTAMP), {stamp}) "
                                   "ELSE first_seen END",
                     "last_seen": f"CASE WHEN _now THEN greatest(CAST(last_seen AS TIMESTAMP), {stamp}) "
                                  "ELSE last_seen END"}
        con.execute(f'CREATE OR REPLACE TEMP TABLE _in_bulk_acc AS SELECT {_conform_sql("accounts", have, extra)} '
                    f'FROM "{acc}"')
        try:
            n = _count(con, chunk.accounts, "_in_bulk_acc")
            if n:
                _write_accounts(store, "_in_bulk_acc", rep, n)
        finally:
            con.execute("DROP TABLE IF EXISTS _in_bulk_acc")


def _names(con, data, name: str) -> set[str]:
    """The columns of a chunk's table: an Arrow table's own names (no statement: a folder of
    small exports pays every statement per file), else those of the relation ``name``."""
    names = getattr(data, "column_names", None)
    return set(names) if names is not None else {r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()}


def _count(con, data, name: str) -> int:
    """The rows of a chunk's table: an Arrow table's own count, else a count of ``name``."""
    n = getattr(data, "num_rows", None)
    return int(n) if n is not None else con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]


def _write_accounts(store: Store, accounts, rep: FileReport, n: int | None = None) -> None:
    store.upsert("accounts", accounts, keep_greatest=_ACC_MONOTONE,
                 overwrite=("handle", "display_name", "bio", "location_text", "verified"))
    rep.accounts += accounts.num_rows if n is None else n


def _write_quarantine(store: Store, quarantine: list[dict], rep: FileReport) -> None:
    con = store.con
    qcols = {c: [q.get(c) for q in quarantine] for c in columns("quarantine")}
    # the same bad row of the same file is recorded once, however often it is re-imported
    with registered(con, "_in_q", _to_arrow("quarantine", qcols)):
        con.execute("""INSERT INTO quarantine SELECT * FROM _in_q q WHERE NOT EXISTS (
            SELECT 1 FROM quarantine o WHERE o.file = q.file AND o.row IS NOT DISTINCT FROM q.row
            AND o.field = q.field AND o.reason = q.reason)""")
    rep.quarantined += len(quarantine)


def _dedup_posts(con, posts: str) -> str:
    """The posts of relation ``posts`` merged per key, as the temporary view ``_in_dedup``:
    the greatest counts, the first non-NULL value of every other column (in file order: by
    ``_row`` when the relation has it, else by its scan order). A view, not a table: a table
    made inside the import's transaction would hold its rows until the commit."""
    have = {r[0] for r in con.execute(f'DESCRIBE "{posts}"').fetchall()}
    order = (" ORDER BY _row, _ord" if "_ord" in have else " ORDER BY _row") if "_row" in have else ""
    agg = []
    for c in columns("posts"):
        if c in ("platform", "post_id"):
            continue
        if c in _METRICS:
            agg.append(f"max({c}) AS {c}")
        else:
            agg.append(f"first({c}{order}) FILTER (WHERE {c} IS NOT NULL) AS {c}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _in_dedup AS SELECT platform, post_id, {', '.join(agg)} "
                f'FROM "{posts}" GROUP BY platform, post_id')
    return "_in_dedup"


def _merge(b: _Batch, posts, obs_at, accounts, quarantine, n_posts) -> None:
    for c, vals in posts.items():
        b.posts[c].extend(vals)
    b.obs_at.extend(obs_at)
    b.n_posts += n_posts
    b.quarantine.extend(quarantine)
    for key, a in accounts.items():
        old = b.accounts.get(key)
        if old is None:
            b.accounts[key] = a
            continue
        for k, v in a.items():
            if v is None:
                continue
            if k == "first_seen":
                old[k] = v if old.get(k) is None else min(old[k], v)
            elif k == "last_seen":
                old[k] = v if old.get(k) is None else max(old[k], v)
            elif old.get(k) is None or k in _ACC_MONOTONE and v > old[k]:
                old[k] = v
