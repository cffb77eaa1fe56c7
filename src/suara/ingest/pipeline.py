"""Ingest pipeline: walk inputs, detect formats, map records, quarantine bad rows, and
upsert canonical rows into the store, one transaction per file (small files of a folder
several to a transaction, each file still atomic).

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
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyarrow as pa

from suara.ingest import registry
from suara.ingest.base import MAX_LINE_BYTES, BulkDeclined, FileError, ImportContext, RowError, Source
from suara.ingest.lines import loads_json
from suara.ingest.sources import iter_sources
from suara.ingest.write import (FileReport, _Batch, _accounts_arrow, _flush, _merge,  # noqa: F401
                                _posts_arrow, _to_arrow, _write_chunk, arrow_schema)
from suara.store.store import Store, utcnow

__all__ = ["FileReport", "ingest_paths", "ingest_source", "iter_sources", "default_workers"]

BATCH = 50_000
#: Files smaller than this take the row path even when their format has a bulk path: the
#: bulk path's fixed cost (a DuckDB connection, compiling its query) outweighs its gain.
BULK_MIN_BYTES = 256 * 1024
#: Plain (uncompressed) files up to this size (one Arrow batch, `lines.ARROW_BLOCK_BYTES`)
#: are mapped on the store's own connection (one batch: nothing to overlap, and no second
#: DuckDB database to start). Larger files are mapped batch by batch on a private
#: connection, in a thread one batch ahead of the writes: the next batch's mapping overlaps
#: this batch's inserts, which leave the second core idle (memory bounded by three
#: batches). Either way the mapped rows reach the writer as Arrow (`bulkmap.run_bulk`).
STAGE_MAX_BYTES = 64 * 1024**2
#: Consecutive files of a folder up to this size each are imported several to a transaction
#: (``GROUP_MAX_BYTES`` and ``GROUP_MAX_FILES`` at most per group): every commit of an
#: on-disk store costs ~30 ms whatever it holds, which dominated folders of small exports
#: (100 files of 3,400 tweets: a sixth of the time). Files stay atomic: a group commits
#: whole or not at all. A file whose bulk path declines before writing anything takes the row
#: path inside the group; one that would need its own rollback (its bulk path declined after
#: a batch was written, or it could not be read to the end) rolls the group back, whose files
#: are then imported one transaction each, as before.
GROUP_FILE_MAX_BYTES = 8 * 1024**2
GROUP_MAX_BYTES = 64 * 1024**2
GROUP_MAX_FILES = 200


class _Regroup(Exception):
    """A file of a group needs a transaction of its own (see ``GROUP_FILE_MAX_BYTES``)."""


def _sha256(src: Source) -> str:
    # the file as stored (compressed bytes for .gz/.xz): hashing it costs one fast read,
    # not a second decompression; a zip member is hashed as its decompressed content.
    # ``file_digest`` reads into one buffer it reuses (a loop of ``read`` makes a new bytes
    # object of fresh memory per chunk)
    with (src.open() if src.member is not None else open(src.path, "rb")) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class _Hasher:
    """The file's SHA-256 computed in a thread while the import parses and writes it
    (``hashlib`` releases the GIL over large reads, so the two overlap on a second core).
    `result` waits for it and raises what the read raised (an ``OSError`` as before)."""

    def __init__(self, src: Source):
        self._sha: str | None = None
        self._err: BaseException | None = None
        self._t = threading.Thread(target=self._run, args=(src,), name="suara-sha256", daemon=True)
        self._t.start()

    def _run(self, src: Source) -> None:
        try:
            self._sha = _sha256(src)
        except BaseException as e:  # noqa: BLE001 - raised again by result()
            self._err = e

    def result(self) -> str:
        self._t.join()
        if self._err is not None:
            raise self._err
        return self._sha  # type: ignore[return-value]


def json_bulk_enabled() -> bool:
    """Whether large JSON Lines files take their importer's bulk path (``SUARA_INGEST_JSON_BULK=1``).
    Off by default: on twarc2 and Zeeschuimer exports the row path (orjson, parallel
    processes) measured faster than the exact bulk query (docs/ingest.md)."""
    return os.environ.get("SUARA_INGEST_JSON_BULK", "") == "1"


def _bulk_wanted(imp, src: Source) -> bool:
    """The importer's bulk path is used: it has one, the file is large enough, and (JSON
    Lines) it is enabled."""
    if imp.bulk is None or _size(src) < BULK_MIN_BYTES:
        return False
    return not getattr(imp, "json_lines", False) or json_bulk_enabled()


def _size(src: Source) -> int:
    try:
        return src.path.stat().st_size
    except OSError:
        return 0


def _ingest_bulk(store: Store, src: Source, imp, ctx: ImportContext, now: dt.datetime,
                 import_id: str, rep: FileReport, on_progress, chunks: Iterable | None = None) -> None:
    """The importer's vectorised path: Arrow batches written as they come (bounded memory);
    the rows it hands back are mapped and quarantined one by one, as on the row path.
    ``chunks``: the batches mapped already (`_MapAhead`)."""
    if chunks is None and src.member is None and not src.path.name.lower().endswith((".gz", ".xz", ".bz2")) \
            and _size(src) <= STAGE_MAX_BYTES:
        ctx.con = store.con   # map the batch where it is written
    wrote = False
    try:
        for chunk in (imp.bulk(src, ctx, imp.name) if chunks is None else chunks):
            wrote = True
            _write_chunk(store, chunk, now, import_id, rep)
            if chunk.fallback:
                b = _Batch(src.name, imp.name, now, import_id)
                for row, raw in chunk.fallback:
                    _consume(imp, ctx, b, row, raw)
                _flush(store, b, rep)
            if on_progress:
                on_progress(chunk.rows)
    except BulkDeclined as e:
        e.after_write = wrote   # a group's transaction can take the row path only before
        raise
    finally:
        ctx.con = None


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


def _importer(src: Source, fmt: str, mapping: dict | None):
    """(importer, detection confidence) for ``src``; FileError when no format reads it."""
    if fmt == "auto" and mapping is not None:
        return registry.get("generic"), None   # a mapping file means the generic format
    if fmt == "auto":
        return registry.detect(src)
    return registry.get(fmt), None


def _context(src: Source, timezone, mapping, platform, options) -> ImportContext:
    return ImportContext(file=src.name, timezone=timezone, mapping=mapping, platform=platform,
                         options=dict(options or {}))


class _Mapped:
    """One file's importer, context and bulk mapping, run in `_MapAhead`'s thread."""

    def __init__(self, src: Source, fmt: str, timezone, mapping, platform, options):
        self.src, self.bulk = src, False
        self._imp = self._error = None
        self._batches: list = []
        self._ctx = _context(src, timezone, mapping, platform, options)
        self._args = (fmt, mapping)

    def run(self, con) -> "_Mapped":
        """Detect the format and, when its bulk path will be taken, map every batch on a
        private DuckDB connection (the mapping reads the file only, never the store). What
        it raises is kept and raised again where the import would have met it."""
        try:
            self._imp = _importer(self.src, *self._args)
        except BaseException as e:  # noqa: BLE001 - raised again by importer()
            self._error = e
            return self
        imp = self._imp[0]
        if not _bulk_wanted(imp, self.src):
            return self
        self.bulk = True
        self._ctx.con = con
        try:
            for chunk in imp.bulk(self.src, self._ctx, imp.name):
                self._batches.append(chunk)
        except BaseException as e:  # noqa: BLE001 - raised again by chunks(), after the batches
            self._error = e
        finally:
            self._ctx.con = None
        return self

    def importer(self):
        """(importer, confidence, context), or the FileError detection raised."""
        if self._imp is None:
            raise self._error
        return (*self._imp, self._ctx)

    def chunks(self) -> Iterator:
        """The batches in order, then what the mapping raised (as the bulk path would)."""
        batches, self._batches = self._batches, []
        yield from batches
        if self._error is not None:
            raise self._error


class _MapAhead:
    """While a group's file is written on the store's connection, the next file is detected
    and mapped in a thread (`_Mapped`): the writes leave the second core idle, and on a
    folder of small exports each file's mapping query has fixed costs (parsing, binding,
    planning) as large as its rows'. One file ahead at most (a group's files are small)."""

    def __init__(self, fmt, timezone, mapping, platform, options):
        from concurrent.futures import ThreadPoolExecutor
        self._args = (fmt, timezone, mapping, platform, options)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="suara-map-ahead")
        self._con = None

    def start(self, src: Source):
        """A future of ``src`` mapped (its result: the `_Mapped`)."""
        return self._pool.submit(self._run, _Mapped(src, *self._args))

    def _run(self, m: "_Mapped") -> "_Mapped":
        # one private in-memory DuckDB for the group (a new database per file costs more
        # than a small file's mapping), one thread: the store's writes use the others
        if self._con is None:
            import duckdb
            self._con = duckdb.connect(config={"threads": 1})
        return m.run(self._con)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._con is not None:
            self._con.close()


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
                 import_id: str, sha: "_Hasher", rep: FileReport, on_progress, workers,
                 bulk: bool, mapped: "_Mapped | None" = None) -> None:
    """One attempt at importing ``src`` in one transaction: the importer's bulk path (its
    batches ``mapped`` already when given), parallel JSON Lines parsing, or the plain row path."""
    with store.transaction():
        b = _Batch(src.name, imp.name, now, import_id)
        seen = 0
        chunks = None if bulk else _plan_chunks(src, imp, workers)
        if bulk:
            _ingest_bulk(store, src, imp, ctx, now, import_id, rep, on_progress,
                         mapped.chunks() if mapped is not None and mapped.bulk else None)
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
        _record_import(store, import_id, src.name, sha.result(), imp.name, now, rep)


def _record_import(store: Store, import_id: str, file: str, sha: str, fmt: str, now: dt.datetime,
                   rep: FileReport) -> None:
    """The file's row in ``imports`` (plain parameters: no Arrow conversion, which would
    load pandas)."""
    con = store.con
    con.execute("""CREATE OR REPLACE TEMP TABLE _in_import AS SELECT
        CAST(? AS VARCHAR) AS import_id, CAST(? AS VARCHAR) AS file, CAST(? AS VARCHAR) AS sha256,
        CAST(? AS VARCHAR) AS format, CAST(? AS TIMESTAMP) AS started_at,
        CAST(? AS TIMESTAMP) AS finished_at, CAST(? AS BIGINT) AS accepted, CAST(? AS BIGINT) AS updated,
        CAST(? AS BIGINT) AS quarantined, 'ok' AS status""",
                [import_id, file, sha, fmt, now, utcnow(), rep.accepted, rep.updated, rep.quarantined])
    try:
        store.append("imports", "_in_import")
    finally:
        con.execute("DROP TABLE IF EXISTS _in_import")


def ingest_source(store: Store, src: Source, fmt: str = "auto", timezone: str | None = None,
                  mapping: dict | None = None, platform: str | None = None,
                  on_progress: Callable[[int], None] | None = None,
                  workers: int | None = None, options: dict | None = None,
                  grouped: bool = False, mapped: "_Mapped | None" = None) -> FileReport:
    r"""Import one source in one transaction and return its report (never raises for bad
    content: unreadable files come back with ``error`` set and the store untouched).

    ``grouped``: the caller holds the transaction (several files commit together); a file
    that would need a rollback of its own raises ``_Regroup`` instead (see `ingest_paths`).
    ``mapped``: the file's bulk mapping, started while the file before it was written
    (`_MapAhead`).

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
        imp, conf, ctx = mapped.importer() if mapped is not None else \
            (*_importer(src, fmt, mapping), _context(src, timezone, mapping, platform, options))
    except FileError as e:
        if src.optional and fmt == "auto":
            rep.notes.append(_skip_note(src))
        else:
            rep.error = str(e)
        return rep
    rep.format, rep.confidence = imp.name, conf
    import_id = uuid.uuid4().hex[:16]
    rep.import_id = import_id
    # microsecond precision: two imports in the same second still each add their observation
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    try:
        sha = _Hasher(src)   # hashed alongside the import, recorded with it
        try:
            _import_once(store, src, imp, ctx, now, import_id, sha, rep, on_progress, workers,
                         bulk=_bulk_wanted(imp, src), mapped=mapped)
        except (BulkDeclined, FileError, OSError, EOFError) as e:
            if grouped and not (isinstance(e, BulkDeclined) and not getattr(e, "after_write", True)):
                raise _Regroup(src.name) from e   # what this file wrote cannot be rolled back alone
            if not isinstance(e, BulkDeclined):
                raise
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

    def one(src: Source, grouped: bool = False, mapped: _Mapped | None = None) -> FileReport:
        cb = (lambda n, _s=src: progress(_s.name, n)) if progress else None
        return ingest_source(store, src, fmt, timezone, mapping, platform, cb, workers, options,
                             grouped=grouped, mapped=mapped)

    def together(group: list[Source]) -> list[FileReport]:
        """The files of a group in one transaction, each next file mapped while this one is
        written."""
        ahead = _MapAhead(fmt, timezone, mapping, platform, options)
        try:
            with store.transaction():
                done, mapped = [], None
                for i, src in enumerate(group):
                    following = ahead.start(group[i + 1]) if i + 1 < len(group) else None
                    done.append(one(src, grouped=True, mapped=mapped and mapped.result()))
                    mapped = following
                return done
        finally:
            ahead.close()

    for group in _groups(iter_sources(paths)):
        if isinstance(group, FileError):
            msg = str(group)
            reports.append(FileReport(file=msg.split(":", 1)[0], error=msg))
        elif len(group) == 1:
            reports.append(one(group[0]))
        else:
            try:
                done = together(group)
            except _Regroup:   # rolled back: each file again, in its own transaction
                done = [one(src) for src in group]
            reports.extend(done)
    if any(r.error is None for r in reports):
        from suara.store import aggregates
        aggregates.refresh(store)   # the days of the posts these imports observed
    return reports


def _groups(sources: Iterable[Source | FileError]) -> Iterator[list[Source] | FileError]:
    """Consecutive small plain files in groups that share a transaction (see
    ``GROUP_FILE_MAX_BYTES``); every other source alone, in the given order."""
    group: list[Source] = []
    size = 0
    for src in sources:
        small = (not isinstance(src, FileError) and src.member is None
                 and _size(src) <= GROUP_FILE_MAX_BYTES)
        if group and (not small or size + _size(src) > GROUP_MAX_BYTES
                      or len(group) >= GROUP_MAX_FILES):
            yield group
            group, size = [], 0
        if small:
            group.append(src)
            size += _size(src)
        else:
            yield src if isinstance(src, FileError) else [src]
    if group:
        yield group
