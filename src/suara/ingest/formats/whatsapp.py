"""WhatsApp chat export (``Export chat`` / ``Ekspor chat``): a ``.txt`` file, or the ``.zip``
holding ``_chat.txt`` (iPhone) or ``WhatsApp Chat with NAME.txt`` (Android) plus media.

Every message starts with a header line; following lines without a header continue the
message (multi-line bodies stay intact). The layouts seen in practice::

    12/11/24 19.05 - Budi Relawan: Besok kumpul jam 7      Android, Indonesian phone
    12/11/24, 19:05 - Budi Relawan: Besok kumpul jam 7     Android, English 24 h
    11/12/24, 7:05 PM - Budi Relawan: Besok kumpul jam 7   Android, English (US) 12 h
    [12/11/24 19.05.33] Budi Relawan: Besok kumpul jam 7   iPhone, Indonesian phone
    [11/12/24, 7:05:33 PM] Budi Relawan: Besok kumpul      iPhone, English (US) 12 h

Four-digit years, ``.``/``-`` date separators, ISO dates (``2024-11-12``), ``a.m.``/``p.m.``
and the narrow no-break space before ``PM`` are accepted; invisible direction marks
(U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) are removed.

* **System lines** (joined, left, added, group renamed, security code changed, "Pesan dan
  panggilan dienkripsi ...") are not messages: they are counted and reported, never posts.
  Android writes them without a sender; iPhone writes them as from the group with the text
  behind a U+200E mark.
* **Media**: ``<Media omitted>`` / ``<Media tidak disertakan>``, iPhone's ``image omitted`` /
  ``gambar tidak disertakan`` / ``gambar dihilangkan`` (and video, audio, sticker, GIF,
  document, contact card), attached file names (``IMG-20241112-WA0001.jpg (file attached)``,
  ``<attached: 00000012-PHOTO-....jpg>``, ``<lampiran: ...>``) set ``media_type`` and, for a
  named file, ``media_files``; a caption on the following lines is the text.
* **Deleted messages** (``This message was deleted``, ``Pesan ini telah dihapus``) are kept as
  messages without text (the activity happened; the content is gone). ``<This message was
  edited>`` / ``<Pesan ini diedit>`` is removed from the text.
* **Day/month order** cannot be told from one line (``05/11/24``). It is inferred from the
  whole file: a first number above 12 means day first, a second above 12 month first; when
  every date fits both, the order that keeps the messages chronological wins; else day first
  (Indonesian phones). ``--dayfirst`` / ``--monthfirst`` override; the choice and its reason
  are reported.
* **Time zone**: the export holds the phone's local wall-clock times with no zone. They are
  read in ``--timezone`` when given, else the election's zone (WITA for Kaltim), and stored
  as UTC.
* **Ids**: exports carry no message ids. A message's id hashes the chat, its local time,
  sender and text (plus a counter for identical messages in the same minute), so importing
  an overlapping later export adds only the new messages.
* **Chat**: the group (``--chat-name``, else from the file name: ``WhatsApp Chat with
  NAME.txt``, ``Chat WhatsApp dengan NAME.txt``, ``WhatsApp Chat - NAME.zip``) is the
  channel: every message has ``parent_id`` = ``root_id`` = ``chat:SLUG``, and the chat is
  stored as an account with that id.
* **Phone numbers are personal data**: a sender shown as a number (no saved contact name)
  gets ``account_id`` = the number in international form, no handle, and ``account_type``
  ``citizen``, so every output pseudonymises it. A saved contact name is a handle (still an
  ordinary citizen unless an admin decides otherwise).
* **Bad input**: a header line with an impossible date or time, or in an unrecognised
  locale, is quarantined with its line number (and its continuation lines); the report
  lists the lines that could not be dated.

Example
-------
>>> import pathlib, tempfile
>>> from suara.ingest.base import ImportContext, Source
>>> p = pathlib.Path(tempfile.mkdtemp()) / "WhatsApp Chat with Relawan Demo.txt"
>>> _ = p.write_text("13/11/24 19.05 - Budi: Besok kumpul\\njam 7 pagi\\n13/11/24 19.06 - +62 812-0000-0001: Siap\\n")
>>> ctx = ImportContext(file=p.name, timezone="Asia/Makassar")
>>> imp = WhatsAppChat()
>>> items = [i for _, r in imp.read(Source(p), ctx) for i in imp.map(r, ctx)]
>>> [(i.post["account_id"], i.post["text"], i.post["created_at"].isoformat()) for i in items if i.post]
[('Budi', 'Besok kumpul\\njam 7 pagi', '2024-11-13T11:05:00'), ('+6281200000001', 'Siap', '2024-11-13T11:06:00')]
>>> ctx.options["notes"][0]
'chat "Relawan Demo": 2 messages, 0 system lines'
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from suara.ingest.base import (FileError, ImportContext, Importer, Item, RowError, Source,
                               decode_bytes, fill_entities)

__all__ = ["WhatsAppChat", "chat_name_from_file", "normalise_phone", "is_phone", "slug",
           "DEFAULT_TIMEZONE", "local_zone"]

#: used when neither --timezone nor the election gives a zone (Indonesia's most common, WIB)
DEFAULT_TIMEZONE = "Asia/Jakarta"
#: longest chat export line read whole; longer lines are quarantined
MAX_CHAT_LINE = 1 << 20

_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_SPACES = {0x202f: " ", 0x00a0: " ", 0x2007: " "}

_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[.:]\d{2}(?:[.:]\d{2})?)"
_AMPM = r"(?:\s?(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_IOS = re.compile(r"\[" + _DATE + r",?\s" + _TIME + _AMPM + r"\]\s?(?P<rest>.*)", re.S)
_ANDROID = re.compile(_DATE + r",?\s" + _TIME + _AMPM + r"\s[-\u2013]\s(?P<rest>.*)", re.S)
# a header in a layout the strict patterns do not know (an unknown phone locale)
_LOOSE = re.compile(r"\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}[,\s]+(?P<mid>[^\]\n]{1,24}?)(?:\]\s?|\s[-\u2013]\s)(?P<rest>.*)", re.S)

_MEDIA_WORDS = {
    "image": "photo", "gambar": "photo", "foto": "photo", "photo": "photo",
    "video": "video", "gif": "video", "audio": "audio", "sticker": "sticker", "stiker": "sticker",
    "document": "document", "dokumen": "document", "contact card": "document",
    "kartu kontak": "document",
}
_OMITTED = re.compile(r"(?P<what>image|video|audio|sticker|gif|document|contact card|gambar|foto|stiker|"
                      r"dokumen|kartu kontak)\s(?:omitted|tidak disertakan|dihilangkan|dihapus)", re.I)
_MEDIA_ANY = re.compile(r"<(?:media omitted|media tidak disertakan|media dihilangkan)>|null", re.I)
# newer placeholders: "<View once voice message omitted>", "<Video note omitted>", "<Pesan suara sekali lihat dihilangkan>"
_OMITTED_ANY = re.compile(r"<(?P<what>[^<>]{1,60}?)\s(?:omitted|tidak disertakan|dihilangkan)>", re.I)
_ATTACHED_IOS = re.compile(r"(?:(?P<title>.*?)\s(?:\u2022\s.*?)?)?<(?:attached|lampiran|terlampir):\s?(?P<file>[^>]+)>", re.I)
_ATTACHED_ANDROID = re.compile(r"(?P<file>\S.*?\.[A-Za-z0-9]{2,5})\s\((?:file attached|file terlampir|berkas terlampir)\)", re.I)
_DELETED = re.compile(r"(?:this message was deleted|you deleted this message|pesan ini (?:telah )?dihapus|"
                      r"anda menghapus pesan ini|waiting for this message\. this may take a while|"
                      r"menunggu pesan ini\. proses ini (?:mungkin )?(?:memerlukan|butuh) (?:beberapa )?waktu)\.?", re.I)
_EDITED = re.compile(r"\s*<(?:this message was edited|pesan ini diedit|pesan ini telah diedit)>\s*$", re.I)
_EXT_MEDIA = {"jpg": "photo", "jpeg": "photo", "png": "photo", "heic": "photo", "webp": "sticker",
              "gif": "video", "mp4": "video", "mov": "video", "3gp": "video", "mkv": "video",
              "opus": "audio", "ogg": "audio", "m4a": "audio", "mp3": "audio", "aac": "audio",
              "amr": "audio", "wav": "audio"}
# system events that iPhone attributes to a person or the group (Android has no sender for them)
_SYSTEM = re.compile(
    r"end-to-end|dienkripsi|security code|kode keamanan|created (?:this )?group|membuat grup|"
    r"\b(?:added|removed|left|joined using|changed (?:the subject|the group|this group|their phone|to \+)|"
    r"deleted this group's icon|is now an admin|now an admin|pinned a message|turned (?:on|off) disappearing)|"
    r"\b(?:menambahkan|mengeluarkan|keluar|bergabung|mengubah (?:nama grup|subjek|ikon|deskripsi|nomor|setelan)|"
    r"menghapus ikon|sekarang (?:adalah )?admin|menyematkan pesan|pesan sementara)", re.I)
_PHONE = re.compile(r"\+?[\d\s().\-\u2011]{8,22}")
_FILE_NAME = re.compile(r"(?:WhatsApp Chat(?: with| -| dengan)?|Chat WhatsApp(?: dengan| -| with)?|"
                        r"Obrolan WhatsApp(?: dengan| -)?)\s*(?P<name>.+)", re.I)


@functools.lru_cache(maxsize=65536)
def is_phone(s: str) -> bool:
    """True when a sender is shown as a phone number (no saved contact name).

    >>> is_phone("+62 812-0000-0001"), is_phone("0812 0000 0001"), is_phone("Budi 2024")
    (True, True, False)
    """
    s = s.strip()
    return bool(_PHONE.fullmatch(s)) and sum(c.isdigit() for c in s) >= 8


@functools.lru_cache(maxsize=65536)
def normalise_phone(s: str) -> str:
    """A phone number in one international form (Indonesian ``08..`` becomes ``+628..``).

    >>> normalise_phone("+62 812-0000-0001"), normalise_phone("0812 0000 0001")
    ('+6281200000001', '+6281200000001')
    """
    digits = "".join(c for c in s if c.isdigit())
    if s.strip().startswith("+"):
        return "+" + digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    if digits.startswith("62"):
        return "+" + digits
    return "+" + digits


def slug(name: str) -> str:
    """A stable, readable key for a chat name.

    >>> slug("Relawan Kec. Samarinda Ulu 🇮🇩")
    'relawan-kec-samarinda-ulu'
    """
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if not s:   # a name in a script without ASCII letters: hash it
        s = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return s[:80]


def chat_name_from_file(source: Source) -> str:
    """The chat's name from the export's file name (Android ``WhatsApp Chat with NAME.txt``,
    Indonesian ``Chat WhatsApp dengan NAME.txt``, iPhone ``WhatsApp Chat - NAME.zip`` holding
    ``_chat.txt``); the file's own name otherwise.

    >>> from pathlib import Path
    >>> chat_name_from_file(Source(Path("WhatsApp Chat - Relawan Kaltim.zip"), member="_chat.txt"))
    'Relawan Kaltim'
    >>> chat_name_from_file(Source(Path("job-1a2b3c-WhatsApp_Chat_with_Relawan_Ulu.txt")))
    'Relawan Ulu'
    """
    inner = PurePosixPath(source.inner_name).name
    stem = inner.rsplit(".", 1)[0] if "." in inner else inner
    if stem.lower() in ("_chat", "chat") or source.member is not None and not _FILE_NAME.search(_spaced(stem)):
        folder = PurePosixPath(source.member or "").parent.name
        stem = folder if folder and _FILE_NAME.search(_spaced(folder)) else source.path.name.rsplit(".", 1)[0]
    stem = re.sub(r"\s\(\d+\)$", "", _spaced(stem)).strip()   # "... (1)" from a second download
    # search, not match: an upload keeps the name behind a prefix ("job-1a2b-WhatsApp_Chat_with_...")
    m = _FILE_NAME.search(stem)
    return (m.group("name").strip() if m else stem) or "chat"


def _spaced(stem: str) -> str:
    """Underscores back to spaces (uploads and some file managers replace the spaces)."""
    return stem.replace("_", " ") if " " not in stem and stem.count("_") >= 2 else stem


def local_zone(ctx: ImportContext) -> str:
    """Zone of a chat export's wall-clock times: ``--timezone``, else the election's."""
    return ctx.timezone or ctx.options.get("local_timezone") or DEFAULT_TIMEZONE


def _clean(line: str) -> str:
    if line.isascii():   # most lines: no direction marks or special spaces to remove
        return line
    return line.translate(_MARKS).translate(_SPACES)


def _match(line: str):
    if line.startswith("["):
        return _IOS.fullmatch(line)
    if line[:1].isdigit():
        return _ANDROID.fullmatch(line)
    return None


@functools.lru_cache(maxsize=65536)
def _date_parts(s: str) -> tuple[int, int, int, bool]:
    """(a, b, c, iso) numbers of a date token; iso when the year comes first."""
    parts = re.split(r"[./-]", s)
    a, b, c = (int(x) for x in parts)
    return a, b, c, len(parts[0]) == 4


@functools.lru_cache(maxsize=65536)
def _hms(time: str, ampm: str | None) -> tuple[int, int, int]:
    parts = [int(x) for x in re.split(r"[.:]", time)]
    h, m, s = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
    if ampm:
        pm = ampm.lower().startswith("p")
        if not 1 <= h <= 12:
            raise ValueError(f"hour {h} with {ampm}")
        h = (h % 12) + (12 if pm else 0)
    return h, m, s


def _year(y: int) -> int:
    return y + 2000 if y < 100 else y


def _local(date: str, time: str, ampm: str | None, dayfirst: bool) -> dt.datetime:
    a, b, c, iso = _date_parts(date)
    if iso:
        y, mo, d = a, b, c
    elif dayfirst:
        d, mo, y = a, b, _year(c)
    else:
        mo, d, y = a, b, _year(c)
    h, mi, s = _hms(time, ampm)
    return dt.datetime(y, mo, d, h, mi, s)


def _iter_text_lines(source: Source) -> Iterator[tuple[int, str | RowError]]:
    try:
        f = source.open()
    except OSError as e:
        raise FileError(f"{source.name}: cannot open: {e}") from None
    with f:
        n = 0
        while True:
            raw = f.readline(MAX_CHAT_LINE + 1)
            if not raw:
                return
            n += 1
            if len(raw) > MAX_CHAT_LINE and not raw.endswith(b"\n"):
                while True:
                    chunk = f.readline(1 << 20)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                yield n, RowError("(line)", f"line {n} longer than {MAX_CHAT_LINE:,} bytes", "")
                continue
            yield n, decode_bytes(raw).rstrip("\r\n")


def _infer_order(source: Source, forced: bool | None) -> tuple[bool, str]:
    """Day/month order for the whole file, and the reason given to the user."""
    if forced is not None:
        return forced, "set by option (--dayfirst)" if forced else "set by option (--monthfirst)"
    first_big = second_big = None
    pairs: list[tuple[int, int, int, tuple]] = []
    for n, line in _iter_text_lines(source):
        if isinstance(line, RowError):
            continue
        m = _match(_clean(line).lstrip())
        if not m:
            continue
        try:
            a, b, c, iso = _date_parts(m.group("date"))
            h, mi, s = _hms(m.group("time"), m.group("ampm"))
        except (ValueError, AttributeError):
            continue
        if iso:
            continue
        if a > 12 and b <= 12 and first_big is None:
            first_big = n
        if b > 12 and a <= 12 and second_big is None:
            second_big = n
        if len(pairs) < 200_000:
            pairs.append((a, b, c, (h, mi, s)))
    if first_big and not second_big:
        return True, f"day first (a day above 12 comes first on line {first_big})"
    if second_big and not first_big:
        return False, f"month first (a day above 12 comes second on line {second_big})"
    if first_big and second_big:
        return True, (f"day first, but the file mixes both orders (lines {first_big} and {second_big}); "
                      "lines that do not fit are quarantined")
    # every date fits both orders: the one that keeps messages chronological wins
    inv = {}
    for dayfirst in (True, False):
        prev, k = None, 0
        for a, b, c, hms in pairs:
            key = (_year(c), b, a) + hms if dayfirst else (_year(c), a, b) + hms
            if prev is not None and key < prev:
                k += 1
            prev = key
        inv[dayfirst] = k
    if inv[True] != inv[False]:
        best = inv[True] < inv[False]
        return best, (f"{'day' if best else 'month'} first (every date fits both orders; this one keeps "
                      f"the messages in time order: {min(inv.values())} vs {max(inv.values())} steps back)")
    return True, "day first (assumed: every date fits both orders; use --monthfirst if wrong)"


class WhatsAppChat(Importer):
    """WhatsApp ``Export chat`` text (Android and iPhone, Indonesian and English phones)."""

    name = "whatsapp"
    title = "WhatsApp chat export (.txt, or .zip with _chat.txt)"
    platforms = ("whatsapp",)
    extensions = (".txt", ".zip")

    def sniff(self, head: str, source: Source) -> float:
        lines = [ln for ln in head.split("\n")[:60] if ln.strip()]
        if len(head) >= 65536 and len(lines) > 1:
            lines = lines[:-1]   # the last line of a sample may be cut
        if not lines:
            return 0.0
        first = _clean(lines[0]).lstrip().rstrip("\r")
        strict = sum(1 for ln in lines if _match(_clean(ln).strip()))
        # a damaged first line (text before the first header) must not hide the export
        early = any(_match(_clean(ln).strip()) for ln in lines[:3])
        if early and strict >= max(2 if not _match(first) else 1, len(lines) // 4):
            return 0.92
        loose = sum(1 for ln in lines if _loose_header(_clean(ln).strip(), True))
        if _loose_header(first, True) and loose >= max(2, len(lines) // 3):
            return 0.6   # a chat export in a layout not known yet: lines are quarantined, dated ones kept
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        chat = ctx.options.get("chat_name") or chat_name_from_file(source)
        chat_id = "chat:" + slug(chat)
        ctx.options["chat"] = {"id": chat_id, "name": chat}
        loose_mode = self.sniff(source.text_head(), source) < 0.9
        dayfirst, why = _infer_order(source, ctx.options.get("dayfirst"))
        zone = local_zone(ctx)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise FileError(f"{source.name}: unknown time zone {zone!r} (--timezone)") from None
        stats = {"messages": 0, "system": 0, "undated": [], "back": 0}
        seen: dict[str, int] = {}
        cur: dict | None = None     # the message being read (continuation lines join it)
        prev_ts = None

        def finish(rec: dict):
            nonlocal prev_ts
            if rec.get("skip"):
                return None
            if rec.get("error"):
                return rec["line"], RowError(rec["field"], rec["error"], "\n".join(rec["lines"]))
            body = "\n".join(rec.pop("lines"))
            key = f"{chat_id}|{rec['local'].isoformat()}|{rec['sender']}|{body}"
            h = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            k = seen.get(h, 0)
            seen[h] = k + 1
            rec["text"] = body
            rec["post_id"] = f"{chat_id}:{h}" + (f"-{k}" if k else "")
            stats["messages"] += 1
            if prev_ts is not None and rec["local"] < prev_ts:
                stats["back"] += 1
            prev_ts = rec["local"]
            return rec["line"], rec

        for n, line in _iter_text_lines(source):
            if isinstance(line, RowError):
                yield n, line
                continue
            clean = _clean(line)
            head = clean.lstrip()
            m = _match(head)
            if m is None and _loose_header(head, loose_mode):
                # header-shaped but in no known layout: it cannot be dated
                if cur is not None and (done := finish(cur)):
                    yield done
                stats["undated"].append(n)
                cur = {"line": n, "lines": [line], "field": "(timestamp)",
                       "error": f"line {n}: cannot read the date/time (unknown phone locale or damaged line)"}
                continue
            if m is None:
                if cur is not None:
                    if not cur.get("skip"):
                        cur["lines"].append(line if cur.get("error") else clean)
                elif clean.strip():   # text before the first header has no message to join
                    cur = {"line": n, "lines": [line], "field": "(line)",
                           "error": f"line {n}: text before the first message header"}
                continue
            if cur is not None and (done := finish(cur)):
                yield done
            cur = None
            try:
                local = _local(m.group("date"), m.group("time"), m.group("ampm"), dayfirst)
            except (ValueError, OverflowError) as e:
                stats["undated"].append(n)
                cur = {"line": n, "lines": [line], "field": "(timestamp)",
                       "error": f"line {n}: impossible date/time {m.group('date')} {m.group('time')} "
                                f"({'day' if dayfirst else 'month'} first): {e}"}
                continue
            ios = head.startswith("[")
            rest = m.group("rest")
            sender, sep, body = rest.partition(": ")
            if not sep and rest.endswith(":"):
                sender, sep, body = rest[:-1], ":", ""
            sender = sender.strip().removeprefix("~").strip()   # iPhone: "~ Name" = not a saved contact
            plausible = bool(sep) and 0 < len(sender) <= 80 and not any(q in sender for q in '"\u201c\u201d\u00ab')
            system = not plausible
            if not system and ios and _marked_body(line) and not _is_media(body) \
                    and not _DELETED.fullmatch(body.strip()):
                system = True   # iPhone: a system event shown as from the group, text behind U+200E
            elif not system and sender == chat and _SYSTEM.search(body) and not _is_media(body):
                system = True
            if system:
                stats["system"] += 1
                cur = {"skip": True}
                continue
            cur = {"line": n, "local": local, "sender": sender, "lines": [body]}
        if cur is not None and (done := finish(cur)):
            yield done
        notes = ctx.options.setdefault("notes", [])
        notes.append(f'chat "{chat}": {stats["messages"]:,} messages, {stats["system"]:,} system lines')
        if stats["messages"] or stats["undated"]:
            notes.append(f"day/month order: {why}")
            notes.append(f"local times read in {zone}, stored as UTC")
        if stats["back"]:
            notes.append(f"{stats['back']:,} messages are dated earlier than the one before (kept as written)")
        if stats["undated"]:
            shown = ", ".join(str(x) for x in stats["undated"][:20])
            more = f" and {len(stats['undated']) - 20:,} more" if len(stats["undated"]) > 20 else ""
            notes.append(f"could not date {len(stats['undated']):,} line(s): {shown}{more} (quarantined)")

    def map(self, raw: Any, ctx: ImportContext):
        if isinstance(raw, RowError):
            raise raw
        if not isinstance(raw, dict) or not isinstance(raw.get("local"), dt.datetime):
            raise RowError("(record)", "not a chat message")
        sender, text = str(raw.get("sender") or ""), raw.get("text")
        if not sender:
            raise RowError("sender", "message without a sender")
        if not isinstance(text, str):
            raise RowError("text", "message without a body")
        zone = local_zone(ctx)
        try:
            created = raw["local"].replace(tzinfo=ZoneInfo(zone)).astimezone(dt.timezone.utc).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError, OverflowError) as e:
            raise RowError("(timestamp)", f"cannot convert from {zone}: {e}") from None
        chat = ctx.options.get("chat") or {}
        chat_id = chat.get("id") or str(raw.get("post_id") or "chat:?").rsplit(":", 1)[0]
        media, files, body = _media(text)
        if body is not None:
            body = _EDITED.sub("", body)
            if _DELETED.fullmatch(body.strip()):
                body = None
        phone = is_phone(sender)
        aid = normalise_phone(sender) if phone else sender
        post = {"platform": "whatsapp", "post_id": str(raw["post_id"]), "account_id": aid,
                "created_at": created, "kind": "post", "parent_id": chat_id, "root_id": chat_id,
                "text": body or None, "media_type": media, "media_files": files}
        fill_entities(post)
        if media == "text" and post["links"]:
            post["media_type"] = "link"
        acc = {"platform": "whatsapp", "account_id": aid,
               "handle": None if phone else sender, "display_name": None if phone else sender}
        if phone:
            acc["account_type"] = "citizen"   # personal data: always pseudonymised
        items = [Item(post=post, account=acc)]
        if chat.get("id") and not ctx.options.get("_chat_emitted"):
            ctx.options["_chat_emitted"] = True
            items.append(Item(account={"platform": "whatsapp", "account_id": chat["id"],
                                       "handle": chat.get("name"), "display_name": chat.get("name")}))
        return items


def _loose_header(head: str, loose_mode: bool) -> bool:
    """A line shaped like a message header in a layout the strict patterns do not know: a
    date, something with a digit (the time), a separator, and (unless the whole file is in
    that layout) a sender."""
    m = _LOOSE.fullmatch(head)
    if not m or not any(c.isdigit() for c in m.group("mid")):
        return False
    if loose_mode:
        return True
    sender, sep, _ = m.group("rest").partition(": ")
    return bool(sep) and 0 < len(sender) <= 80


_KEEP_LRM = {k: v for k, v in _MARKS.items() if k != 0x200E}


def _marked_body(line: str) -> bool:
    """True when an iPhone line's text (after ``Sender: ``) starts with U+200E."""
    if "\u200e" not in line:
        return False
    s = line.translate(_KEEP_LRM).translate(_SPACES).lstrip("\u200e ")
    m = _IOS.fullmatch(s)
    return bool(m) and m.group("rest").partition(": ")[2].startswith("\u200e")


