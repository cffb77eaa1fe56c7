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
``_now``).
"""
from __future__ import annotations

from typing import Callable, Iterator

from suara.ingest.base import (_MOJIBAKE_MARKS, BulkChunk, ImportContext, RowError, Source,
                               extract_hashtags, extract_links, extract_mentions, repair_mojibake)
from suara.ingest.lines import iter_csv_arrow, row_numbers
from suara.store.staging import registered

__all__ = ["bulk_csv", "run_bulk", "entity_sql", "clean_sql", "dedup_sql", "mentions_sql", "uni_sql", "extract_sql", "py_strip", "HASHTAG_RE2", "MENTION_RE2", "LINK_RE2", "NON_ASCII_WORD_RE2",
           "WS_RE2", "strip_ok", "lit"]

# The entity patterns of `suara.ingest.base` in RE2 syntax, exact for texts whose non-ASCII
# characters are no letters, digits or spaces (emoji are fine): there Python's \w and \s are
# the ASCII classes, and the look-behinds become a consumed "start or other character".
NON_ASCII_WORD_RE2 = r"[^\x00-\x7f\PL]|[^\x00-\x7f\PN]|[^\x00-\x7f\PZ]|\x{85}"
HASHTAG_RE2 = r"(?:^|[^A-Za-z0-9_&])#([A-Za-z0-9_]{1,100})"
MENTION_RE2 = r"(?:^|[^A-Za-z0-9_.])@([A-Za-z0-9_.]{1,60}[A-Za-z0-9_])"
#: `MENTION_RE2` after its "@", anchored: the mention at the start of a part split at "@"
_MENTION_AFTER_AT_RE2 = r"^[A-Za-z0-9_.]{1,60}[A-Za-z0-9_]"
LINK_RE2 = r"(?i)https?://[^ \t\n\r\f\x0b\x1c-\x1f<>\"'']+"   # '' : a quote inside SQL
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


def uni_sql(text: str) -> str:
    """SQL: ``text`` holds a non-ASCII letter, digit or space (false for NULL). A text of
    ASCII only (as many bytes as characters) skips the regex."""
    return (f"CASE WHEN strlen({text}) = length({text}) THEN false "
            f"ELSE coalesce(regexp_matches({text}, '{NON_ASCII_WORD_RE2}'), false) END")


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
        "links": dedup_sql(l, f"list_transform({l}, lambda u: rtrim(u, '.,;:!?)'))"),
    }


def _fill_entities(con) -> None:
    """Hashtags/mentions/links the query left NULL (rows of ``_bulk_out`` marked ``_uni``),
    by the Python patterns (and the media type that depends on links). Tags and mentions a
    format lists itself that hold non-ASCII characters (``_hraw``/``_mraw``: the values as
    listed) are lower-cased by Python, whose case mapping DuckDB's does not always match."""
    names = {r[0] for r in con.execute('DESCRIBE "_bulk_out"').fetchall()}
    if "_uni" not in names:
        return
    has0 = "_links0" in names
    # items of one row (a tweet and the originals it embeds) are told apart by ``_ord``
    ordc = "_ord" if "_ord" in names else "0"
    raw = [c if c in names else f"CAST(NULL AS VARCHAR[]) AS {c}" for c in ("_hraw", "_mraw")]
    also = "".join(f" OR {c} IS NOT NULL" for c in ("_hraw", "_mraw") if c in names)
    rest = con.execute(f"""SELECT _row, text, hashtags, mentions, links, media_type, {ordc} AS _o, {', '.join(raw)}
               {', _links0' if has0 else ''}
        FROM _bulk_out WHERE _plain AND (coalesce(_uni, false){also}) ORDER BY _row, _o""").fetchall()
    if not rest:
        return
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
    con.execute(f"""UPDATE _bulk_out SET hashtags = f.hashtags, mentions = f.mentions, links = f.links,
                   media_type = f.media_type
        FROM (SELECT unnest(CAST(? AS BIGINT[])) AS _row, unnest(CAST(? AS BIGINT[])) AS _o,
                     unnest(CAST(? AS VARCHAR[][])) AS hashtags,
                     unnest(CAST(? AS VARCHAR[][])) AS mentions, unnest(CAST(? AS VARCHAR[][])) AS links,
                     unnest(CAST(? AS VARCHAR[])) AS media_type) f
        WHERE _bulk_out._row = f._row AND {'_bulk_out._ord' if ordc == '_ord' else '0'} = f._o""",
                [rows, ords, cols["hashtags"], cols["mentions"], cols["links"], media])


