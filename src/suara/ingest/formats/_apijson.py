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

import json
import re
from typing import Any, Callable, Iterable, Iterator

import orjson

from suara.ingest.base import FileError, RowError, Source, decode_bytes
from suara.ingest.lines import iter_lines

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


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping big integers exact (orjson; falls back to the stdlib for integers
    beyond 64 bits, which orjson rejects). Never goes through float for integers.

    >>> loads('{"id": 702874395068494965}')["id"]
    702874395068494965
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        if isinstance(text, bytes):
            text = decode_bytes(text)
        return json.loads(text)  # raises json.JSONDecodeError (a ValueError) for garbage


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
        for n, line in iter_lines(source):
            if isinstance(line, RowError):
                yield n, line
                continue
            try:
                yield n, loads(line)
            except ValueError as e:
                yield n, RowError("(line)", f"invalid JSON: {e}")
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


def _iter_array(source: Source) -> Iterator[tuple[int, Any]]:
    # ijson streams a top-level array in bounded memory (Apify datasets reach gigabytes);
    # orjson/json would need the whole file in memory first.
    import ijson

    n = 0
    backend = ijson
    while True:
        with source.open() as f:
            it = backend.items(f, "item", use_float=True)
            skip, restart = n, False
            while True:
                try:
                    doc = next(it)
                except StopIteration:
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
        for r in recs:
            row += 1
            yield row, r
