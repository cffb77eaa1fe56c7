"""Streaming line readers shared by the line-oriented formats (NDJSON, JSONL, CSV): one JSON
Lines reader (`iter_json_lines`), one JSON parser (`loads_json`), one CSV reader."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterator

import orjson

from suara.ingest.base import MAX_LINE_BYTES, FileError, RowError, Source, decode_bytes, repair_mojibake


def iter_lines(source: Source, max_line: int = MAX_LINE_BYTES) -> Iterator[tuple[int, str | RowError]]:
    """Yield ``(line_number, text)`` for each non-empty line, 1-based, decoded per line
    (UTF-8, BOM stripped, cp1252/latin-1 fallback). Over-long lines are skipped in
    bounded memory and yielded as RowError so they land in quarantine."""
    try:
        f = source.open()
    except OSError as e:
        raise FileError(f"{source.name}: cannot open: {e}") from None
    with f:
        n = 0
        while True:
            n += 1
            line = f.readline(max_line + 1)
            if not line:
                return
            if len(line) > max_line and not line.endswith(b"\n"):
                # drain the rest of the monster line without keeping it
                while True:
                    chunk = f.readline(1 << 20)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                yield n, RowError("(line)", f"line longer than {max_line:,} bytes")
                continue
            s = decode_bytes(line).strip()
            if s:
                yield n, s


def loads_json(line: bytes | str):
    """Parse one JSON record: orjson (validates UTF-8 itself); lines in latin-1/cp1252 or with
    integers beyond 64 bits fall back to the stdlib after decoding. Raises ValueError.

    >>> loads_json(b'{"id": 7441234567890123456}')["id"]
    7441234567890123456
    """
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        if isinstance(line, (bytes, bytearray)):
            line = decode_bytes(bytes(line))
        try:
            return json.loads(line)
        except RecursionError:  # hostile nesting: orjson stops at depth 1024, the stdlib overflows
            raise ValueError("JSON nested too deeply") from None


def iter_raw_lines(source: Source, max_line: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | RowError]]:
    r"""Like :func:`iter_lines` but yields the undecoded bytes of each non-empty line.

    For JSON Lines parsed by orjson, which validates UTF-8 itself: skipping the per-line
    decode is a large share of the reading cost. A line that is not UTF-8 (latin-1,
    cp1252) is left to the caller's fallback (`decode_bytes`). A leading BOM is removed.

    Example
    -------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_bytes(b'\xef\xbb\xbf{"a": 1}\n\n{"a": 2}\n')
    >>> list(iter_raw_lines(Source(p)))
    [(1, b'{"a": 1}'), (3, b'{"a": 2}')]
    """
    try:
        f = source.open()
    except OSError as e:
        raise FileError(f"{source.name}: cannot open: {e}") from None
    with f:
        n = 0
        readline = f.readline
        limit = max_line + 1
        while True:
            n += 1
            line = readline(limit)
            if not line:
                return
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if len(line) > max_line and not line.endswith(b"\n"):
                while True:
                    chunk = readline(1 << 20)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                yield n, RowError("(line)", f"line longer than {max_line:,} bytes")
                continue
            line = line.strip()
            if line:
                yield n, line


def iter_json_lines(source: Source, max_line: int | None = None) -> Iterator[tuple[int, Any]]:
    r"""Yield ``(line_number, record)`` for each non-empty line of a JSON Lines file; a line
    that is not JSON (a truncated last record, garbage) or too long is yielded as a
    `RowError` keeping the raw line, so it lands in quarantine and the next line is read.
    The one JSON Lines reader of every line-oriented importer.

    Example
    -------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_bytes(b'{"a": 1}\n{"a": \n{"a": 3}\n')
    >>> [(n, r if isinstance(r, dict) else r.field) for n, r in iter_json_lines(Source(p))]
    [(1, {'a': 1}), (2, '(line)'), (3, {'a': 3})]
    """
    lines = iter_raw_lines(source) if max_line is None else iter_raw_lines(source, max_line)
    for n, line in lines:
        if isinstance(line, RowError):
            yield n, line
            continue
        try:
            yield n, loads_json(line)
        except ValueError as e:
            yield n, RowError("(line)", f"invalid JSON (truncated line?): {e}", line)


def csv_delimiter(head: bytes) -> str:
    r"""The delimiter of a CSV from its first bytes (``,`` ``;`` tab or ``|``).

    Only the delimiter is taken from the sniffer: from a header line alone it guesses
    doublequote=False, which splits every text cell holding a "" quote.

    >>> csv_delimiter(b"a;b;c\n1;2;3\n"), csv_delimiter(b"")
    (';', ',')
    """
    peek = decode_bytes(head[:16384])
    try:
        return csv.Sniffer().sniff(peek.split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


#: Bytes per Arrow batch of the bulk CSV reader (bounded memory for files larger than RAM).
#: 64 MB holds more than one DuckDB row group (122,880 rows) of a typical export, so a batch's
#: insert is written straight to the database file instead of being merged again at commit
#: (16 MB batches made the commit of a 340,000-row file cost as much as its inserts).
ARROW_BLOCK_BYTES = 64 * 1024**2
#: Bytes Arrow's CSV reader parses at a time; a batch of ``ARROW_BLOCK_BYTES`` holds its
#: blocks as chunks. Arrow parses small blocks at about half the CPU cost of 64 MB ones
#: (their buffers stay in the CPU caches and are not allocated afresh for every block).
ARROW_PARSE_BYTES = 8 * 1024**2


def row_numbers(first: int, n: int):
    """``first .. first+n-1`` as an Arrow int64 array, built from a NumPy buffer (``pa.array``
    would load pandas, a second of start-up for nothing).

    >>> row_numbers(5, 3).to_pylist()
    [5, 6, 7]
    """
    import numpy as np
    return int64_array(np.arange(first, first + n, dtype=np.int64))


def int64_array(values):
    """Whole numbers (Python integers or a NumPy array) as an Arrow int64 array, through a
    NumPy buffer: ``pa.array`` would load pandas.

    >>> int64_array([3, 1]).to_pylist()
    [3, 1]
    """
    import numpy as np
    import pyarrow as pa
    a = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(a), [None, pa.py_buffer(a)])


def iter_csv_arrow(source: Source, delimiter: str | None = None) -> Iterator[tuple[int, "pa.Table"]]:
    r"""Yield ``(first_row_number, batch)``: the CSV as Arrow tables of strings, with the same
    row numbers as :func:`iter_csv` (data rows from 1) and the same header names.

    Streams in batches of about ``ARROW_BLOCK_BYTES`` (parsed in blocks of
    ``ARROW_PARSE_BYTES``, which a batch holds as its chunks: joining them into one record
    batch would copy every string once more, into fresh memory the kernel must clear).
    Raises :class:`BulkDeclined` for anything the row reader treats specially — not UTF-8,
    a blank or ragged line, duplicate column names — so that such files take the exact row
    path. ``delimiter``: the one the row reader of the format uses (default: sniffed, as
    `iter_csv` does).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text('id,text\n1,"a\nb"\n2,c\n')
    >>> [(n, b.to_pydict()) for n, b in iter_csv_arrow(Source(p))]
    [(1, {'id': ['1', '2'], 'text': ['a\nb', 'c']})]
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from suara.ingest.base import BulkDeclined
    try:
        raw = source.open()
    except OSError as e:
        raise FileError(f"{source.name}: cannot open: {e}") from None
    with raw:
        head = raw.peek(65536)[:65536] if hasattr(raw, "peek") else b""
        try:
            first = decode_bytes(head).split("\n", 1)[0]
        except Exception:  # noqa: BLE001 - any doubt: the row path decides
            raise BulkDeclined("unreadable header") from None
        delim = delimiter or csv_delimiter(head)
        names = [h.strip().lstrip("\ufeff") for h in next(csv.reader([first], delimiter=delim), [])]
        if not names or len(set(names)) != len(names):
            raise BulkDeclined("duplicate or missing column names")
        try:
            reader = pacsv.open_csv(
                raw,
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                               block_size=ARROW_PARSE_BYTES),
                parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
            n, held, size = 1, [], 0
            for block in reader:
                held.append(block)
                size += block.nbytes
                if size >= ARROW_BLOCK_BYTES:
                    batch = pa.Table.from_batches(held)
                    yield n, batch
                    n, held, size = n + batch.num_rows, [], 0
            if held:
                yield n, pa.Table.from_batches(held)
        except (pa.ArrowInvalid, pa.ArrowException, UnicodeDecodeError) as e:
            raise BulkDeclined(f"CSV not taken in bulk: {str(e)[:120]}") from None


