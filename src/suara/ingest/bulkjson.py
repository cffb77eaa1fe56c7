"""The bulk (vectorised) path over JSON Lines files: the lines of a file as Arrow batches,
parsed and mapped by one DuckDB query per batch (`suara.ingest.bulkmap.run_bulk`).

A batch is about ``JSONL_BATCH_BYTES`` of whole lines, cut at line ends without copying
(the line texts are slices of the bytes read; a line keeps its line break, which JSON
ignores), with ``_row`` = the line number the row reader gives (blank lines count, as in
`suara.ingest.lines.iter_raw_lines`). The query sees the view ``_b(line, _row)`` and parses
each line with DuckDB's JSON functions (yyjson): ``json_transform`` to a struct whose leaves
are raw JSON texts, so that a value's JSON type is known (``"12"`` and ``12`` differ) and
checked before it is used.

DuckDB's parser is more lenient than the row path's (orjson, then the standard library):
it takes trailing commas, ``nan``/``inf`` in any case, and keeps the *first* of two
duplicate keys where Python keeps the last. `strict_sql` and the ``_nodup``/``_obj_ok``
macros let a query take a line in bulk only when both parsers read it alike: a line that is
not strict JSON, or has a duplicate key in an object the query reads, goes back to the row
path, which quarantines or maps it as before. A line that is not UTF-8 goes back too (the row
path decodes it as cp1252), and a line longer than `MAX_LINE_BYTES` makes the whole file take
the row path.
"""
from __future__ import annotations

from typing import Callable, Iterator

from suara.ingest.base import MAX_LINE_BYTES, BulkChunk, BulkDeclined, FileError, ImportContext, RowError, Source
from suara.ingest.bulkmap import _prefetch, run_bulk
from suara.ingest.lines import loads_json

__all__ = ["bulk_jsonl", "tag_lists_sql", "iter_jsonl_arrow", "json_record", "strict_sql", "json_macros", "obj_sql", "arr_sql",
           "all_sql", "JSONL_BATCH_BYTES"]

#: Bytes of whole lines per Arrow batch (memory stays bounded for files larger than RAM).
JSONL_BATCH_BYTES = 32 * 1024**2

# JSON the row path refuses but yyjson takes: a trailing comma, nan/inf in any case (the
# standard library takes only NaN, Infinity, -Infinity, which the queries never read as
# values either); a NUL escape (DuckDB strings and Python's may differ there)
_WS = r"[ \t\r\n]*"
_NAN_INF = _WS + r"-?(?:[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)" + _WS + r"[,\]}]"
#: one pattern per first character (RE2 skips ahead to a literal first character; a first
#: character class made the scan three times slower)
_LENIENT_RE2S = (r"," + _WS + r"[\]}]", ":" + _NAN_INF, "," + _NAN_INF, r"\[" + _NAN_INF)
_LENIENT_RE2 = "|".join(_LENIENT_RE2S)

#: Timestamps of the APIs' ISO shape (``2021-04-08T15:07:30.000Z``), as a JSON string
_ISO_Z_RE2 = (r'"[0-9]{4}-(0[1-9]|1[0-2])-[0-3][0-9]T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]'
              r'(\.[0-9]{3}|\.[0-9]{6})?Z"')


def strict_sql(line: str = "line", keys: str | None = None) -> str:
    """SQL: the line is a JSON object that the row path's parser reads as DuckDB does (no
    trailing commas, no lenient number literals, no NUL escapes, no duplicate top-level key;
    ``keys``: a column holding the line's ``json_keys`` when the query has it). Only for
    lines DuckDB parsed (``json_keys`` fails on others)."""
    nodup = f"len({keys}) = list_unique({keys})" if keys else f"_nodup({line})"
    lenient = " OR ".join(f"regexp_matches({line}, '{p}')" for p in _LENIENT_RE2S)
    return (f"(starts_with({line}, '{{') AND NOT ({lenient}) "
            f"AND NOT contains({line}, '\\u0000') AND {nodup})")


