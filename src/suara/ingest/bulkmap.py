"""The shared driver of the importers' vectorised (bulk) paths (`run_bulk`), its CSV front
(`bulk_csv`; the JSON Lines front is `suara.ingest.bulkjson.bulk_jsonl`) and the SQL helpers
the bulk queries share.

An importer's bulk path gives one DuckDB query that maps a batch of raw records (the view
``_b``: for a CSV the header's columns as strings, for JSON Lines the line text, plus
``_row``, the row number of the row reader) to canonical posts, with ``_plain`` saying
whether the row is a case the query maps exactly as the importer's ``map`` would, ``_uni``
whether the text needs Python's entity patterns, and account columns prefixed ``acc_``.
`run_bulk` runs it batch by batch (bounded memory) and hands back `BulkChunk` s:

* rows that are not plain go back to ``map`` (the row path), with the raw record the row
  reader would have yielded, so their values, quarantine, field and row are the row path's;
* a plain row sharing a post or account key with such a row goes back as well (transitively),
  so that every key is merged by one path only, exactly as the row path merges it;
* hashtags, mentions and links left NULL by the query (texts with non-ASCII letters, digits
  or spaces, where RE2's classes are not Python's) are filled by the Python patterns, and
  tags a format lists in other scripts are lower-cased by Python (``_hraw``/``_mraw``).

Accounts are merged per batch as the row path merges them: the first non-NULL value in row
order, the greatest count (followers, following, post_count), first/last seen from the
posts' times (an account whose first row has no time was first seen at the import time:
``_now``). Posts reach the writer in file order (each batch's), as Arrow tables.
"""
from __future__ import annotations

from typing import Callable, Iterator

from suara.ingest.base import (_MOJIBAKE_MARKS, BulkChunk, ImportContext, RowError, Source,
                               extract_hashtags, extract_links, extract_mentions, repair_mojibake)
from suara.ingest.lines import int64_array, iter_csv_arrow, row_numbers
from suara.store.staging import registered

__all__ = ["bulk_csv", "run_bulk", "entity_sql", "clean_sql", "dedup_sql", "mentions_sql", "uni_sql", "extract_sql", "py_strip", "HASHTAG_RE2", "MENTION_RE2", "LINK_RE2", "NON_ASCII_WORD_RE2",
           "HASHTAG_UNI_RE2", "MENTION_UNI_RE2", "LINK_UNI_RE2",
           "WS_RE2", "strip_ok", "lit", "rtrim_sql"]

# The entity patterns of `suara.ingest.base` in RE2 syntax, exact for texts whose non-ASCII
# characters are no letters, digits or spaces (emoji are fine): there Python's \w and \s are
# the ASCII classes, and the look-behinds become a consumed "start or other character".
NON_ASCII_WORD_RE2 = r"[^\x00-\x7f\PL]|[^\x00-\x7f\PN]|[^\x00-\x7f\PZ]|\x{85}"
HASHTAG_RE2 = r"(?:^|[^A-Za-z0-9_&])#([A-Za-z0-9_]{1,100})"
MENTION_RE2 = r"(?:^|[^A-Za-z0-9_.])@([A-Za-z0-9_.]{1,60}[A-Za-z0-9_])"
#: `MENTION_RE2` after its "@", anchored: the mention at the start of a part split at "@"
_MENTION_AFTER_AT_RE2 = r"^[A-Za-z0-9_.]{1,60}[A-Za-z0-9_]"
LINK_RE2 = r"(?i)https?://[^ \t\n\r\f\x0b\x1c-\x1f<>\"'']+"   # '' : a quote inside SQL
#: Where a text that `uni_sql` flags can make Python's pattern of an entity find other
#: entities than the RE2 one: a non-ASCII character before a "#" or among the 100 after it
#: up to the end of the ASCII word (Python's ``\w`` takes letters of every script), before
#: an "@" (the look-behind of `MENTION_RE2`), or a non-ASCII space anywhere (where Python's
#: ``\s`` ends a link and `LINK_RE2` does not). A text without it gets the same entities
#: from the RE2 pattern.
HASHTAG_UNI_RE2 = r"[^\x00-\x7f]#|#[A-Za-z0-9_]{0,99}[^\x00-\x7f]"
MENTION_UNI_RE2 = r"[^\x00-\x7f]@"
LINK_UNI_RE2 = r"[^\x00-\x7f\PZ]|\x{85}"
#: the characters Python's ``str.strip()`` removes (``str.isspace``)
WS_RE2 = (r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
          r"\x{202f}\x{205f}\x{3000}]")