def iter_csv(source: Source, stitch: bool = False, **fmt) -> Iterator[tuple[int, dict | RowError]]:
    r"""Yield ``(row_number, row_dict)`` from a CSV with a header; multi-line quoted fields
    are supported; row numbers count data rows from 1 (the header is row 0).
    Handles BOM and latin-1 input. Rows with more cells than the header are RowErrors.

    ``stitch=True`` repairs records split by an unquoted line break inside a text cell (a
    common scraper bug): a short row is joined with the following row(s) when together they
    make exactly one record; short rows that cannot be completed become RowErrors.

    Example
    -------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id,text,n\n1,ab\ncd,3\n")
    >>> list(iter_csv(Source(p), stitch=True))
    [(1, {'id': '1', 'text': 'ab\ncd', 'n': '3'})]
    """
    try:
        raw = source.open()
    except OSError as e:
        raise FileError(f"{source.name}: cannot open: {e}") from None
    head = raw.peek(65536)[:65536] if hasattr(raw, "peek") else b""
    enc = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 3:
            enc = "cp1252"
    text = io.TextIOWrapper(raw, encoding=enc, errors="replace", newline="")
    csv.field_size_limit(MAX_LINE_BYTES)
    with text:
        sample = text.read(0) or ""
        dialect = fmt.pop("dialect", None)
        if dialect is None:
            class dialect(csv.excel):
                delimiter = csv_delimiter(head)
        reader = csv.reader(text, dialect=dialect, **fmt)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise FileError(f"{source.name}: unreadable CSV header: {e}") from None
        header = [h.strip().lstrip("\ufeff") for h in header]
        width = len(header)
        held: tuple[int, list] | None = None   # a short row waiting for its continuation
        n = 0
        while True:
            n += 1
            try:
                row = next(reader)
            except StopIteration:
                if held:
                    yield held[0], RowError("(row)", f"{len(held[1])} cells but the header has {width} "
                                                     "(record cut short)")
                return
            except csv.Error as e:
                yield n, RowError("(row)", f"malformed CSV: {e}")
                continue
            if not row or all(not c for c in row):
                continue
            if stitch and held is not None:
                merged = held[1][:-1] + [held[1][-1] + "\n" + row[0]] + row[1:]
                if len(merged) <= width:
                    if len(merged) == width:
                        yield held[0], dict(zip(header, [repair_mojibake(c) for c in merged]))
                        held = None
                    else:
                        held = (held[0], merged)
                    continue
                yield held[0], RowError("(row)", f"{len(held[1])} cells but the header has {width} "
                                                 "(record cut short)")
                held = None
            if len(row) > width:
                yield n, RowError("(row)", f"{len(row)} cells but the header has {width}")
                continue
            if stitch and len(row) < width:
                held = (n, row)
                continue
            yield n, dict(zip(header, [repair_mojibake(c) for c in row]))


