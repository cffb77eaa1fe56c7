"""Spreadsheet downloads of JSON datasets: Apify's CSV/XLSX and the Meta Content Library CSV.

Both tools flatten nested JSON into column names: Apify with slashes (``authorMeta/name``,
``hashtags/0/name``, ``latestComments/0/text``), the Content Library with dots
(``post_owner.id``, ``statistics.reaction_count``). Each row is rebuilt into the nested
record the JSON importers read (numeric parts become list positions; ``true``/``false``
become booleans; cells holding JSON arrays or objects are parsed), then mapped by
`suara.ingest.formats.apify` or `suara.ingest.formats.meta`, so a CSV, an XLSX and a JSON
download of the same dataset import to the same rows.

Anything else in a spreadsheet goes through the generic format with a mapping file.

Example
-------
>>> unflatten({"authorMeta/name": "warga", "hashtags/0/name": "kaltim", "isAd": "false"}, "/")
{'authorMeta': {'name': 'warga'}, 'hashtags': [{'name': 'kaltim'}], 'isAd': False}
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterator

from suara.ingest.base import ImportContext, Importer, RowError, Source
from suara.ingest.formats._apijson import loads
from suara.ingest.formats.apify import ApifyDataset
from suara.ingest.formats.meta import MetaGraphJSON
from suara.ingest.lines import iter_csv, iter_xlsx

__all__ = ["unflatten", "ApifyTable", "ContentLibraryCSV"]

#: header columns that only an Apify dataset download has (one is enough with a slash column)
_APIFY_KEYS = {"ownerUsername", "shortCode", "webVideoUrl", "authorMeta/name", "authorMeta/id",
               "facebookUrl", "twitterUrl", "author/userName", "channelName", "videoWebUrl",
               "likesCount", "diggCount", "playCount", "inputUrl"}
_MCL_KEYS = {"post_owner.id", "post_owner.name", "statistics.reaction_count", "statistics.like_count",
             "statistics.comment_count", "post_owner.type"}


#: free-text fields: a cell like "[1]" or "{halo}" there is text, never JSON
_TEXT_KEYS = {"text", "caption", "comment", "title", "fullText", "message", "description", "name"}


def _value(v: Any, key: str = "") -> Any:
    if not isinstance(v, str):
        return v
    s = v.strip()
    if s == "":
        return None
    if s in ("true", "TRUE", "True"):
        return True
    if s in ("false", "FALSE", "False"):
        return False
    if s[:1] == "-" and s[1:].isascii() and s[1:].isdigit():   # ASCII: int() refuses "³"
        return int(s)          # Apify's -1 = hidden count (JSON has it as a number)
    if s[:1] in "[{" and s[-1:] in "]}" and key.rsplit("/", 1)[-1].rsplit(".", 1)[-1] not in _TEXT_KEYS:
        try:
            return loads(s)
        except ValueError:
            return v
    return v


def unflatten(row: dict, sep: str) -> dict:
    """Nested record from a flattened row (``a/0/b`` -> ``{"a": [{"b": ...}]}``); empty cells
    are left out."""
    out: dict = {}
    for key, raw in row.items():
        v = _value(raw, key)
        if v is None or not key:
            continue
        parts = key.split(sep)
        cur: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_list = not last and parts[i + 1].isascii() and parts[i + 1].isdigit()
            if isinstance(cur, list):
                idx = int(part) if part.isascii() and part.isdigit() else None
                if idx is None or idx > 10_000:
                    break
                while len(cur) <= idx:
                    cur.append(None)
                if last:
                    cur[idx] = v
                else:
                    if not isinstance(cur[idx], (dict, list)):
                        cur[idx] = [] if nxt_list else {}
                    cur = cur[idx]
            else:
                if last:
                    cur[part] = v
                else:
                    if not isinstance(cur.get(part), (dict, list)):
                        cur[part] = [] if nxt_list else {}
                    cur = cur[part]
    return _compact(out)


def _compact(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _compact(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_compact(x) for x in v if x is not None]
    return v


def _header(head: str) -> set[str]:
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    try:
        delim = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    try:
        return {h.strip() for h in next(csv.reader(io.StringIO(first), delimiter=delim))}
    except (StopIteration, csv.Error):
        return set()


def _rows(source: Source) -> Iterator[tuple[int, Any]]:
    if source.inner_name.lower().endswith(".xlsx"):
        return iter_xlsx(source)
    return iter_csv(source)


class ApifyTable(Importer):
    """An Apify dataset downloaded as CSV or XLSX (slash-flattened columns)."""

    name = "apify-table"
    title = "Apify dataset as CSV or XLSX (Instagram, TikTok, Facebook, X, YouTube, Threads)"
    platforms = ApifyDataset.platforms
    extensions = (".csv", ".xlsx")

    def sniff(self, head: str, source: Source) -> float:
        if head.lstrip()[:1] in "[{":
            return 0.0
        cols = _header(head)
        if len(cols & _APIFY_KEYS) >= 1 and any("/" in c for c in cols):
            return 0.88
        if len(cols & _APIFY_KEYS) >= 2:
            return 0.8
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        for n, row in _rows(source):
            yield n, row if isinstance(row, RowError) else unflatten(row, "/")

    def map(self, raw: Any, ctx: ImportContext):
        if isinstance(raw, RowError):
            raise raw
        return ApifyDataset().map(raw, ctx)


class ContentLibraryCSV(Importer):
    """A Meta Content Library search downloaded as CSV (dot-flattened columns)."""

    name = "content-library-csv"
    title = "Meta Content Library CSV download (Facebook, Instagram)"
    platforms = ("facebook", "instagram")
    extensions = (".csv", ".xlsx")

    def sniff(self, head: str, source: Source) -> float:
        cols = _header(head)
        if "creation_time" in cols and cols & _MCL_KEYS:
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        for n, row in _rows(source):
            yield n, row if isinstance(row, RowError) else unflatten(row, ".")

    def map(self, raw: Any, ctx: ImportContext):
        if isinstance(raw, RowError):
            raise raw
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a row")
        return MetaGraphJSON()._mcl(raw, ctx)


IMPORTERS = [ApifyTable, ContentLibraryCSV]