_MONOTONE = ("followers", "following", "post_count")


def lit(v: str) -> str:
    """A SQL string literal."""
    return "'" + str(v).replace("'", "''") + "'"


def py_strip(expr: str) -> str:
    """SQL: ``expr`` as Python's ``str.strip()`` leaves it."""
    return f"regexp_replace({expr}, '^{WS_RE2}+|{WS_RE2}+$', '', 'g')"


def strip_ok(expr: str) -> str:
    """SQL: ``expr`` has no leading or trailing character that Python's ``strip`` removes."""
    return f"NOT regexp_matches({expr}, '^{WS_RE2}|{WS_RE2}$')"


def uni_sql(text: str, ascii: str | None = None) -> str:
    """SQL: ``text`` holds a non-ASCII letter, digit or space (false for NULL). A text of
    ASCII only (as many bytes as characters) skips the regex; ``ascii`` names a column
    holding that test already (``strlen(text) = length(text)``)."""
    test = ascii or f"strlen({text}) = length({text})"
    return f"CASE WHEN {test} THEN false ELSE coalesce(regexp_matches({text}, '{NON_ASCII_WORD_RE2}'), false) END"


def extract_sql(text: str, pattern: str, mark: str, group: int | None = None) -> str:
    """SQL: ``regexp_extract_all(text, pattern[, group])``, skipped (an empty list) for a
    text without ``mark``, which every match contains (NULL stays NULL)."""
    g = "" if group is None else f", {group}"
    return (f"CASE WHEN NOT contains({text}, '{mark}') THEN CAST([] AS VARCHAR[]) "
            f"ELSE regexp_extract_all({text}, '{pattern}'{g}) END")


def mentions_sql(text: str, parts: str) -> str:
    """SQL: what ``regexp_extract_all(text, MENTION_RE2, 1)`` gives (a text without ``@``:
    an empty list), from ``parts``, a column holding ``string_split(text, '@')``: the
    mention after each ``@`` is the anchored match at the start of the next part, kept when
    the part before ends in no ``[A-Za-z0-9_.]`` (the pattern's look-behind; a mention ends
    in such a character, so a match never hides the next one). Half the cost of the regex
    search, which cannot skip ahead to the ``@`` of a pattern that starts with a class."""
    return (f"CASE WHEN NOT contains({text}, '@') THEN CAST([] AS VARCHAR[]) ELSE list_filter(list_transform("
            f"{parts}, lambda x, i: CASE WHEN i > 1 AND NOT regexp_matches({parts}[i - 1], '[A-Za-z0-9_.]$') "
            f"THEN regexp_extract(x, '{_MENTION_AFTER_AT_RE2}') END), "
            "lambda m: m <> '') END")


def entity_sql(text: str) -> dict[str, str]:
    """SQL for ``_uni`` and the raw entity lists ``_h``/``_m``/``_l`` of a text, and the
    cleaned lists from those columns (``hashtags``/``mentions``/``links``, NULL when ``_uni``):
    `suara.ingest.base.fill_entities` for texts without non-ASCII letters, digits or spaces."""
    return {
        "_uni": uni_sql(text),
        "_h": extract_sql(text, HASHTAG_RE2, "#", 1),
        "_m": extract_sql(text, MENTION_RE2, "@", 1),
        "_l": extract_sql(text, LINK_RE2, "://"),
        **clean_sql("_h", "_m", "_l"),
    }


