"""The importer contract: every source format = ``sniff`` + ``read`` raw records + ``map`` one.

An importer never touches the store. ``read`` yields ``(row_number, raw_record)`` from a
:class:`Source` (a file, possibly compressed, read as a stream); ``map`` turns one raw record
into canonical :class:`Item` s (a post and/or an account) or raises :class:`RowError` naming
the field at fault. The pipeline (`suara.ingest.pipeline`) does batching, quarantine,
idempotent upserts and transactions for all formats alike.

Example
-------
>>> from suara.ingest.base import parse_time, extract_hashtags
>>> parse_time("2024-11-27T08:00:00+08:00")
datetime.datetime(2024, 11, 27, 0, 0)
>>> extract_hashtags("Ayo #Gratispol dan #KaltimBerdaulat!")
['gratispol', 'kaltimberdaulat']
"""
from __future__ import annotations

import bz2
import codecs
import datetime as dt
import functools
import gzip
import io
import lzma
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, ClassVar, Iterable, Iterator
from zoneinfo import ZoneInfo

__all__ = [
    "Item", "RowError", "FileError", "Source", "Importer", "ImportContext", "BulkChunk", "BulkDeclined",
    "parse_time", "to_int", "to_bool", "extract_hashtags", "extract_mentions", "extract_links",
    "fill_entities", "repair_mojibake", "decode_bytes",
    "MAX_DECOMPRESSED_BYTES", "MAX_LINE_BYTES", "MAX_COMPRESSION_RATIO", "RATIO_MIN_BYTES",
]

#: Cap on bytes read out of one compressed member: a zip/gzip bomb stops here.
MAX_DECOMPRESSED_BYTES = 8 * 1024**3
#: ... and sooner: once more than ``RATIO_MIN_BYTES`` came out, at most this many bytes per
#: compressed byte read (exports compress 5-20x; a bomb's ratio is ~1,000x for gzip and zip,
#: far more for xz and bz2), so a bomb stops after a few seconds, not 8 GiB.
MAX_COMPRESSION_RATIO = 200
RATIO_MIN_BYTES = 64 * 1024**2
#: Cap on a single line / record; longer ones are quarantined, not loaded into memory whole.
MAX_LINE_BYTES = 64 * 1024**2


class RowError(ValueError):
    """One raw record cannot be mapped; ``field`` names the culprit."""

    def __init__(self, field: str, reason: str, raw: Any = None):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.raw = raw   # the unparsed input (a bad line), kept in quarantine


class FileError(ValueError):
    """A whole file cannot be read (not a supported format, corrupt archive, bomb ...)."""


class BulkDeclined(Exception):
    """An importer's bulk path cannot read this file exactly (a malformed line, an encoding
    it does not take, an unexpected layout): the pipeline rolls back and imports the file
    through the row-level ``read``/``map`` path instead, which quarantines row by row."""


@dataclass
class BulkChunk:
    """One batch of a bulk import: canonical rows already mapped, plus the raw records the
    vectorised mapping could not vouch for (``(row_number, raw_record)``), which go through
    ``map`` one by one so each bad row is quarantined with its field and reason.

    ``posts`` has the columns of `suara.store.schema.TABLES['posts']`` (any order, missing
    ones are NULL); ``accounts`` those of ``accounts`` with ``first_seen``/``last_seen``.
    Both are Arrow tables, or, when the bulk path ran on the store's connection
    (``ImportContext.con``), the names of temporary relations there, valid until the next
    chunk is asked for.
    """

    posts: Any
    accounts: Any
    fallback: list
    rows: int


@dataclass(slots=True)
class Item:
    """One canonical record from a raw one: a post (with its author) or an account alone.

    ``post`` and ``account`` are dicts keyed by canonical column names
    (`suara.store.schema.TABLES`); missing keys mean NULL. ``observed_at`` is when the
    metrics were collected, if the format says so (else the import time is used).
    """

    post: dict | None = None
    account: dict | None = None
    observed_at: dt.datetime | None = None


