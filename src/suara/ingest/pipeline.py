"""Ingest pipeline: walk inputs, detect formats, map records, quarantine bad rows, and
upsert canonical rows into the store, one transaction per file.

Idempotence: posts and accounts are keyed by (platform, post_id) / (platform, account_id);
re-importing a file changes no post or account (counts keep their greatest value) and only
adds metric observations. A file that fails half-way is rolled back completely.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import orjson
import pyarrow as pa

from suara.ingest import registry
from suara.ingest.base import (MAX_LINE_BYTES, BulkDeclined, FileError, ImportContext, Item, RowError, Source,
                               decode_bytes)
from suara.ingest.lines import loads_json
from suara.ingest.sources import iter_sources
from suara.store.schema import TABLES, columns
from suara.store.store import Store, utcnow

__all__ = ["FileReport", "ingest_paths", "ingest_source", "iter_sources", "default_workers"]

BATCH = 50_000
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


def _sha256(src: Source) -> str:
    # the file as stored (compressed bytes for .gz/.xz): hashing it costs one fast read,
    # not a second decompression; a zip member is hashed as its decompressed content
    h = hashlib.sha256()
    with (src.open() if src.member is not None else open(src.path, "rb")) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def _conform(table: str, t: pa.Table) -> pa.Table:
    """``t`` with exactly the columns of ``table`` in schema order (missing ones NULL)."""
    schema = arrow_schema(table)
    return pa.Table.from_arrays(
        [t.column(f.name).cast(f.type) if f.name in t.schema.names else pa.nulls(t.num_rows, f.type)
         for f in schema], schema=schema)


def _write_posts(store: Store, posts: pa.Table, obs_at: pa.Array, import_id: str,
                 rep: FileReport) -> None:
    con = store.con
    con.register("_in_posts", posts)
    try:
        # classify against what is stored before writing (new / updated / unchanged)
        distinct, new, changed = con.execute(f"""
            WITH s AS (SELECT platform, post_id, {', '.join(f'max({m}) AS {m}' for m in _METRICS)}
                       FROM _in_posts GROUP BY ALL)
            SELECT count(*), count(*) FILTER (WHERE p.post_id IS NULL),
                   count(*) FILTER (WHERE p.post_id IS NOT NULL AND ({' OR '.join(
                       f'coalesce(s.{m},-1) > coalesce(p.{m},-1)' for m in _METRICS)}))
            FROM s LEFT JOIN posts p USING (platform, post_id)""").fetchall()[0]
        # merge duplicates inside the batch: greatest counts, first non-null for the rest
        store.upsert("posts", posts if distinct == posts.num_rows else _dedup_posts(con),
                     keep_greatest=_METRICS)
        obs = pa.table({
            "platform": posts["platform"], "post_id": posts["post_id"], "observed_at": obs_at,
            "likes": posts["likes"], "comments": posts["comments"],
            "shares": posts["shares"], "views": posts["views"],
            "import_id": pa.array([import_id] * posts.num_rows, pa.string())})
        con.register("_in_obs", obs)
        con.execute("""INSERT INTO metric_observations
            SELECT platform, post_id, observed_at, max(likes), max(comments), max(shares),
                   max(views), any_value(import_id)
            FROM _in_obs WHERE likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL
               OR views IS NOT NULL
            GROUP BY platform, post_id, observed_at ON CONFLICT DO NOTHING""")
        con.unregister("_in_obs")
    finally:
        con.unregister("_in_posts")
    rep.accepted += new
    rep.updated += changed
    rep.unchanged += max(0, distinct - new - changed)


def _write_accounts(store: Store, accounts: pa.Table, rep: FileReport) -> None:
    store.upsert("accounts", accounts, keep_greatest=_ACC_MONOTONE,
                 overwrite=("handle", "display_name", "bio", "location_text", "verified"))
    rep.accounts += accounts.num_rows


def _write_quarantine(store: Store, quarantine: list[dict], rep: FileReport) -> None:
    con = store.con
    qcols = {c: [q.get(c) for q in quarantine] for c in columns("quarantine")}
    # the same bad row of the same file is recorded once, however often it is re-imported
    con.register("_in_q", _to_arrow("quarantine", qcols))
    try:
        con.execute("""INSERT INTO quarantine SELECT * FROM _in_q q WHERE NOT EXISTS (
            SELECT 1 FROM quarantine o WHERE o.file = q.file AND o.row IS NOT DISTINCT FROM q.row
            AND o.field = q.field AND o.reason = q.reason)""")
    finally:
        con.unregister("_in_q")
    rep.quarantined += len(quarantine)


def _ingest_bulk(store: Store, src: Source, imp, ctx: ImportContext, now: dt.datetime,
                 import_id: str, rep: FileReport, on_progress) -> None:
    """The importer's vectorised path: Arrow batches written as they come (bounded memory);
    the rows it hands back are mapped and quarantined one by one, as on the row path."""
    for chunk in imp.bulk(src, ctx, imp.name):
        n = chunk.posts.num_rows
        if n:
            stamp = pa.array([now] * n, pa.timestamp("us"))
            _write_posts(store, _conform("posts", chunk.posts.append_column("ingested_at", stamp)),
                         stamp, import_id, rep)
        if chunk.accounts.num_rows:
            _write_accounts(store, _conform("accounts", chunk.accounts), rep)
        if chunk.fallback:
            b = _Batch(src.name, imp.name, now, import_id)
            for row, raw in chunk.fallback:
                _consume(imp, ctx, b, row, raw)
            _flush(store, b, rep)
        if on_progress:
            on_progress(chunk.rows)


def _dedup_posts(con) -> pa.Table:
    cols = columns("posts")
    agg = []
    for c in cols:
        if c in ("platform", "post_id"):
            continue
        if c in _METRICS:
            agg.append(f"max({c}) AS {c}")
        else:
            agg.append(f"first({c}) FILTER (WHERE {c} IS NOT NULL) AS {c}")
    return con.sql(f"SELECT platform, post_id, {', '.join(agg)} FROM _in_posts "
                   "GROUP BY platform, post_id").to_arrow_table()


def _consume(imp, ctx: ImportContext, b: _Batch, row: int, raw) -> None:
    """Map one raw record into the batch, or quarantine it with the reason."""
    if isinstance(raw, RowError):
        b.bad(row, raw, raw.raw if raw.raw is not None else "")
        return
    try:
        for item in imp.map(raw, ctx):
            if item.post is not None and not item.post.get("post_id"):
                raise RowError("post_id", "missing id")
            if item.post is not None and not item.post.get("platform"):
                raise RowError("platform", "missing platform")
            if item.account is not None and not (item.account.get("account_id")
                                                 and item.account.get("platform")):
                raise RowError("account_id", "account without platform or id")
            b.add(row, item)
    except RowError as e:
        b.bad(row, e, raw)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, ArithmeticError,
            RecursionError) as e:
        # a mapper tripping over one hostile record (an epoch beyond the calendar, nesting
        # deeper than the interpreter allows) costs that record, never the file
        b.bad(row, RowError("(record)", f"{type(e).__name__}: {e}"), raw)


# --- parallel parsing of large JSON Lines files --------------------------------------------
# Parsing and mapping are pure Python and dominate the cost (orjson + one dict per record);
# on a large plain JSON Lines file they are spread over worker processes by byte ranges cut
# at line ends, while this process keeps the single transaction and does every write, in
# file order. Compressed files and zip members cannot be split and stay serial.
PARALLEL_MIN_BYTES = 64 * 1024**2
CHUNK_BYTES = 8 * 1024**2


def default_workers() -> int:
    """Worker processes for large files: ``SUARA_INGEST_WORKERS`` or the CPU count.

    >>> default_workers() >= 1
    True
    """
    env = os.environ.get("SUARA_INGEST_WORKERS")
    if env and env.isdigit():
        return max(1, int(env))
    return max(1, os.cpu_count() or 1)


def _plan_chunks(src: Source, imp, workers: int | None) -> list[tuple[int, int, int]]:
    """``(start, end, first_line)`` byte ranges, or [] when the file is read serially."""
    if not getattr(imp, "json_lines", False) or src.member is not None:
        return []
    if src.path.name.lower().endswith((".gz", ".xz", ".bz2")):
        return []
    workers = default_workers() if workers is None else workers
    if threading.current_thread() is not threading.main_thread():
        return []   # forking a threaded server (web uploads run in a thread) risks deadlocks
    size = src.path.stat().st_size
    if workers < 2 or size < PARALLEL_MIN_BYTES:
        return []
    chunks, start, line = [], 0, 1
    with open(src.path, "rb") as f:
        while start < size:
            f.seek(min(start + CHUNK_BYTES, size))
            f.readline()                       # move to the end of the line in progress
            end = min(f.tell(), size)
            if end - start > 4 * CHUNK_BYTES:  # a monster line: the serial reader copes in bounded memory
                return []
            chunks.append((start, end, line))
            f.seek(start)
            line += f.read(end - start).count(b"\n")
            start = end
    return chunks


def _parse_chunk(args) -> tuple:
    """Worker: parse and map the lines of one byte range into batch columns."""
    fmt, path, start, end, first_line, ctx, name, now, import_id = args
    imp = registry.get(fmt)
    b = _Batch(name, fmt, now, import_id)
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    n, seen = first_line - 1, 0
    for line in data.split(b"\n"):
        n += 1
        line = line.strip()
        if not line:
            continue
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        seen += 1
        if len(line) > MAX_LINE_BYTES:
            b.bad(n, RowError("(line)", f"line longer than {MAX_LINE_BYTES:,} bytes"), "")
            continue
        try:
            raw = loads_json(line)
        except ValueError as e:
            b.bad(n, RowError("(line)", f"invalid JSON (truncated line?): {e}"), line)
            continue
        _consume(imp, ctx, b, n, raw)
    return b.posts, b.obs_at, b.accounts, b.quarantine, b.n_posts, seen


def _ingest_parallel(store: Store, src: Source, imp, ctx, chunks, now, import_id, rep,
                     on_progress, workers) -> int:
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    workers = default_workers() if workers is None else workers
    seen = 0
    ex = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
    try:
        pending: deque = deque()
        todo = iter(chunks)
        b = _Batch(src.name, imp.name, now, import_id)
        while True:
            while len(pending) < 2 * workers:
                c = next(todo, None)
                if c is None:
                    break
                pending.append(ex.submit(_parse_chunk, (imp.name, str(src.path), c[0], c[1], c[2], ctx,
                                                        src.name, now, import_id)))
            if not pending:
                break
            posts, obs_at, accounts, quarantine, n_posts, n_seen = pending.popleft().result()
            seen += n_seen
            _merge(b, posts, obs_at, accounts, quarantine, n_posts)
            if len(b) >= BATCH:
                _flush(store, b, rep)
                b = _Batch(src.name, imp.name, now, import_id)
            if on_progress:
                on_progress(n_seen)
        _flush(store, b, rep)
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    return seen


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


def _skip_note(src: Source) -> str:
    """The line shown for a text file in a folder that no format reads."""
    try:
        head = src.text_head(4096)
    except FileError:
        head = ""
    if "Telegram" in head and ("page_header" in head or "history" in head):
        return (f"{src.name}: skipped, a Telegram HTML export; export the chat again with "
                "'Machine-readable JSON' and import its result.json")
    return f"{src.name}: skipped, not a chat export (no WhatsApp/Telegram message lines)"


def _import_once(store: Store, src: Source, imp, ctx: ImportContext, now: dt.datetime,
                 import_id: str, sha: str, rep: FileReport, on_progress, workers, bulk: bool) -> None:
    """One attempt at importing ``src`` in one transaction: the importer's bulk path,
    parallel JSON Lines parsing, or the plain row path."""
    with store.transaction():
        b = _Batch(src.name, imp.name, now, import_id)
        seen = 0
        chunks = None if bulk else _plan_chunks(src, imp, workers)
        if bulk:
            _ingest_bulk(store, src, imp, ctx, now, import_id, rep, on_progress)
        elif chunks:
            _ingest_parallel(store, src, imp, ctx, chunks, now, import_id, rep, on_progress, workers)
        else:
            for row, raw in imp.read(src, ctx):
                seen += 1
                _consume(imp, ctx, b, row, raw)
                if len(b) >= BATCH:
                    _flush(store, b, rep)
                    b = _Batch(src.name, imp.name, now, import_id)
                if on_progress and seen % 5000 == 0:
                    on_progress(5000)
            _flush(store, b, rep)
            if on_progress:
                on_progress(seen % 5000)
        rep.notes.extend(str(x) for x in ctx.options.get("notes", []))
        store.append("imports", pa.table({
            "import_id": [import_id], "file": [src.name], "sha256": [sha], "format": [imp.name],
            "started_at": pa.array([now], pa.timestamp("us")),
            "finished_at": pa.array([utcnow()], pa.timestamp("us")),
            "accepted": [rep.accepted], "updated": [rep.updated],
            "quarantined": [rep.quarantined], "status": ["ok"]}))


def ingest_source(store: Store, src: Source, fmt: str = "auto", timezone: str | None = None,
                  mapping: dict | None = None, platform: str | None = None,
                  on_progress: Callable[[int], None] | None = None,
                  workers: int | None = None, options: dict | None = None) -> FileReport:
    r"""Import one source in one transaction and return its report (never raises for bad
    content: unreadable files come back with ``error`` set and the store untouched).

    ``workers``: processes that parse a large plain JSON Lines file in parallel (default
    `default_workers`; 1 = serial). ``options``: format options handed to the importer in
    ``ImportContext.options`` (chat exports: ``dayfirst``, ``chat_name``, ``local_timezone``);
    what the importer reports back lands in ``FileReport.notes``.

    Example
    -------
    >>> import pathlib, tempfile
    >>> from suara.store import Store
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"suara_type": "post", "platform": "x", "post_id": "1", "text": "halo"}\n')
    >>> ingest_source(Store(":memory:"), Source(p)).accepted
    1
    """
    t0 = dt.datetime.now()
    rep = FileReport(file=src.name)
    try:
        if fmt == "auto" and mapping is not None:
            imp, conf = registry.get("generic"), None   # a mapping file means the generic format
        elif fmt == "auto":
            imp, conf = registry.detect(src)
        else:
            imp, conf = registry.get(fmt), None
    except FileError as e:
        if src.optional and fmt == "auto":
            rep.notes.append(_skip_note(src))
        else:
            rep.error = str(e)
        return rep
    rep.format, rep.confidence = imp.name, conf
    ctx = ImportContext(file=src.name, timezone=timezone, mapping=mapping, platform=platform,
                        options=dict(options or {}))
    import_id = uuid.uuid4().hex[:16]
    rep.import_id = import_id
    # microsecond precision: two imports in the same second still each add their observation
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    try:
        sha = _sha256(src)
        try:
            _import_once(store, src, imp, ctx, now, import_id, sha, rep, on_progress, workers,
                         bulk=imp.bulk is not None and mapping is None)
        except BulkDeclined as e:
            # rolled back: the row path reads the file again and quarantines row by row
            rep.accepted = rep.updated = rep.unchanged = rep.accounts = rep.quarantined = 0
            rep.notes.clear()
            ctx.options.pop("notes", None)
            _import_once(store, src, imp, ctx, now, import_id, sha, rep, on_progress, workers,
                         bulk=False)
    except FileError as e:
        rep.error = str(e)
        rep.accepted = rep.updated = rep.unchanged = rep.accounts = rep.quarantined = 0
    except (OSError, EOFError) as e:
        rep.error = f"{src.name}: cannot read: {e}"
        rep.accepted = rep.updated = rep.unchanged = rep.accounts = rep.quarantined = 0
    rep.seconds = (dt.datetime.now() - t0).total_seconds()
    return rep


def ingest_paths(store: Store, paths: Iterable[str | Path], fmt: str = "auto",
                 timezone: str | None = None, mapping: dict | None = None,
                 platform: str | None = None, progress=None,
                 workers: int | None = None, options: dict | None = None) -> list[FileReport]:
    """Import files and folders; one :class:`FileReport` per file.

    ``progress`` is an optional callable ``(description, advance)`` for progress bars.

    Example
    -------
    >>> from suara.store import Store
    >>> reps = ingest_paths(Store(":memory:"), ["no/such/file.json"])
    >>> reps[0].error
    'no/such/file.json: no such file or folder'
    """
    reports = []
    for src in iter_sources(paths):
        if isinstance(src, FileError):
            msg = str(src)
            reports.append(FileReport(file=msg.split(":", 1)[0], error=msg))
            continue
        cb = (lambda n, _s=src: progress(_s.name, n)) if progress else None
        reports.append(ingest_source(store, src, fmt, timezone, mapping, platform, cb, workers, options))
    return reports