def dedup_sql(raw: str, lst: str) -> str:
    """SQL: the list ``lst`` (made from the list column ``raw``, no longer than it) without
    repeated values, first occurrences in order (as ``dict.fromkeys``). Lists from a ``raw``
    of at most one value are taken as they are: ``_dd`` compares every pair, the costliest
    step of the cleaning, and most texts have one mention or link at most."""
    return f"CASE WHEN len({raw}) < 2 THEN {lst} ELSE _dd({lst}) END"


def clean_sql(h: str, m: str, l: str) -> dict[str, str]:
    """SQL: the cleaned ``hashtags``/``mentions``/``links`` from the raw entity lists in the
    columns ``h``/``m``/``l`` (as `suara.ingest.base.extract_hashtags` and its siblings
    clean the matches)."""
    return {
        "hashtags": dedup_sql(h, f"list_transform(list_filter({h}, lambda h: NOT regexp_full_match(h, '[0-9]+')), "
                                 "lambda h: lower(h))"),
        "mentions": dedup_sql(m, f"list_transform({m}, lambda h: lower(h))"),
        "links": dedup_sql(l, f"list_transform({l}, lambda u: {rtrim_sql('u', _LINK_TAIL)})"),
    }


#: the characters `suara.ingest.base.extract_links` strips from the end of a link
_LINK_TAIL = ".,;:!?)"


def rtrim_sql(expr: str, chars: str) -> str:
    """SQL: ``rtrim(expr, chars)``, called only when ``expr`` ends with one of ``chars``:
    DuckDB's ``rtrim`` with a set of characters costs a value some five times what the
    ``ends_with`` tests do, and most values (links) end with none."""
    ends = " OR ".join(f"ends_with({expr}, {lit(ch)})" for ch in chars)
    return f"CASE WHEN {ends} THEN rtrim({expr}, {lit(chars)}) ELSE {expr} END"


def _entity_fills(con):
    """Hashtags/mentions/links the query left NULL (rows of ``_bulk_out`` marked ``_uni``),
    by the Python patterns (and the media type that depends on links), as an Arrow table
    (``_row``, ``_o`` - the item's ``_ord``, 0 for one item per row -, ``hashtags``,
    ``mentions``, ``links``, ``media_type``) in row order; None when no row needs them. Tags
    and mentions a format lists itself that hold non-ASCII characters (``_hraw``/``_mraw``:
    the values as listed) are lower-cased by Python, whose case mapping DuckDB's does not
    always match."""
    names = {r[0] for r in con.execute('DESCRIBE "_bulk_out"').fetchall()}
    if "_uni" not in names:
        return None
    has0 = "_links0" in names
    # items of one row (a tweet and the originals it embeds) are told apart by ``_ord``
    ordc = "_ord" if "_ord" in names else "0"
    raw = [c if c in names else f"CAST(NULL AS VARCHAR[]) AS {c}" for c in ("_hraw", "_mraw")]
    also = "".join(f" OR {c} IS NOT NULL" for c in ("_hraw", "_mraw") if c in names)
    rest = con.execute(f"""SELECT _row, text, hashtags, mentions, links, media_type, {ordc} AS _o, {', '.join(raw)}
               {', _links0' if has0 else ''}
        FROM _bulk_out WHERE _plain AND (coalesce(_uni, false){also}) ORDER BY _row, _o""").fetchall()
    if not rest:
        return None
    rows = [r[0] for r in rest]
    text = [r[1] for r in rest]
    cols = {}
    for i, (name, fn, mark) in enumerate((("hashtags", extract_hashtags, "#"), ("mentions", extract_mentions, "@"),
                                          ("links", extract_links, "://")), start=2):
        listed = 7 + i - 2 if name != "links" else None   # the _hraw / _mraw column
        cols[name] = [r[i] if r[i] is not None else
                      list(dict.fromkeys(x.lower() for x in r[listed])) if listed and r[listed] is not None else
                      (fn(t) if isinstance(t, str) and mark in t else [])
                      for r, t in zip(rest, text)]
    media = [r[5] for r in rest]
    ords = [r[6] for r in rest]
    rest = [(*r[:6], r[9]) if has0 else r for r in rest]   # _links0 at 6, as the code below reads it
    if has0:   # links the format lists first, then those of the text
        links = [None if r[6] is None else (r[6] + [x for x in extract_links(t) if x not in r[6]])
                 for r, t in zip(rest, text)]
        cols["links"] = [v if v is not None else r[4] for v, r in zip(links, rest)]
    else:
        media = [m or ("link" if lk else "text") for m, lk in zip(media, cols["links"])]
    # DuckDB builds the Arrow table from the lists (``pa.array`` would load pandas)
    return con.sql("""SELECT unnest(CAST(? AS BIGINT[])) AS _row, unnest(CAST(? AS BIGINT[])) AS _o,
                     unnest(CAST(? AS VARCHAR[][])) AS hashtags,
                     unnest(CAST(? AS VARCHAR[][])) AS mentions, unnest(CAST(? AS VARCHAR[][])) AS links,
                     unnest(CAST(? AS VARCHAR[])) AS media_type""",
                   params=[rows, ords, cols["hashtags"], cols["mentions"], cols["links"], media]).to_arrow_table()