@dataclass
class ImportContext:
    """Per-file settings handed to ``read``/``map``."""

    file: str
    timezone: str | None = None          # zone of naive local timestamps (e.g. Asia/Makassar)
    mapping: dict | None = None          # column mapping for the generic format
    platform: str | None = None          # platform hint when a format cannot tell
    options: dict = field(default_factory=dict)
    #: the store's DuckDB connection while a bulk path runs (its batches are mapped and
    #: staged there, so rows never leave DuckDB); None elsewhere
    con: Any = field(default=None, repr=False, compare=False)


class _CappedReader(io.RawIOBase):
    """Wraps a decompressing stream and fails once more than ``cap`` bytes come out, or once
    more than ``RATIO_MIN_BYTES`` came out at over ``MAX_COMPRESSION_RATIO`` times the
    compressed bytes read so far (``compressed()``)."""

    def __init__(self, raw: BinaryIO, cap: int, name: str, compressed=None):
        self._raw, self._cap, self._n, self._name = raw, cap, 0, name
        self._compressed = compressed
        self._ratio, self._floor = MAX_COMPRESSION_RATIO, RATIO_MIN_BYTES

    def readable(self):
        return True

    def readinto(self, b):
        data = self._raw.read(len(b))
        self._n += len(data)
        if self._n > self._cap:
            raise FileError(f"{self._name}: decompressed size exceeds {self._cap:,} bytes "
                            "(possible decompression bomb); refusing to read further")
        if self._compressed is not None and self._n > self._floor:
            packed = max(1, self._compressed())
            if self._n > self._ratio * packed:
                raise FileError(f"{self._name}: {self._n:,} bytes inflated from {packed:,} compressed bytes, "
                                f"more than {self._ratio}:1 (possible decompression bomb); refusing to read further")
        b[: len(data)] = data
        return len(data)

    def close(self):
        with _suppress():
            self._raw.close()
        super().close()


class _Owning:
    """A decompressing file that also closes the compressed file it reads from."""

    def __init__(self, raw, packed):
        self._raw, self._packed = raw, packed

    def read(self, n: int = -1) -> bytes:
        return self._raw.read(n)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            self._packed.close()


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


@dataclass
class Source:
    """A readable input: a plain or compressed file, or one member of a zip archive.

    ``name`` is what messages show (``archive.zip!inner.json``). ``open()`` returns a fresh
    binary stream each time, decompressing on the fly with a size cap.
    """

    path: Path
    member: str | None = None
    cap: int | None = None   # None: the module's MAX_DECOMPRESSED_BYTES at open time
    #: found in a folder or archive among other files (a .txt that may or may not be a chat
    #: export): when no format recognises it, it is skipped with a line, not an error
    optional: bool = False

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def inner_name(self) -> str:
        """File name without compression suffix (used for extension hints)."""
        n = self.member or self.path.name
        for suf in (".gz", ".xz", ".bz2"):
            if n.endswith(suf):
                return n[: -len(suf)]
        return n

    def open(self) -> BinaryIO:
        p = self.path
        cap = self.cap or MAX_DECOMPRESSED_BYTES
        if self.member is not None:
            zf = zipfile.ZipFile(p)
            info = zf.getinfo(self.member)
            raw: BinaryIO = zf.open(info)
            size = info.compress_size  # the whole member's: at least what was read so far
            stream = io.BufferedReader(_CappedReader(raw, cap, self.name, lambda: size), 1 << 20)
        else:
            n = p.name.lower()
            if not n.endswith((".gz", ".xz", ".bz2")):
                return open(p, "rb")
            packed = open(p, "rb")
            try:
                if n.endswith(".gz"):
                    raw = gzip.GzipFile(fileobj=packed, mode="rb")
                elif n.endswith(".xz"):
                    raw = lzma.LZMAFile(packed, "rb")
                else:
                    raw = bz2.BZ2File(packed, "rb")
            except BaseException:
                packed.close()
                raise
            raw = _Owning(raw, packed)
            stream = io.BufferedReader(_CappedReader(raw, cap, self.name, packed.tell), 1 << 20)
        # compressed names: strip the compression suffix for nested handling
        return stream

    def head(self, n: int = 65536) -> bytes:
        """The first ``n`` bytes (decompressed) for format detection."""
        try:
            with self.open() as f:
                return f.read(n)
        except FileError:
            raise
        except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as e:
            raise FileError(f"{self.name}: cannot read: {e}") from None

    def text_head(self, n: int = 65536) -> str:
        return decode_bytes(self.head(n))


