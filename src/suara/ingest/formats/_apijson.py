"""Shared reading for API-response and dataset JSON files (CrowdTangle API, Graph API, TikTok
Research API, Instaloader, Apify, YouTube).

These formats arrive in three physical shapes, often for the same logical content:

* one JSON document per file (an API page: ``{"data": [...], "paging": ...}``);
* a top-level JSON array (an Apify dataset export), possibly gigabytes long, streamed
  element by element with ijson so memory stays bounded;
* JSON Lines (one document per line: API pages appended by a harvester, or dataset rows).

:func:`iter_documents` hides the difference; :func:`iter_records` then lets a format split
each document into records. Row numbers count records from 1 across the whole file, so a
quarantined record can be found again.

Example
-------
>>> import json, tempfile, pathlib
>>> from suara.ingest.base import Source
>>> p = pathlib.Path(tempfile.mkdtemp()) / "page.json"
>>> _ = p.write_text(json.dumps({"data": [{"id": 1}, {"id": 2}]}))
>>> [r for r in iter_records(Source(p), lambda d: d["data"])]
[(1, {'id': 1}), (2, {'id': 2})]
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator


from suara.ingest.base import FileError, RowError, Source
from suara.ingest.lines import iter_json_lines, iter_lines, loads_json

__all__ = ["iter_documents", "iter_records", "head_keys", "loads", "foreign_envelope",
           "MAX_DOCUMENT_BYTES"]

#: A single (non-array, non-JSONL) JSON document is parsed whole; API pages are small, so a
#: bigger one is refused instead of exhausting memory.
MAX_DOCUMENT_BYTES = 512 * 1024**2

_KEY = re.compile(r'"([A-Za-z_@][\w.@-]{0,60})"\s*:')


def head_keys(head: str) -> set[str]:
    """JSON object keys visible in the first bytes of a file (for ``sniff``).

    >>> sorted(head_keys('{"data": {"videos": [{"video_id": 1}]}}'))
    ['data', 'video_id', 'videos']
    """
    return set(_KEY.findall(head))


#: Keys of wrappers that other importers own: Zeeschuimer/4CAT envelopes carry raw platform
#: objects (which look like API objects inside), twarc2 pages carry X objects.
_FOREIGN = {"nav_index", "source_platform", "timestamp_collected", "__twarc", "4CAT"}


def foreign_envelope(keys: set[str]) -> bool:
    """True when a file's first keys show another tool's envelope (Zeeschuimer, 4CAT, twarc).

    >>> foreign_envelope({"nav_index", "data"}), foreign_envelope({"data", "paging"})
    (True, False)
    """
    return bool(keys & _FOREIGN)


#: the one JSON parser of the importers (big integers kept exact)
loads = loads_json


def _first_char(source: Source) -> str:
    head = source.text_head(4096).lstrip("\ufeff \t\r\n")
    return head[:1]


def iter_documents(source: Source) -> Iterator[tuple[int, Any]]:
    """Yield ``(n, document)`` for each JSON document in ``source`` (see module doc).

    A document that cannot be parsed is yielded as ``(n, RowError)``; the stream goes on
    with the next line where the physical shape allows it.
    """
    first = _first_char(source)
    if first == "[":
        yield from _iter_array(source)
        return
    if _line_mode(source):
        yield from iter_json_lines(source)
        return
    with source.open() as f:
        data = f.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FileError(f"{source.name}: single JSON document larger than "
                        f"{MAX_DOCUMENT_BYTES:,} bytes; export it as JSON Lines or an array")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        yield 1, loads(data)
    except ValueError as e:
        yield 1, RowError("(document)", f"invalid JSON (truncated or corrupt file?): {e}")


def _line_mode(source: Source, probe: int = 2) -> bool:
    """JSON Lines or one (pretty-printed) document? JSON Lines when the first line is a whole
    document, or when it is damaged but the next line is one (a JSONL file with a truncated
    first record must not lose its good lines)."""
    lines = iter_lines(source)
    try:
        seen = 0
        for _, line in lines:
            seen += 1
            if isinstance(line, str) and line[:1] in "{[":
                try:
                    loads(line)
                    return True
                except ValueError:
                    pass
            if seen == 1 and not (isinstance(line, str) and line.startswith("{") and len(line) > 1):
                return False  # "{" alone, or not an object: a pretty-printed document
            if seen >= probe:
                return False
        return False
    finally:
        lines.close()


#: Real exports nest a few dozen levels; ijson's item builder costs O(depth^2) (a 400 KB
#: file of nested brackets takes minutes), so a streamed array deeper than this is refused.
MAX_NESTING = 512


class NestingTooDeep(ValueError):
    """A JSON value nests deeper than `MAX_NESTING` levels."""


def _bracket_table():
    import numpy as np
    t = np.zeros(256, dtype=np.int32)
    t[ord("[")] = t[ord("{")] = 1
    t[ord("]")] = t[ord("}")] = -1
    return t


_BRACKET = _bracket_table()


class _DepthGuard:
    """File wrapper that tracks JSON nesting depth of the bytes handed to the parser.

    Vectorised with numpy over each buffer (escape pairs removed first, then string spans
    from the parity of the quotes), so it costs a few passes over memory, not a Python loop
    per byte. Raises `NestingTooDeep` from ``read`` when the depth exceeds ``limit``.

    >>> import io
    >>> _DepthGuard(io.BytesIO(b'[{"a": "]]]["}]'), 3).read(100)
    b'[{"a": "]]]["}]'
    >>> try:
    ...     _DepthGuard(io.BytesIO(b"[[[[[1]]]]]"), 3).read(100)
    ... except NestingTooDeep as e:
    ...     print(e)
    JSON nested deeper than 3 levels
    """

    def __init__(self, f, limit: int = MAX_NESTING):
        self._f, self._limit = f, limit
        self._depth, self._in_str, self._carry = 0, False, b""

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self._scan(data)
        return data

    def readinto(self, b) -> int:  # pragma: no cover - ijson uses read()
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def _scan(self, data: bytes) -> None:
        import numpy as np
        buf = self._carry + data
        # an escape pair never delimits a string; a lone backslash at the end waits for its pair
        buf = buf.replace(b"\\\\", b"__").replace(b'\\"', b"__")
        if buf.endswith(b"\\"):
            buf, self._carry = buf[:-1], b"\\"
        else:
            self._carry = b""
        if not buf:
            return
        a = np.frombuffer(buf, dtype=np.uint8)
        quotes = np.cumsum(a == 34, dtype=np.int32)
        d = _BRACKET[a]
        d[((quotes + int(self._in_str)) & 1).astype(bool)] = 0   # brackets inside strings
        depth = np.cumsum(d, dtype=np.int32)
        depth += self._depth
        if depth.size and int(depth.max()) > self._limit:
            raise NestingTooDeep(f"JSON nested deeper than {self._limit} levels")
        self._depth = int(depth[-1]) if depth.size else self._depth
        self._in_str = bool((int(quotes[-1]) + int(self._in_str)) % 2)


def _iter_array(source: Source) -> Iterator[tuple[int, Any]]:
    # ijson streams a top-level array in bounded memory (Apify datasets reach gigabytes);
    # orjson/json would need the whole file in memory first.
    import ijson

    n = 0
    backend = ijson
    while True:
        with source.open() as f:
            it = backend.items(_DepthGuard(f), "item", use_float=True)
            skip, restart = n, False
            while True:
                try:
                    doc = next(it)
                except StopIteration:
                    return
                except NestingTooDeep as e:
                    yield n + 1, RowError("(document)", f"{e} after element {n}; refusing the rest")
                    return
                except ijson.JSONError as e:
                    if "overflow" in str(e) and backend is ijson:
                        # the C parser stops at integers beyond 64 bits; the pure-Python one
                        # keeps them exact: continue with it after the elements already read
                        from ijson.backends import python as backend
                        restart = True
                        break
                    yield n + 1, RowError("(document)", f"invalid JSON after element {n}: {e}")
                    return
                except UnicodeDecodeError as e:
                    yield n + 1, RowError("(document)", f"not UTF-8 text after element {n}: {e}")
                    return
                except (ValueError, RecursionError) as e:  # the pure-Python backend's errors
                    yield n + 1, RowError("(document)", f"invalid JSON after element {n}: "
                                                        f"{type(e).__name__}: {e}")
                    return
                if skip:
                    skip -= 1
                    continue
                n += 1
                yield n, doc
        if not restart:
            return


def iter_records(source: Source, split: Callable[[Any], Iterable[Any]]) -> Iterator[tuple[int, Any]]:
    """Yield ``(row, record)`` for every record of every document; ``split(document)``
    returns the records of one document (it may raise RowError for a malformed page)."""
    row = 0
    for _, doc in iter_documents(source):
        if isinstance(doc, RowError):
            row += 1
            yield row, doc
            continue
        try:
            recs = list(split(doc))
        except RowError as e:
            row += 1
            yield row, e
            continue
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
            # a page whose envelope has the wrong shape ("items": 1e308) is one bad row
            row += 1
            yield row, RowError("(document)", f"unexpected page structure: {type(e).__name__}: {e}")
            continue
        for r in recs:
            row += 1
            yield row, r