def _filled(posts, fills, multi: bool):
    """The Arrow table ``posts`` (mapped rows in file order: `_in_file_order`) with the
    `_entity_fills` ``fills`` in their rows: each of the four columns is taken from the
    column and the fills joined end to end, by an index pointing the rows filled at their
    fill. Cheaper than updating a DuckDB table, where a list column is updated by deleting
    the row and appending it again (the rows filled would move to the end)."""
    import numpy as np
    import pyarrow as pa

    if fills is None or fills.num_rows == 0:
        return posts
    n, k = posts.num_rows, fills.num_rows
    rows = _ints(posts.column("_row"))
    want = _ints(fills.column("_row"))
    at = np.searchsorted(rows, want)
    if multi:   # the items of one row sit together, ordered by ``_ord``
        ords, want_ord = _ints(posts.column("_ord")), _ints(fills.column("_o"))
        end = np.searchsorted(rows, want, side="right")
        at = np.array([a + int(np.searchsorted(ords[a:e], o)) for a, e, o in zip(at, end, want_ord)],
                      dtype=np.int64)
        found = (at < n) & (rows[np.minimum(at, n - 1)] == want) & (ords[np.minimum(at, n - 1)] == want_ord)
    else:
        found = (at < n) & (rows[np.minimum(at, n - 1)] == want)
    if not found.all():
        raise RuntimeError("a row to fill is missing from the mapped posts")
    index = np.arange(n, dtype=np.int64)
    index[at] = n + np.arange(k, dtype=np.int64)
    take = int64_array(index)
    for name in ("hashtags", "mentions", "links", "media_type"):
        i = posts.schema.get_field_index(name)
        col = posts.column(i).combine_chunks()
        both = pa.concat_arrays([col, fills.column(name).combine_chunks().cast(col.type)])
        posts = posts.set_column(i, posts.schema.field(i), both.take(take))
    return posts


def _ints(col):
    """The values of an Arrow integer column without NULLs (an array or a chunked array) as a
    NumPy int64 array, read from its buffer: ``to_numpy`` would load pandas."""
    import numpy as np
    import pyarrow as pa
    a = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    a = a.cast(pa.int64())
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(a.buffers()[1], dtype=np.int64, count=len(a), offset=a.offset * 8)