def decode_bytes(b: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), falling back to cp1252/latin-1."""
    if b.startswith(b"\xef\xbb\xbf"):
        b = b[3:]
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as e:
        # a multi-byte character cut at the end of a sample is not an encoding problem
        if e.start >= len(b) - 3:
            return b[: e.start].decode("utf-8", errors="replace")
        try:
            return b.decode("cp1252")
        except UnicodeDecodeError:
            return b.decode("latin-1")


_MOJIBAKE_MARKS = ("\u00c3", "\u00e2\u20ac", "\u00c2", "\u00f0\u0178")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as cp1252/latin-1 and saved again (an Excel round
    trip): ``"cafÃ©"`` -> ``"café"``. Only when the whole string re-decodes as valid UTF-8,
    so genuine accented text is never touched.

    >>> repair_mojibake("Caf\u00c3\u00a9 \u00e2\u20ac\u0153Debat\u00e2\u20ac\u009d"), repair_mojibake("N\u00c3O")
    ('Café “Debat”', 'NÃO')
    """
    if not text or not any(m in text for m in _MOJIBAKE_MARKS):
        return text
    for enc in ("cp1252", "latin-1"):
        try:
            return text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    # cp1252 has no byte for 0x81/0x8d/0x8f/0x90/0x9d: mixed encodings, one byte per char
    # (latin-1 below 256, else cp1252), by the codec with an error handler (a per-char loop
    # in Python cost a second per 30,000 cells of genuine accented text)
    try:
        return text.encode("latin-1", "suara.cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError, ValueError):
        return text


def _cp1252_bytes(e: UnicodeEncodeError) -> tuple[bytes, int]:
    """Codec error handler: the characters latin-1 cannot encode, as cp1252 bytes (raises
    UnicodeEncodeError for those cp1252 cannot encode either)."""
    return e.object[e.start:e.end].encode("cp1252"), e.end


codecs.register_error("suara.cp1252", _cp1252_bytes)


class Importer:
    """Base class of a source format. Subclasses set the class attributes and override
    ``sniff``, ``read`` and ``map``.

    Attributes
    ----------
    name : str          stable id used by ``--format`` (e.g. ``"zeeschuimer"``)
    title : str         human title
    platforms : tuple   platforms this format can carry
    extensions : tuple  file extensions it is usually found in (a hint, never decisive)
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: True when ``read`` yields each non-empty line parsed as one JSON record (row = line
    #: number): the pipeline may then parse large plain files in parallel, by byte ranges.
    json_lines: ClassVar[bool] = False
    platforms: ClassVar[tuple[str, ...]] = ()
    extensions: ClassVar[tuple[str, ...]] = ()

    def sniff(self, head: str, source: Source) -> float:
        """Confidence 0..1 that ``source`` is in this format, from its first bytes."""
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        """Yield ``(row_number, raw_record)``; a record that cannot even be parsed is yielded
        as ``(row_number, RowError(...))`` so the pipeline quarantines it and goes on."""
        raise NotImplementedError

    def map(self, raw: Any, ctx: ImportContext) -> Iterable[Item]:
        """Map one raw record to canonical items; raise :class:`RowError` when it cannot."""
        raise NotImplementedError

    #: Optional vectorised path for large files: ``bulk(source, ctx, fmt)`` yields
    #: :class:`BulkChunk` s (Arrow columns mapped in bulk, odd rows handed back for ``map``)
    #: or raises :class:`BulkDeclined`. Its result must equal the row path's exactly.
    bulk: ClassVar[Callable | None] = None


# ---------------------------------------------------------------------------------------
# Shared value parsers: every importer uses these, so timestamps and counts mean the same.
# ---------------------------------------------------------------------------------------
_UTC = dt.timezone.utc
_EPOCH_MS = 10**11  # values above this are milliseconds (year 5138 in seconds)


def parse_time(value: Any, tz: str | None = None) -> dt.datetime | None:
    """Parse epoch seconds/ms or an ISO-like string to a naive UTC datetime.

    Naive strings are read in ``tz`` (e.g. ``"Asia/Makassar"`` for WITA) or as UTC when
    ``tz`` is None. Returns None for empty values; raises ValueError for garbage.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _parse_str(value, tz)
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        v = float(value)
        if v != v:  # NaN
            return None
        if abs(v) > _EPOCH_MS:
            v /= 1000.0
        return dt.datetime.fromtimestamp(v, _UTC).replace(tzinfo=None)
    else:
        s = str(value).strip()
        if not s:
            return None
        if re.fullmatch(r"-?\d{9,13}(\.\d+)?", s):
            return parse_time(float(s), tz)
        s2 = s.replace("Z", "+00:00").replace(" UTC", "+00:00")
        s2 = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s2)  # +0000 -> +00:00
        try:
            d = dt.datetime.fromisoformat(s2)
        except ValueError:
            d = _parse_loose(s)
    if d.tzinfo is None:
        if tz:
            d = d.replace(tzinfo=ZoneInfo(tz))
        else:
            return d.replace(microsecond=d.microsecond)
    return d.astimezone(_UTC).replace(tzinfo=None)