_MACROS = {
    # an object's keys are unique (Python keeps the last of two, yyjson the first)
    # (the keys are read once: a one-element list gives the lambda its argument)
    "_nodup(x)": "list_transform([json_keys(x)], lambda k: len(k) = list_unique(k))[1]",
    # the JSON text ``x`` (a leaf of json_transform: NULL when absent or null) is an object
    # read alike by both parsers, or absent
    "_obj_ok(x)": "x IS NULL OR (starts_with(x, '{') AND _nodup(x))",
    # ... an array of such objects, or absent
    "_objs_ok(x)": ("x IS NULL OR (starts_with(x, '[') AND coalesce(list_bool_and(list_transform("
                    "json_transform(x, '[\"JSON\"]'), lambda e: coalesce(starts_with(e, '{') AND _nodup(e), false))), true))"),
    # a string or absent; its value
    "_s_ok(x)": "x IS NULL OR starts_with(x, '\"')",
    "_s(x)": ("CASE WHEN contains(x, '\\') THEN json_extract_string(x, '$') "
              "ELSE substr(x, 2, length(x) - 2) END"),
    # a string of printable ASCII without escapes (compared and lower-cased as Python does)
    "_a_ok(x)": "x IS NULL OR regexp_full_match(x, '\"[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]*\"')",
    # an exact id: a string of digits (empty: none) or a whole number of at most 18 digits
    "_id_ok(x)": "x IS NULL OR regexp_full_match(x, '\"[0-9]{0,25}\"|[0-9]{1,18}')",
    "_id(x)": "nullif(trim(x, '\"'), '')",
    # a count of the X API (`suara.ingest.base.to_int`): a whole number, or digits in a string
    "_cnt_ok(x)": "x IS NULL OR regexp_full_match(x, '-?[0-9]{1,18}|\"[0-9]{0,18}\"')",
    "_cnt(x)": "TRY_CAST(nullif(trim(x, '\"'), '') AS BIGINT)",
    # an ISO timestamp in UTC (``...Z``) or empty; its naive UTC value
    "_ts_ok(x)": (f"x IS NULL OR x = '\"\"' OR (regexp_full_match(x, '{_ISO_Z_RE2}') AND NOT starts_with(x, '\"0000') "
                  "AND try_cast(replace(substr(x, 2, length(x) - 2), 'Z', '') AS TIMESTAMP) IS NOT NULL)"),
    "_ts(x)": "try_cast(replace(nullif(substr(x, 2, length(x) - 2), ''), 'Z', '') AS TIMESTAMP)",
}


def obj_sql(x: str, spec: str) -> str:
    """SQL: the JSON text ``x`` read by ``json_transform`` with ``spec`` when it is an object
    (NULL otherwise)."""
    return f"CASE WHEN starts_with({x}, '{{') THEN json_transform({x}, '{spec}') END"


def arr_sql(x: str, spec: str) -> str:
    """SQL: the JSON text ``x`` read with ``spec`` when it is an array (NULL otherwise)."""
    return f"CASE WHEN starts_with({x}, '[') THEN json_transform({x}, '{spec}') END"


def all_sql(lst: str, cond: str) -> str:
    """SQL: every element ``e`` of the list ``lst`` meets ``cond`` (true for NULL or [])."""
    return f"coalesce(list_bool_and(list_transform({lst}, lambda e: coalesce({cond}, false))), true)"


def tag_lists_sql(tags: str, ments: str) -> str:
    """SQL select items from two lists of raw JSON strings (a format's own hashtag and mention
    lists): ``tags`` and ``ments`` lower-cased and unquoted, and ``_hraw``/``_mraw``, the
    values as Python reads them, where a value is not plain ASCII (Python lower-cases those
    after the query: DuckDB's case mapping is not Python's for every letter)."""
    def vals(x: str) -> str:
        return f"list_filter({x}, lambda t: t IS NOT NULL AND t <> '\"\"')"
    return (f"list_transform({vals(tags)}, lambda t: lower(substr(t, 2, length(t) - 2))) AS tags, "
            f"list_transform({vals(ments)}, lambda t: lower(substr(t, 2, length(t) - 2))) AS ments, "
            f"CASE WHEN NOT {all_sql(tags, '_a_ok(e)')} THEN list_transform({vals(tags)}, lambda t: _s(t)) END AS _hraw, "
            f"CASE WHEN NOT {all_sql(ments, '_a_ok(e)')} THEN list_transform({vals(ments)}, lambda t: _s(t)) END AS _mraw")


def json_macros(con) -> None:
    """Declare the temporary macros the JSON bulk queries use (see the module doc)."""
    for sig, body in _MACROS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {sig} AS {body}")