def _no_mojibake(con, table, first: int) -> list[int]:
    """The plain rows of ``_bulk_out`` holding a mojibake mark (``_moj``) in a cell that
    `repair_mojibake` changes (as `iter_csv` would), in row order: they are no longer plain.
    A genuine "Ã" (Portuguese capitals) leaves the cell as it is and the row plain. Only the
    cells of the raw batch ``table`` that hold a mark (found by Arrow) are tried:
    `repair_mojibake` returns every other cell as it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = [r[0] for r in con.execute(
        "SELECT _row FROM _bulk_out WHERE _plain AND coalesce(_moj, true) ORDER BY _row").fetchall()]
    if not rows:
        return []
    cells = table.take(int64_array([r - first for r in rows]))
    changed = set()
    for col in cells.columns:
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        col = col.combine_chunks()
        hit = None
        for m in _MOJIBAKE_MARKS:
            h = pc.fill_null(pc.match_substring(col, m), False)
            hit = h if hit is None else pc.or_(hit, h)
        at = pc.indices_nonzero(hit)
        for i, v in zip(at.to_pylist(), col.take(at).to_pylist()):
            if repair_mojibake(v) != v:
                changed.add(rows[i])
    return sorted(changed)


class _Mapped:
    """The rows the query mapped from one batch (an Arrow table, ``table``), shown to DuckDB
    as ``_bulk_out`` while the batch is sorted out. A row handed back to the row path has
    ``_plain`` cleared (`hand_back`); DuckDB sees the change at its next scan.

    Shown through a `suara.store.staging.Releasable` where this DuckDB rescans one: on the
    store's connection an open transaction keeps the view until its commit, and what it
    keeps is the holder, emptied by `close`."""

    def __init__(self, con, table):
        self.con, self.table, self._holder = con, table, None
        self._show()

    def _show(self) -> None:
        from suara.store.staging import Releasable, rescannable
        self._holder = Releasable(self.table) if rescannable() else None
        self.con.register("_bulk_out", self._holder if self._holder is not None else self.table)

    def close(self) -> None:
        try:
            self.con.unregister("_bulk_out")
        finally:
            if self._holder is not None:
                self._holder.release()

    def hand_back(self, rows: list[int]) -> None:
        """Clear ``_plain`` of every item of the rows numbered ``rows``."""
        import pyarrow.compute as pc
        if not rows:
            return
        t = self.table
        r = t.column("_row")
        hit = pc.is_in(r, value_set=int64_array(rows).cast(r.type))
        i = t.schema.get_field_index("_plain")
        self.table = t.set_column(i, t.schema.field(i), pc.and_(t.column(i), pc.invert(hit)))
        if self._holder is not None:
            self._holder.table = self.table
        else:
            self.close()
            self._show()


def _keys_of(imp, ctx: ImportContext, fallback: list) -> tuple[set, set]:
    """Post and account keys ``map`` gives the rows handed back (rows it refuses give none)."""
    posts, accs = set(), set()
    for _, raw in fallback:
        try:
            for item in imp.map(raw, ctx):
                if item.post is not None:
                    posts.add((item.post.get("platform"), item.post.get("post_id")))
                if item.account is not None:
                    accs.add((item.account.get("platform"), item.account.get("account_id")))
        except (RowError, ValueError, TypeError, KeyError, AttributeError, IndexError, ArithmeticError,
                RecursionError):
            continue
    return posts, accs


def _in_file_order(t, multi: bool) -> bool:
    """Whether the Arrow table ``t`` is ordered by ``_row`` (and ``_ord`` when ``multi``),
    each key once."""
    import pyarrow.compute as pc
    n = t.num_rows
    if n < 2:
        return True
    r = t.column("_row")
    later = pc.greater(r.slice(1), r.slice(0, n - 1))
    if multi:
        o = t.column("_ord")
        later = pc.or_(later, pc.and_(pc.equal(r.slice(1), r.slice(0, n - 1)),
                                      pc.greater(o.slice(1), o.slice(0, n - 1))))
    return bool(pc.all(later).as_py())


def _prefetch(items: Iterator, depth: int = 1) -> Iterator:
    """``items`` produced one step ahead in a thread (Arrow parses the next CSV batch while
    DuckDB maps and writes this one: the second core works); errors are raised here, in
    order, and stopping early stops the producer."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(msg) -> bool:
        while not stop.is_set():
            try:
                q.put(msg, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run():
        try:
            for x in items:
                if not put(("item", x)):
                    return
            put(("end", None))
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            put(("error", e))
        finally:
            close = getattr(items, "close", None)
            if close:
                close()
    t = threading.Thread(target=run, name="suara-csv-prefetch", daemon=True)
    t.start()
    try:
        while True:
            kind, x = q.get()
            if kind == "end":
                return
            if kind == "error":
                raise x
            yield x
    finally:
        stop.set()
        t.join()


def bulk_csv(source: Source, ctx: ImportContext, imp, query: Callable[[set[str]], str],
             raw: Callable[[dict], object] | None = None, setup: Callable | None = None,
             delimiter: str | None = None, same: dict[str, str] | None = None) -> Iterator[BulkChunk]:
    """Run ``query(columns)`` over each Arrow batch of the CSV and yield `BulkChunk` s (see
    the module doc and `run_bulk`). ``raw`` turns a row dict (cells already repaired as
    `iter_csv` does) into the record ``map`` takes; ``setup(con)`` may declare (temporary)
    macros; ``same`` names the output columns the query leaves out because they are cells
    of the batch as they are (``{output column: CSV column}``, see `_with_cells`)."""
    def batches():
        for first, table in _prefetch(iter_csv_arrow(source, delimiter)):
            yield first, table.append_column("_row", row_numbers(first, table.num_rows)), table

    def records(table, first: int, back: list[int]) -> dict[int, object]:
        out = {}
        # only the rows handed back become Python dicts
        for r, cells in zip(back, table.take(int64_array([r - first for r in back])).to_pylist()):
            if any(cells.values()):   # blank lines are skipped, as in iter_csv
                row = {k: repair_mojibake(v) for k, v in cells.items()}
                out[r] = raw(row) if raw else row
        return out

    # the batch as Arrow parsed it (blocks of `suara.ingest.lines.ARROW_PARSE_BYTES`, some
    # 24,000 tweets): the mapped rows come back in batches that big, which the store inserts
    # faster than the 8,192-row slices the threads would otherwise share (the import of a
    # 340,000-row export took 5% less time)
    chunks = run_bulk(ctx, imp, batches(), query, records, setup, after=_no_mojibake,
                      chunk_rows=None, same=same)
    # on a private connection the next batch is mapped while the caller writes this one
    yield from (_prefetch(chunks) if ctx.con is None else chunks)


def run_bulk(ctx: ImportContext, imp, batches: Iterator, query: Callable[[set[str]], str],
             records: Callable, setup: Callable | None = None,
             after: Callable | None = None, chunk_rows: int | None = 8192,
             same: dict[str, str] | None = None) -> Iterator[BulkChunk]:
    """The shared driver: for each ``(first, table, payload)`` of ``batches`` (``table``: an
    Arrow table with ``_row``, registered as ``_b``), run ``query(columns)`` (built from the
    first table's columns) and yield a `BulkChunk` of Arrow tables (DuckDB's threads share a
    batch by slices of ``chunk_rows`` rows, or by its own chunks when None; DuckDB hands the
    rows back in batches of the same size). ``records(payload, first, rows)`` gives the raw
    record ``map`` takes for each row number handed back (a row left out is skipped: a blank
    line); ``after(con, payload, first)`` gives more rows that are not plain (row numbers),
    before the hand-back; ``same`` adds columns of ``table`` to the query's (`_with_cells`).

    The query may give several items per row (a tweet and the originals it embeds): they
    share ``_row`` and are ordered by ``_ord``; a row goes back whole. The account of an item
    is keyed by ``acc_account_id`` when the query gives it (NULL: no account), else by the
    post's ``account_id``.

    The query's rows come back from DuckDB as one Arrow table per batch (`_Mapped`), which
    the statements sorting the batch out read as ``_bulk_out`` and the writer reads in turn:
    the mapped rows are copied out of DuckDB once, and nothing is kept after the batch.
    The query runs on the store's connection (``ctx.con``) when the caller gives one, else
    on a private connection (the caller may then map the next batch in a thread while it
    writes this one)."""
    import duckdb

    own = ctx.con is None
    con = duckdb.connect() if own else ctx.con
    con.execute("CREATE OR REPLACE TEMP MACRO _dd(l) AS list_filter(l, lambda x, i: list_position(l, x) = i)")
    if setup:
        setup(con)
    try:
        sql = None
        for first, b, payload in batches:
            if sql is None:
                sql = query(set(b.schema.names) - {"_row"})
            mapped = _Mapped(con, _with_cells(_map(con, sql, b, chunk_rows), b, first, same))
            try:
                fallback = _hand_back(con, mapped, imp, ctx, records, payload, first, after)
                posts, accounts = _plain_rows(con, mapped)
            finally:
                mapped.close()
            yield BulkChunk(posts=posts, accounts=accounts, fallback=fallback, rows=b.num_rows)
    finally:
        if own:
            con.close()


def _map(con, sql: str, b, chunk_rows: int | None):
    """The batch ``b`` mapped by the query ``sql``, as an Arrow table (``_plain`` NULL, not
    vouched for, is false)."""
    import pyarrow as pa
    # DuckDB scans an Arrow table in parallel by its record batches: ``b`` in zero-copy
    # slices of ``chunk_rows`` rows, or as it is chunked (let go after the statement: a
    # group's transaction does not keep every batch)
    if chunk_rows is not None:
        b = pa.Table.from_batches(b.to_batches(max_chunksize=chunk_rows), b.schema)
    with registered(con, "_b", b):
        return con.sql(f"SELECT * REPLACE (coalesce(_plain, false) AS _plain) FROM ({sql})").to_arrow_table()


def _with_cells(mapped, b, first: int, same: dict[str, str] | None):
    """``mapped`` with the output columns ``same`` names (``{output column: column of b}``)
    taken from the batch ``b`` as they are. A query of one item per row keeps the batch's
    row order, so the batch's column is taken without a copy (DuckDB copying a text column
    out costs the page faults of its fresh memory); otherwise each item gets its row's
    cell by row number."""
    if not same:
        return mapped
    lined_up = mapped.num_rows == b.num_rows and mapped.column("_row").equals(b.column("_row"))
    for out, col in same.items():
        cells = b.column(col)
        if not lined_up:
            cells = cells.take(int64_array(_ints(mapped.column("_row")) - first))
        mapped = mapped.append_column(out, cells)
    return mapped


def _account_key(names) -> str:
    """The column keying the account of an item (see `run_bulk`)."""
    return "acc_account_id" if "acc_account_id" in names else "account_id"


def _hand_back(con, mapped: _Mapped, imp, ctx: ImportContext, records: Callable, payload, first: int,
               after: Callable | None) -> list:
    """The rows of the batch that go to the row path, as ``(row, raw record)`` in row order,
    marked not plain in ``mapped``: those the query did not vouch for, those ``after`` finds,
    every item of such a row, and (transitively) plain rows sharing a post or account key
    with a row handed back, so that every key is merged by one path only."""
    names = mapped.table.schema.names
    akey = _account_key(names)
    if after and "_moj" in names:
        mapped.hand_back(after(con, payload, first))
    back = [r[0] for r in con.execute(
        "SELECT DISTINCT _row FROM _bulk_out WHERE NOT _plain ORDER BY _row").fetchall()]
    if not back:
        return []
    if "_ord" in names:   # a row is plain only when all its items are
        mapped.hand_back(back)
    recs = records(payload, first, back)
    fallback = [(r, recs[r]) for r in back if r in recs]
    pk, ak = _keys_of(imp, ctx, fallback)
    while pk or ak:
        keys = "(SELECT unnest(CAST(? AS VARCHAR[])) AS p, unnest(CAST(? AS VARCHAR[])) AS i)"
        hit = con.execute(f"""SELECT _row, platform, post_id, {akey} FROM _bulk_out
            WHERE _plain AND (EXISTS (SELECT 1 FROM {keys} WHERE p = platform AND i = post_id)
               OR EXISTS (SELECT 1 FROM {keys} WHERE p = platform AND i = {akey}))""",
                          [[k[0] for k in pk], [k[1] for k in pk],
                           [k[0] for k in ak], [k[1] for k in ak]]).fetchall()
        if not hit:
            break
        more = sorted({h[0] for h in hit})
        mapped.hand_back(more)
        # every item of a row handed back is mapped by the row path: its keys too
        hit = con.execute(f"SELECT platform, post_id, {akey} FROM _bulk_out WHERE list_contains(?, _row)",
                          [more]).fetchall()
        pk = {(h[0], h[1]) for h in hit}
        ak = {(h[0], h[2]) for h in hit if h[2] is not None}
        recs = records(payload, first, more)
        fallback += [(r, recs[r]) for r in more if r in recs]
    fallback.sort(key=lambda x: x[0])
    return fallback


def _plain_rows(con, mapped: _Mapped) -> tuple:
    """``(posts, accounts)``: the plain rows of ``mapped`` as Arrow tables, the posts in file
    order with the entities the query left to Python (`_entity_fills`), the accounts merged
    per key (`_accounts`)."""
    import pyarrow.compute as pc

    t = mapped.table
    names = t.schema.names
    multi = "_ord" in names
    fills = _entity_fills(con)
    accounts = _accounts(con, names)
    plain = t.column("_plain")
    if t.num_rows and not pc.all(plain).as_py():
        t = t.filter(plain)
    acc_cols = [c for c in names if c.startswith("acc_")]
    # ``_row`` (and ``_ord``) stay: a key met twice in the batch keeps its first values in file order
    t = t.drop_columns([c for c in ("_plain", "_uni", "_moj", "_links0", "_hraw", "_mraw", *acc_cols) if c in names])
    # DuckDB keeps the batch's order (insertion order is preserved): sorted again only when
    # a check of the row numbers finds otherwise
    if not _in_file_order(t, multi):
        t = t.take(pc.sort_indices(t, sort_keys=[("_row", "ascending")] + ([("_ord", "ascending")] if multi else [])))
    return _filled(t, fills, multi), accounts


def _accounts(con, names) -> object:
    """The accounts of the plain rows of ``_bulk_out`` as an Arrow table, merged as the row
    path merges them: the first non-NULL value in row order, the greatest count, first and
    last seen from the posts' times (``_now``: the account's first row has no time, so it
    was first seen at the import time)."""
    order = "_row, _ord" if "_ord" in names else "_row"
    akey = _account_key(names)
    acc_cols = [c for c in names if c.startswith("acc_") and c != "acc_account_id"]
    aggs = ", ".join(
        (f"max({c}) AS \"{c[4:]}\"" if c[4:] in _MONOTONE else
         f"first({c} ORDER BY {order}) FILTER (WHERE {c} IS NOT NULL) AS \"{c[4:]}\"") for c in acc_cols)
    return con.sql(f"""SELECT platform, _akey AS account_id{', ' if aggs else ''}{aggs},
               min(_seen) AS first_seen, max(_seen) AS last_seen,
               first(_seen ORDER BY {order}) IS NULL AS _now
        FROM (SELECT *, created_at AS _seen, {akey} AS _akey FROM _bulk_out WHERE _plain)
        WHERE _akey IS NOT NULL GROUP BY platform, _akey""").to_arrow_table()
