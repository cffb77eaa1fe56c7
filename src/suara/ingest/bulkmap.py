"""The shared driver of the importers' vectorised (bulk) paths over CSV files.

An importer's bulk path gives one DuckDB query that maps a batch of raw CSV rows (the view
``_b``: the header's columns as strings plus ``_row``, the row number of `iter_csv`) to
canonical posts, with ``_plain`` saying whether the row is a case the query maps exactly as
the importer's ``map`` would, ``_uni`` whether the text needs Python's entity patterns, and
account columns prefixed ``acc_``. `bulk_csv` runs it batch by batch (bounded memory) and
hands back `BulkChunk` s:

* rows that are not plain go back to ``map`` (the row path), with the raw record the row
  reader would have yielded, so their values, quarantine, field and row are the row path's;
* a plain row sharing a post or account key with such a row goes back as well (transitively),
  so that every key is merged by one path only, exactly as the row path merges it;
* hashtags, mentions and links left NULL by the query (texts with non-ASCII letters, digits
  or spaces, where RE2's classes are not Python's) are filled by the Python patterns.

Accounts are merged per batch as the row path merges them: the first non-NULL value in row
order, the greatest count (followers, following, post_count), first/last seen from the
posts' times (an account whose first row has no time was first seen at the import time:
``_now``).
"""
from __future__ import annotations

from typing import Callable, Iterator

from suara.ingest.base import (BulkChunk, ImportContext, RowError, Source, extract_hashtags,
                               extract_links, extract_mentions, repair_mojibake)
from suara.ingest.lines import iter_csv_arrow

__all__ = ["bulk_csv", "entity_sql", "py_strip", "HASHTAG_RE2", "MENTION_RE2", "LINK_RE2", "NON_ASCII_WORD_RE2",
           "WS_RE2", "strip_ok", "lit"]

# The entity patterns of `suara.ingest.base` in RE2 syntax, exact for texts whose non-ASCII
# characters are no letters, digits or spaces (emoji are fine): there Python's \w and \s are
# the ASCII classes, and the look-behinds become a consumed "start or other character".
NON_ASCII_WORD_RE2 = r"[^\x00-\x7f\PL]|[^\x00-\x7f\PN]|[^\x00-\x7f\PZ]|\x{85}"
HASHTAG_RE2 = r"(?:^|[^A-Za-z0-9_&])#([A-Za-z0-9_]{1,100})"
MENTION_RE2 = r"(?:^|[^A-Za-z0-9_.])@([A-Za-z0-9_.]{1,60}[A-Za-z0-9_])"
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


def entity_sql(text: str) -> dict[str, str]:
    """SQL for ``_uni`` and the raw entity lists ``_h``/``_m``/``_l`` of a text, and the
    cleaned lists from those columns (``hashtags``/``mentions``/``links``, NULL when ``_uni``):
    `suara.ingest.base.fill_entities` for texts without non-ASCII letters, digits or spaces."""
    return {
        "_uni": f"coalesce(regexp_matches({text}, '{NON_ASCII_WORD_RE2}'), false)",
        "_h": f"regexp_extract_all({text}, '{HASHTAG_RE2}', 1)",
        "_m": f"regexp_extract_all({text}, '{MENTION_RE2}', 1)",
        "_l": f"regexp_extract_all({text}, '{LINK_RE2}')",
        "hashtags": "_dd(list_transform(list_filter(_h, lambda h: NOT regexp_full_match(h, '[0-9]+')), "
                    "lambda h: lower(h)))",
        "mentions": "_dd(list_transform(_m, lambda h: lower(h)))",
        "links": "_dd(list_transform(_l, lambda u: rtrim(u, '.,;:!?)')))",
    }