def _no_mojibake(con, batch, first: int) -> None:
    """Rows of ``_bulk_out`` holding a mojibake mark (``_moj``) in a cell that
    `repair_mojibake` changes (as `iter_csv` would) are no longer plain: a genuine "Ã"
    (Portuguese capitals) leaves the cell as it is and the row plain. Only the cells that
    hold a mark (found by Arrow) are tried: `repair_mojibake` returns every other cell as
    it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = [r[0] for r in con.execute(
        "SELECT _row FROM _bulk_out WHERE _plain AND coalesce(_moj, true) ORDER BY _row").fetchall()]
    if not rows:
        return
    cells = batch.take(pa.array([r - first for r in rows], pa.int64()))
    changed = set()
    for col in cells.columns:
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        hit = None
        for m in _MOJIBAKE_MARKS:
            h = pc.fill_null(pc.match_substring(col, m), False)
            hit = h if hit is None else pc.or_(hit, h)
        at = pc.indices_nonzero(hit)
        for i, v in zip(at.to_pylist(), col.take(at).to_pylist()):
            if repair_mojibake(v) != v:
                changed.add(rows[i])
    _not_plain(con, sorted(changed))


def _not_plain(con, rows: list[int]) -> None:
    """Mark rows of ``_bulk_out`` as handed back to the row path."""
    if rows:
        con.execute("UPDATE _bulk_out SET _plain = false WHERE list_contains(?, _row)", [rows])


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
             delimiter: str | None = None) -> Iterator[BulkChunk]:
    """Run ``query(columns)`` over each Arrow batch of the CSV and yield `BulkChunk` s (see
    the module doc and `run_bulk`). ``raw`` turns a row dict (cells already repaired as
    `iter_csv` does) into the record ``map`` takes; ``setup(con)`` may declare (temporary)
    macros."""
    import pyarrow as pa

    def batches():
        for first, batch in _prefetch(iter_csv_arrow(source, delimiter)):
            b = pa.Table.from_batches([batch.append_column("_row", row_numbers(first, batch.num_rows))])
            yield first, b, batch

    def records(batch, first: int, back: list[int]) -> dict[int, object]:
        rows = batch.to_pylist()
        out = {}
        for r in back:
            cells = rows[r - first]
            if any(cells.values()):   # blank lines are skipped, as in iter_csv
                row = {k: repair_mojibake(v) for k, v in cells.items()}
                out[r] = raw(row) if raw else row
        return out

    chunks = run_bulk(ctx, imp, batches(), query, records, setup, after=_no_mojibake)
    # on a private connection the next batch is mapped while the caller writes this one
    yield from (_prefetch(chunks) if ctx.con is None else chunks)


def run_bulk(ctx: ImportContext, imp, batches: Iterator, query: Callable[[set[str]], str],
             records: Callable, setup: Callable | None = None,
             after: Callable | None = None, chunk_rows: int = 8192) -> Iterator[BulkChunk]:
    """The shared driver: for each ``(first, table, payload)`` of ``batches`` (``table``: an
    Arrow table with ``_row``, registered as ``_b``), run ``query(columns)`` (built from the
    first table's columns) into ``_bulk_out`` and yield a `BulkChunk` (DuckDB's threads share
    a batch by slices of ``chunk_rows`` rows). ``records(payload,
    first, rows)`` gives the raw record ``map`` takes for each row number handed back (a row
    left out is skipped: a blank line); ``after(con, payload, first)`` may mark more rows not
    plain before the hand-back.

    The query may give several items per row (a tweet and the originals it embeds): they
    share ``_row`` and are ordered by ``_ord``; a row goes back whole. The account of an item
    is keyed by ``acc_account_id`` when the query gives it (NULL: no account), else by the
    post's ``account_id``.

    On the store's connection (``ctx.con``) each batch is mapped into the temporary table
    ``_bulk_out`` and the chunk names the relations ``_bulk_posts`` and ``_bulk_acc``: the
    mapped rows go from the query to the canonical tables without leaving DuckDB. DuckDB
    keeps a temporary table replaced inside a transaction until the commit, so the pipeline
    does this only for files of bounded size (`suara.ingest.pipeline.STAGE_MAX_BYTES`).
    Without one (larger files, a caller outside the pipeline) a private connection maps each
    batch and the chunk holds Arrow tables (memory bounded by the batch)."""
    import duckdb
    import pyarrow as pa

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
            # zero-copy slices: DuckDB scans an Arrow table in parallel by its record batches
            # (let go after the statement: a group's transaction does not keep every batch)
            with registered(con, "_b", pa.Table.from_batches(b.to_batches(max_chunksize=chunk_rows), b.schema)):
                # NULL _plain: not vouched for
                con.execute(f"CREATE OR REPLACE TEMP TABLE _bulk_out AS SELECT * REPLACE "
                            f"(coalesce(_plain, false) AS _plain) FROM ({sql})")
            names = [r[0] for r in con.execute('DESCRIBE "_bulk_out"').fetchall()]
            multi = "_ord" in names
            order = "_row, _ord" if multi else "_row"
            akey = "acc_account_id" if "acc_account_id" in names else "account_id"
            if after and "_moj" in names:
                after(con, payload, first)
            if multi:   # a row is plain only when all its items are
                con.execute("""UPDATE _bulk_out SET _plain = false WHERE _row IN
                               (SELECT _row FROM _bulk_out WHERE NOT _plain)""")
            fallback = []
            back = [r[0] for r in con.execute(
                "SELECT DISTINCT _row FROM _bulk_out WHERE NOT _plain ORDER BY _row").fetchall()]
            if back:
                recs = records(payload, first, back)
                fallback = [(r, recs[r]) for r in back if r in recs]
                pk, ak = _keys_of(imp, ctx, fallback)
                # plain rows sharing a key with a row handed back go back too (transitively)
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
                    _not_plain(con, more)
                    # every item of a row handed back is mapped by the row path: its keys too
                    hit = con.execute(f"SELECT platform, post_id, {akey} FROM _bulk_out WHERE list_contains(?, _row)",
                                      [more]).fetchall()
                    pk = {(h[0], h[1]) for h in hit}
                    ak = {(h[0], h[2]) for h in hit if h[2] is not None}
                    recs = records(payload, first, more)
                    fallback += [(r, recs[r]) for r in more if r in recs]
                fallback.sort(key=lambda x: x[0])
            _fill_entities(con)
            acc_cols = [c for c in names if c.startswith("acc_") and c != "acc_account_id"]
            aggs = ", ".join(
                (f"max({c}) AS \"{c[4:]}\"" if c[4:] in _MONOTONE else
                 f"first({c} ORDER BY {order}) FILTER (WHERE {c} IS NOT NULL) AS \"{c[4:]}\"") for c in acc_cols)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE _bulk_acc AS
                SELECT platform, _akey AS account_id{', ' if aggs else ''}{aggs},
                       min(_seen) AS first_seen, max(_seen) AS last_seen,
                       first(_seen ORDER BY {order}) IS NULL AS _now
                FROM (SELECT *, created_at AS _seen, {akey} AS _akey FROM _bulk_out WHERE _plain)
                WHERE _akey IS NOT NULL GROUP BY platform, _akey""")
            drop = [c for c in ("_plain", "_uni", "_moj", "_links0", "_hraw", "_mraw", "acc_account_id", *acc_cols)
                    if c in names]
            # ``_row`` (and ``_ord``) stay: a key met twice in the batch keeps its first values in file order
            con.execute(f"""CREATE OR REPLACE TEMP VIEW _bulk_posts AS
                SELECT * EXCLUDE ({', '.join(drop)}) FROM _bulk_out WHERE _plain""")
            if own:
                # DuckDB keeps the batch's order (insertion order is preserved): sorted again
                # only when a check of the row numbers finds otherwise
                posts = con.sql("SELECT * FROM _bulk_posts").to_arrow_table()
                if not _in_file_order(posts, multi):
                    posts = con.sql(f"SELECT * FROM _bulk_posts ORDER BY {order}").to_arrow_table()
                accounts = con.sql("SELECT * FROM _bulk_acc").to_arrow_table()
            else:
                posts, accounts = "_bulk_posts", "_bulk_acc"
            yield BulkChunk(posts=posts, accounts=accounts, fallback=fallback, rows=b.num_rows)
    finally:
        for stmt in ("DROP VIEW IF EXISTS _bulk_posts", "DROP TABLE IF EXISTS _bulk_acc",
                     "DROP TABLE IF EXISTS _bulk_out"):
            try:
                con.execute(stmt)
            except duckdb.Error:   # the transaction failed already: its rollback drops them
                pass
        if own:
            con.close()