#: An XLSX workbook is a zip that must be opened whole (openpyxl seeks): bigger ones are refused.
MAX_XLSX_BYTES = 512 * 1024**2


def _xlsx_errors() -> tuple:
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError
    # RuntimeError: zipfile's answer to a member flagged as encrypted (password required)
    return (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError, TypeError,
            IndexError, AttributeError, ParseError, NotImplementedError, RuntimeError)


def _xlsx_rows(source: Source):
    import openpyxl
    bad = _xlsx_errors()
    try:
        if source.member is None and not source.path.name.lower().endswith((".gz", ".xz", ".bz2")):
            if source.path.stat().st_size > MAX_XLSX_BYTES:
                raise FileError(f"{source.name}: workbook larger than {MAX_XLSX_BYTES:,} bytes")
            wb = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
        else:
            with source.open() as f:
                data = f.read(MAX_XLSX_BYTES + 1)
            if len(data) > MAX_XLSX_BYTES:
                raise FileError(f"{source.name}: workbook larger than {MAX_XLSX_BYTES:,} bytes")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileError:
        raise
    except bad as e:
        raise FileError(f"{source.name}: not a readable XLSX workbook: {type(e).__name__}: {e}") from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            return
        yield from ws.iter_rows(values_only=True)
    except bad as e:   # a damaged part inside the archive shows only while reading it
        raise FileError(f"{source.name}: damaged XLSX workbook: {type(e).__name__}: {e}") from None
    finally:
        wb.close()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def iter_xlsx(source: Source) -> Iterator[tuple[int, dict | RowError]]:
    """Yield ``(row_number, row_dict)`` from the first sheet of an XLSX workbook with a header
    row, like :func:`iter_csv`: cells as strings (dates as ISO text, whole numbers without
    ``.0``), data rows numbered from 1, rows wider than the header as RowErrors.

    Example
    -------
    >>> import pathlib, tempfile, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> wb = openpyxl.Workbook(); wb.active.append(["id", "likes"]); wb.active.append(["7", 12.0]); wb.save(p)
    >>> list(iter_xlsx(Source(p)))
    [(1, {'id': '7', 'likes': '12'})]
    """
    rows = _xlsx_rows(source)
    header = None
    n = 0
    for vals in rows:
        if header is None:
            header = [_cell(v).strip().lstrip("\ufeff") for v in vals]
            while header and not header[-1]:
                header.pop()
            continue
        n += 1
        cells = [_cell(v) for v in vals]
        while len(cells) > len(header) and not cells[-1]:
            cells.pop()
        if not any(cells):
            continue
        if len(cells) > len(header):
            yield n, RowError("(row)", f"{len(cells)} cells but the header has {len(header)}")
            continue
        yield n, dict(zip(header, cells + [""] * (len(header) - len(cells))))


def xlsx_text_head(source: Source, rows: int = 20) -> str:
    """The first rows of a workbook as CSV text, so formats can recognise it by its header."""
    out = io.StringIO()
    w = csv.writer(out)
    for i, vals in enumerate(_xlsx_rows(source)):
        if i >= rows:
            break
        w.writerow([_cell(v) for v in vals])
    return out.getvalue()