def _fill_entities(out):
    """Hashtags/mentions/links the query left NULL, by the Python patterns (and the media
    type that depends on links)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if "_uni" not in out.schema.names or not pc.any(out.column("_uni")).as_py():
        return out
    uni = out.column("_uni")
    rest, out = out.filter(uni), out.filter(pc.invert(uni))
    text = rest.column("text").to_pylist()
    cols = {}
    for name, fn, mark in (("hashtags", extract_hashtags, "#"), ("mentions", extract_mentions, "@"),
                           ("links", extract_links, "://")):
        vals = rest.column(name).to_pylist()
        cols[name] = [v if v is not None else (fn(t) if isinstance(t, str) and mark in t else [])
                      for v, t in zip(vals, text)]
    if "_links0" in rest.schema.names:   # links the format lists first, then those of the text
        cols["links"] = [None if v is None else (v + [x for x in extract_links(t) if x not in v])
                         for v, t in zip(rest.column("_links0").to_pylist(), text)]
        cols["links"] = [v if v is not None else w for v, w in
                         zip(cols["links"], rest.column("links").to_pylist())]
    else:
        cols["media_type"] = [m or ("link" if lk else "text")
                              for m, lk in zip(rest.column("media_type").to_pylist(), cols["links"])]
    for name, vals in cols.items():
        i = rest.schema.get_field_index(name)
        rest = rest.set_column(i, rest.schema.field(i), pa.array(vals, rest.schema.field(i).type))
    return pa.concat_tables([out, rest])


def _no_mojibake(batch, out, plain, first: int):
    """``plain`` without the rows holding a mojibake mark (``_moj``) in a cell that
    `repair_mojibake` changes (as `iter_csv` would): a genuine "Ã" (Portuguese capitals)
    leaves the cell as it is and the row plain."""
    import pyarrow as pa
    import pyarrow.compute as pc

    moj = pc.and_(plain, pc.fill_null(out.column("_moj"), True))
    if not pc.any(moj).as_py():
        return plain
    rows = out.filter(moj).column("_row").to_pylist()
    cells = batch.take(pa.array([r - first for r in rows], pa.int64())).to_pylist()
    changed = [r for r, row in zip(rows, cells)
               if any(isinstance(v, str) and repair_mojibake(v) != v for v in row.values())]
    if not changed:
        return plain
    return pc.and_(plain, pc.invert(pc.is_in(out.column("_row"), pa.array(changed, pa.int64()))))


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
    the module doc). ``raw`` turns a row dict (cells already repaired as `iter_csv` does)
    into the record ``map`` takes; ``setup(con)`` may declare macros."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    con = duckdb.connect()
    con.execute("CREATE MACRO _dd(l) AS list_filter(l, lambda x, i: list_position(l, x) = i)")
    if setup:
        setup(con)
    try:
        sql, cols = None, None
        for first, batch in _prefetch(iter_csv_arrow(source, delimiter)):
            if sql is None:
                cols = set(batch.schema.names)
                sql = query(cols)
            b = pa.Table.from_batches([batch.append_column(
                "_row", pa.array(range(first, first + batch.num_rows), pa.int64()))])
            # zero-copy slices: DuckDB scans an Arrow table in parallel by its record batches
            con.register("_b", pa.Table.from_batches(b.to_batches(max_chunksize=8192), b.schema))
            out = con.sql(sql).to_arrow_table()
            con.unregister("_b")
            plain = pc.fill_null(out.column("_plain"), False)   # NULL: not vouched for
            if "_moj" in out.schema.names:
                plain = _no_mojibake(batch, out, plain, first)
            out = out.set_column(out.schema.get_field_index("_plain"), "_plain", plain)
            fallback = []
            if not pc.all(plain).as_py():
                rows = batch.to_pylist()

                def rec(r):
                    row = {k: repair_mojibake(v) for k, v in rows[r - first].items()}
                    return raw(row) if raw else row
                back = sorted(out.filter(pc.invert(plain)).column("_row").to_pylist())
                # blank lines are skipped, as in iter_csv
                fallback = [(r, rec(r)) for r in back if any(rows[r - first].values())]
                pk, ak = _keys_of(imp, ctx, fallback)
                out = out.filter(plain)
                # plain rows sharing a key with a row handed back go back too (transitively)
                key = pa.schema([("p", pa.string()), ("i", pa.string())])
                while pk or ak:
                    con.register("_o", out)
                    con.register("_pk", pa.table({"p": [k[0] for k in pk], "i": [k[1] for k in pk]}, schema=key))
                    con.register("_ak", pa.table({"p": [k[0] for k in ak], "i": [k[1] for k in ak]}, schema=key))
                    hit = con.sql("""SELECT _row, platform, post_id, account_id FROM _o
                        WHERE EXISTS (SELECT 1 FROM _pk WHERE p = platform AND i = post_id)
                           OR EXISTS (SELECT 1 FROM _ak WHERE p = platform AND i = account_id)""").fetchall()
                    for name in ("_o", "_pk", "_ak"):
                        con.unregister(name)
                    if not hit:
                        break
                    pk = {(h[1], h[2]) for h in hit}
                    ak = {(h[1], h[3]) for h in hit if h[3] is not None}
                    more = pa.array(sorted(h[0] for h in hit), pa.int64())
                    out = out.filter(pc.invert(pc.is_in(out.column("_row"), more)))
                    fallback += [(r, rec(r)) for r in more.to_pylist()]
                fallback.sort(key=lambda x: x[0])
            out = _fill_entities(out)
            acc_cols = [c for c in out.schema.names if c.startswith("acc_")]
            con.register("_p", out)
            aggs = ", ".join(
                (f"max({c}) AS \"{c[4:]}\"" if c[4:] in _MONOTONE else
                 f"first({c} ORDER BY _row) FILTER (WHERE {c} IS NOT NULL) AS \"{c[4:]}\"") for c in acc_cols)
            accounts = con.sql(f"""
                SELECT platform, account_id{', ' if aggs else ''}{aggs},
                       min(_seen) AS first_seen, max(_seen) AS last_seen,
                       first(_seen ORDER BY _row) IS NULL AS _now
                FROM (SELECT *, created_at AS _seen FROM _p)
                WHERE account_id IS NOT NULL GROUP BY platform, account_id""").to_arrow_table()
            con.unregister("_p")
            drop = [c for c in ("_plain", "_uni", "_moj", "_row", "_links0", *acc_cols) if c in out.schema.names]
            yield BulkChunk(posts=out.drop_columns(drop), accounts=accounts,
                            fallback=fallback, rows=batch.num_rows)
    finally:
        con.close()