def _is_media(body: str) -> bool:
    first = body.split("\n", 1)[0].strip()
    return bool(_OMITTED.fullmatch(first) or _MEDIA_ANY.fullmatch(first) or _OMITTED_ANY.fullmatch(first)
                or _ATTACHED_IOS.fullmatch(first)
                or _ATTACHED_ANDROID.fullmatch(first))


def _media(text: str) -> tuple[str, list[str], str | None]:
    """(media_type, media file names, remaining text) of a message body."""
    first, _, rest = text.partition("\n")
    f = first.strip()
    m = _OMITTED.fullmatch(f)
    if m:
        return _MEDIA_WORDS[m.group("what").lower()], [], rest or None
    if _MEDIA_ANY.fullmatch(f):
        return "media", [], rest or None
    m = _OMITTED_ANY.fullmatch(f)
    if m:
        w = m.group("what").lower()
        kind = ("audio" if "voice" in w or "suara" in w or "audio" in w else
                "video" if "video" in w else "sticker" if "sticker" in w or "stiker" in w else
                "photo" if any(x in w for x in ("image", "photo", "gambar", "foto")) else "media")
        return kind, [], rest or None
    m = _ATTACHED_IOS.fullmatch(f) or _ATTACHED_ANDROID.fullmatch(f)
    if m:
        name = m.group("file").strip()
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = _EXT_MEDIA.get(ext, "document")
        if "PHOTO" in name.upper().split("-")[1:2]:
            kind = "photo"
        title = (m.groupdict().get("title") or "").strip()
        body = "\n".join(x for x in (title, rest) if x) or None
        return kind, [name], body
    return "text", [], text


IMPORTERS = [WhatsAppChat]