_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                          "Oct", "Nov", "Dec"), 1)}
_TWITTER = re.compile(r"[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})")


@functools.lru_cache(maxsize=65536)
def _parse_str(value: str, tz: str | None) -> dt.datetime | None:
    # exports repeat timestamps a lot (same second, same day); strings are parsed once.
    # fast paths first: ISO (C fromisoformat) and Twitter's classic format without strptime
    s = value.strip()
    if not s:
        return None
    if s[:4].isdigit() and "-" in s[4:5]:
        try:
            d = dt.datetime.fromisoformat(s)
        except ValueError:
            return parse_time(dt.datetime.fromisoformat(_iso_fix(s)) if _iso_ok(s) else _slow(s), tz)
        return parse_time(d, tz)
    m = _TWITTER.fullmatch(s)
    if m and m.group(1) in _MONTHS:
        mo, day, hh, mi, ss, sign, oh, om, yr = m.groups()
        d = dt.datetime(int(yr), _MONTHS[mo], int(day), int(hh), int(mi), int(ss))
        off = dt.timedelta(hours=int(oh), minutes=int(om))
        return d - off if sign == "+" else d + off
    return parse_time(_slow(s), tz)


def _iso_fix(s: str) -> str:
    s2 = s.replace("Z", "+00:00").replace(" UTC", "+00:00")
    return re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s2)


def _iso_ok(s: str) -> bool:
    try:
        dt.datetime.fromisoformat(_iso_fix(s))
        return True
    except ValueError:
        return False


def _slow(s: str):
    """Epoch numbers in strings, then loose formats; returns a datetime or a float epoch."""
    if re.fullmatch(r"-?\d{9,13}(\.\d+)?", s):
        return float(s)
    try:
        return dt.datetime.fromisoformat(_iso_fix(s))
    except ValueError:
        return _parse_loose(s)