def json_record(line: bytes, n: int):
    """The record the row reader yields for line ``n`` (bytes as read, line break included):
    the parsed JSON, a `RowError` for a line that is not JSON, or None for a blank line."""
    if n == 1 and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    if len(line) > MAX_LINE_BYTES + 1:
        return RowError("(line)", f"line longer than {MAX_LINE_BYTES:,} bytes")
    line = line.strip()
    if not line:
        return None
    try:
        return loads_json(line)
    except ValueError as e:
        return RowError("(line)", f"invalid JSON (truncated line?): {e}", line)


def _table(body: bytes, first: int):
    """``(table, offsets)``: the lines of ``body`` as an Arrow table ``(line, _row)``."""
    import numpy as np
    import pyarrow as pa

    from suara.ingest.lines import row_numbers
    arr = np.frombuffer(body, np.uint8)
    ends = np.flatnonzero(arr == 10) + 1
    if not body.endswith(b"\n"):
        ends = np.append(ends, len(body))
    offsets = np.concatenate([np.zeros(1, np.int64), ends.astype(np.int64)])
    n = len(offsets) - 1
    if n and int(np.diff(offsets).max()) > MAX_LINE_BYTES + 2:
        raise BulkDeclined("a line longer than the line limit")
    off32 = offsets.astype(np.int32) if len(body) < 2**31 else None
    typ, off = (pa.string(), off32) if off32 is not None else (pa.large_string(), offsets)
    lines = pa.Array.from_buffers(typ, n, [None, pa.py_buffer(off), pa.py_buffer(body)])
    try:
        lines.validate(full=True)
    except pa.ArrowInvalid:
        # lines that are not UTF-8 are left empty here (not plain: the row path decodes them)
        good = []
        for i in range(n):
            seg = body[offsets[i]:offsets[i + 1]]
            try:
                seg.decode("utf-8")
            except UnicodeDecodeError:
                seg = b"\n"
            good.append(seg)
        return _table_of(b"".join(good), first, n), offsets
    return pa.table({"line": lines, "_row": row_numbers(first, n)}), offsets


def _table_of(body: bytes, first: int, n: int):
    t, _ = _table(body, first)
    assert t.num_rows == n
    return t


def iter_jsonl_arrow(source: Source) -> Iterator[tuple[int, object, tuple]]:
    r"""Yield ``(first_line, table, (body, offsets))`` for the lines of a JSON Lines file,
    in batches of about ``JSONL_BATCH_BYTES`` (see the module doc).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_bytes(b'{"a": 1}\n\n{"a": 2}')
    >>> [(n, t.to_pydict()) for n, t, _ in iter_jsonl_arrow(Source(p))]   # the last line has no line end
    [(1, {'line': ['{"a": 1}\n', '\n'], '_row': [1, 2]}), (3, {'line': ['{"a": 2}'], '_row': [3]})]
    """
    try:
        f = source.open()
    except OSError as e:
        raise FileError(f"{source.name}: cannot open: {e}") from None
    with f:
        first, rest = 1, b""
        while True:
            chunk = f.read(JSONL_BATCH_BYTES)
            data = rest + chunk if rest else chunk
            if not data:
                return
            if chunk:
                end = data.rfind(b"\n") + 1
                if end == 0:   # no line end yet
                    if len(data) > MAX_LINE_BYTES:
                        raise BulkDeclined("a line longer than the line limit")
                    rest = data
                    continue
            else:
                end = len(data)
            body, rest = data[:end], data[end:]
            table, offsets = _table(body, first)
            yield first, table, (body, offsets)
            first += table.num_rows
            if not chunk:
                return


def bulk_jsonl(source: Source, ctx: ImportContext, imp, query: Callable[[set[str]], str],
               setup: Callable | None = None) -> Iterator[BulkChunk]:
    """Run ``query`` (over the view ``_b(line, _row)``) on each batch of lines of the JSON
    Lines file and yield `BulkChunk` s (`suara.ingest.bulkmap.run_bulk`); lines handed back
    are parsed as the row reader parses them."""
    def records(payload, first: int, back: list[int]) -> dict[int, object]:
        body, offsets = payload
        out = {}
        for r in back:
            i = r - first
            rec = json_record(body[offsets[i]:offsets[i + 1]], r)
            if rec is not None:
                out[r] = rec
        return out

    def setup_all(con):
        json_macros(con)
        if setup:
            setup(con)
    # slices of 256 lines: a batch holds a few thousand long lines, which DuckDB's threads share
    yield from run_bulk(ctx, imp, _prefetch(iter_jsonl_arrow(source)), query, records, setup_all, chunk_rows=256)