_LOOSE_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",      # Twitter v1: Wed Oct 10 20:19:24 +0000 2018
    "%Y-%m-%d %H:%M:%S %Z",         # CrowdTangle: 2021-07-05 21:42:09 BRT (zone name ignored)
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y %H:%M", "%d-%m-%Y %H:%M",
    "%Y/%m/%d %H:%M:%S", "%b %d, %Y", "%d %b %Y %H:%M",
)


def _parse_loose(s: str) -> dt.datetime:
    s1 = re.sub(r"\s+[A-Z]{2,5}$", "", s) if re.search(r"\d{2}:\d{2}(:\d{2})?\s+[A-Z]{2,5}$", s) else s
    for f in _LOOSE_FORMATS:
        for cand in (s, s1):
            try:
                return dt.datetime.strptime(cand, f)
            except ValueError:
                continue
    raise ValueError(f"unrecognised timestamp {s[:40]!r}")


_SUFFIX = {"k": 1e3, "rb": 1e3, "ribu": 1e3, "m": 1e6, "jt": 1e6, "juta": 1e6, "b": 1e9, "M": 1e6}


def to_int(value: Any) -> int | None:
    """Parse a count: ints, numeric strings with thousands separators ("1,234", "1.234"),
    and abbreviations ("1.2K", "3,4 rb", "2jt"). None for empty; ValueError for garbage."""
    if value is None or value == "" or isinstance(value, bool):
        return None if not isinstance(value, bool) else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, float):
        if value != value:
            return None
        return int(value)
    s = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not s or s.lower() in ("nan", "none", "null", "-"):
        return None
    m = re.fullmatch(r"([\d.,]+)([a-zA-Z]+)?\+?", s)
    if not m:
        raise ValueError(f"not a count: {s[:30]!r}")
    num, suf = m.group(1), (m.group(2) or "").lower()
    if suf:
        mult = _SUFFIX.get(suf)
        if mult is None:
            raise ValueError(f"not a count: {s[:30]!r}")
        return int(round(float(num.replace(",", ".")) * mult))
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", num):
        return int(re.sub(r"[.,]", "", num))
    if re.fullmatch(r"\d+[.,]0+", num):
        return int(re.split(r"[.,]", num)[0])
    if re.fullmatch(r"\d+", num):
        return int(num)
    raise ValueError(f"not a count: {s[:30]!r}")


def to_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in ("1", "true", "yes", "y", "t", "ya"):
        return True
    if s in ("0", "false", "no", "n", "f", "tidak"):
        return False
    raise ValueError(f"not a boolean: {s[:20]!r}")


_HASHTAG = re.compile(r"(?<![\w&])#(\w{1,100})", re.UNICODE)
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9_.]{1,60}[A-Za-z0-9_])", re.UNICODE)
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def extract_hashtags(text: str | None) -> list[str]:
    """Hashtags in order of appearance, lower-case, without '#', de-duplicated."""
    if not text:
        return []
    return list(dict.fromkeys(h.lower() for h in _HASHTAG.findall(text) if not h.isdigit()))


def extract_mentions(text: str | None) -> list[str]:
    if not text:
        return []
    return list(dict.fromkeys(m.lower() for m in _MENTION.findall(text)))


def extract_links(text: str | None) -> list[str]:
    if not text:
        return []
    return list(dict.fromkeys(u.rstrip(".,;:!?)") for u in _LINK.findall(text)))


def fill_entities(post: dict) -> dict:
    """Fill hashtags/mentions/links from the text when the format did not list them."""
    t = post.get("text")
    if not isinstance(t, str):
        t = None
    # the substring checks skip the regexes for most texts (hot path of every import)
    if not post.get("hashtags"):
        post["hashtags"] = extract_hashtags(t) if t and "#" in t else []
    if not post.get("mentions"):
        post["mentions"] = extract_mentions(t) if t and "@" in t else []
    if not post.get("links"):
        post["links"] = extract_links(t) if t and "://" in t else []
    return post


Mapper = Callable[[Any, ImportContext], Iterable[Item]]
