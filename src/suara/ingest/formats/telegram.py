"""Telegram exports: Telegram Desktop's ``result.json`` and Telethon message dumps.

**Telegram Desktop** (``Export chat history`` of one chat or channel, or ``Settings ->
Advanced -> Export Telegram data`` for the whole account, format "Machine-readable JSON"):

* one chat: ``{"name", "type", "id", "messages": [...]}``;
* the whole account: ``{"about", "personal_information", ..., "chats": {"list": [chat, ...]},
  "left_chats": {"list": [...]}}``. Groups and channels are imported; personal chats, bot
  chats and saved messages are private conversations and are skipped (counted in the
  report).

A file up to ``WHOLE_FILE_BYTES`` is parsed at once; a larger one (a full-account export
reaches gigabytes), an archive member or a damaged file is streamed. A message has ``id``,
``type`` (``message``; ``service`` = joined, pinned, created ... kept apart and counted),
``date`` (the exporting computer's local time) and ``date_unixtime`` (UTC, preferred),
``from``/``from_id`` (``user123``, ``channel123``), ``text`` as a string or a list of plain
strings and entity objects (``{"type": "text_link", "text", "href"}``), ``forwarded_from``,
``reply_to_message_id``, ``edited``, ``photo``, ``file`` + ``media_type`` (``video_file``,
``voice_message``, ``audio_file``, ``sticker``, ``animation``, ``video_message``),
``reactions`` (``[{"count", "emoji"}]``) and, in channels, ``views``.

**Telethon** (``[m.to_dict() for m in client.iter_messages(...)]`` written with
``json.dumps(..., default=str)``, as a JSON array or one message per line):
``{"_": "Message", "id", "peer_id": {"channel_id"|"chat_id"|"user_id"}, "date", "message",
"from_id", "fwd_from", "reply_to": {"reply_to_msg_id"}, "media", "views", "forwards",
"replies": {"replies"}, "reactions": {"results": [{"count"}]}}``; ``MessageService`` items
are kept apart.

Mapping: the chat is the channel: every message has ``root_id`` = ``chat:ID`` and, unless it
replies to another message (``kind`` ``reply``, ``parent_id`` = that message), ``parent_id``
= ``chat:ID``. A forwarded message has ``kind`` ``share`` (the marker co-forwarding analysis
reads; it wins over ``reply``, and its ``parent_id`` is always the chat). Post ids are ``chat:ID:MESSAGE_ID``; the chat is stored as an account ``chat:ID``;
reaction counts sum to ``likes``, ``views``/``forwards``/``replies`` to views, shares and
comments. A sender shown as a phone number is personal data: no handle, ``account_type``
``citizen``.

Example
-------
>>> tg = TelegramExport()
>>> ctx = ImportContext(file="result.json")
>>> rec = {"chat": {"id": 77, "name": "Kaltim Info", "type": "public_channel"},
...        "msg": {"id": 5, "type": "message", "date_unixtime": "1731413133", "from": "Kaltim Info",
...                "from_id": "channel77", "text": ["Debat ", {"type": "hashtag", "text": "#PilgubKaltim"}],
...                "views": 1200, "reactions": [{"type": "emoji", "count": 12, "emoji": "👍"}]}}
>>> p = tg.map(rec, ctx)[0].post
>>> p["post_id"], p["text"], p["likes"], p["views"], p["parent_id"], p["created_at"].isoformat()
('chat:77:5', 'Debat #PilgubKaltim', 12, 1200, 'chat:77', '2024-11-12T12:05:33')
"""
from __future__ import annotations

from typing import Any, Iterator

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source,
                               fill_entities, parse_time, to_int)
from suara.ingest.formats._apijson import head_keys, iter_documents
from suara.ingest.formats.whatsapp import is_phone, local_zone, normalise_phone

__all__ = ["TelegramExport", "TelethonDump", "entity_text"]

#: a plain result.json up to this size is parsed at once (several times faster); larger ones,
#: archive members and compressed files are streamed in bounded memory
WHOLE_FILE_BYTES = 128 * 1024**2
#: chat types of private conversations, skipped in a full-account export
PRIVATE_TYPES = {"personal_chat", "bot_chat", "saved_messages"}
_META = {p + k for p in ("", "chats.list.item.", "left_chats.list.item.") for k in ("name", "type", "id")}
_MEDIA = {"video_file": "video", "animation": "video", "video_message": "video",
          "voice_message": "audio", "audio_file": "audio", "sticker": "sticker"}


def entity_text(text: Any) -> tuple[str, list[str]]:
    """Plain text and link targets of a Desktop-export ``text`` (string or entity list).

    >>> entity_text(["Lihat ", {"type": "text_link", "text": "ini", "href": "https://kpu.go.id"}])
    ('Lihat ini', ['https://kpu.go.id'])
    """
    if text is None:
        return "", []
    if isinstance(text, str):
        return text, []
    if not isinstance(text, list):
        raise RowError("text", f"expected a string or a list, got {type(text).__name__}")
    parts, links = [], []
    for e in text:
        if isinstance(e, str):
            parts.append(e)
        elif isinstance(e, dict):
            t = e.get("text")
            parts.append(t if isinstance(t, str) else "")
            href = e.get("href")
            if isinstance(href, str) and href.startswith(("http://", "https://")):
                links.append(href)
        else:
            raise RowError("text", f"unexpected entity {type(e).__name__}")
    return "".join(parts), links


def _int(v: Any, field: str) -> int | None:
    try:
        n = to_int(v)
    except (ValueError, TypeError) as e:
        raise RowError(field, str(e)) from None
    return None if n is not None and n < 0 else n


def _sender(platform: str, aid: str | None, name: Any) -> tuple[str | None, dict | None]:
    name = name if isinstance(name, str) and name.strip() else None
    if not aid and name and is_phone(name):
        aid = normalise_phone(name)
    if not aid:
        return None, None
    acc = {"platform": platform, "account_id": aid}
    if name and is_phone(name):
        acc["account_type"] = "citizen"   # a number is personal data: never named
    else:
        acc["handle"] = name
        acc["display_name"] = name
    return aid, acc


def _chat_item(chat: dict) -> Item | None:
    cid = chat.get("id")
    if cid is None:
        return None
    name = chat.get("name") if isinstance(chat.get("name"), str) else None
    return Item(account={"platform": "telegram", "account_id": f"chat:{cid}", "handle": name,
                         "display_name": name})


def _finish(post: dict, links: list[str]) -> dict:
    fill_entities(post)
    if links:
        post["links"] = list(dict.fromkeys(post["links"] + links))
    if post["media_type"] == "text" and post["links"]:
        post["media_type"] = "link"
    return post


class TelegramExport(Importer):
    """Telegram Desktop ``result.json`` (one chat, or the whole account's ``chats.list``)."""

    name = "telegram"
    title = "Telegram Desktop export (result.json)"
    platforms = ("telegram",)
    extensions = (".json",)

    def sniff(self, head: str, source: Source) -> float:
        h = head.lstrip("\ufeff \t\r\n")
        if not h.startswith("{"):
            return 0.0
        keys = head_keys(h[:65536])
        if "messages" in keys and {"name", "type", "id"} <= keys and (
                {"date_unixtime", "from_id", "text_entities"} & keys or '"type": "message"' in h
                or '"type": "service"' in h or '_channel"' in h or '_group"' in h or '_supergroup"' in h):
            return 0.93
        if "personal_information" in keys or ("chats" in keys and "list" in keys and "about" in keys):
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        stats = {"messages": 0, "service": 0, "chats": 0, "private": 0}
        if source.member is None and source.path.suffix.lower() == ".json" \
                and source.path.stat().st_size <= WHOLE_FILE_BYTES:
            yield from self._read_whole(source, stats)
        else:
            yield from self._read_streamed(source, stats)
        notes = ctx.options.setdefault("notes", [])
        notes.append(f"{stats['chats']:,} chat(s): {stats['messages']:,} messages, "
                     f"{stats['service']:,} service messages kept apart")
        if stats["private"]:
            notes.append(f"{stats['private']:,} private conversation(s) (personal, bot, saved) skipped")

    @staticmethod
    def _read_whole(source: Source, stats: dict) -> Iterator[tuple[int, Any]]:
        """A file of moderate size parsed at once (C speed); the same records as streaming."""
        from suara.ingest.formats._apijson import loads
        try:
            doc = loads(source.path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        except ValueError as e:
            # a damaged file: streaming keeps the messages before the damage
            yield from TelegramExport._read_streamed(source, {k: 0 for k in stats}, into=stats, why=e)
            return
        if not isinstance(doc, dict):
            yield 1, RowError("(document)", "not a Telegram export object")
            return
        chats = [(doc, False)]
        for key in ("chats", "left_chats"):
            lst = doc.get(key, {}).get("list") if isinstance(doc.get(key), dict) else None
            chats += [(c, True) for c in (lst if isinstance(lst, list) else []) if isinstance(c, dict)]
        n = 0
        for c, in_account in chats:
            msgs = c.get("messages")
            if not isinstance(msgs, list):
                continue
            meta = {k: c[k] for k in ("name", "type", "id") if isinstance(c.get(k), (str, int, float))}
            private = in_account and meta.get("type") in PRIVATE_TYPES
            stats["private" if private else "chats"] += 1
            for m in msgs:
                n += 1
                if private:
                    continue
                if isinstance(m, dict) and m.get("type") == "service":
                    stats["service"] += 1
                    continue
                stats["messages"] += 1
                yield n, {"chat": meta, "msg": m}

    @staticmethod
    def _read_streamed(source: Source, stats: dict, into: dict | None = None,
                       why: Exception | None = None) -> Iterator[tuple[int, Any]]:
        import ijson

        from suara.ingest.formats._apijson import MAX_NESTING, NestingTooDeep, _DepthGuard
        n = 0
        chat: dict = {}
        skip_chat = False
        builder = None
        prefix_msg = None
        try:
            with source.open() as f:
                for prefix, event, value in ijson.parse(_DepthGuard(f, MAX_NESTING), use_float=True):
                    if builder is not None:
                        builder.event(event, value)
                        if prefix == prefix_msg and event == "end_map":
                            msg, builder = builder.value, None
                            n += 1
                            if skip_chat:
                                continue
                            if msg.get("type") == "service":
                                stats["service"] += 1
                                continue
                            stats["messages"] += 1
                            yield n, {"chat": dict(chat), "msg": msg}
                        continue
                    if prefix in ("messages.item", "chats.list.item.messages.item",
                                  "left_chats.list.item.messages.item") and event == "start_map":
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        prefix_msg = prefix
                        continue
                    if event == "start_map" and prefix in ("chats.list.item", "left_chats.list.item"):
                        chat, skip_chat = {}, False
                    elif prefix in _META and event in ("string", "number"):
                        key = prefix.rsplit(".", 1)[-1]
                        chat[key] = value
                        if key == "type":
                            # a full-account export holds private conversations: skipped
                            skip_chat = value in PRIVATE_TYPES and prefix != "type"
                            stats["private" if skip_chat else "chats"] += 1
        except NestingTooDeep as e:
            yield n + 1, RowError("(document)", f"{e}; refusing the rest")
        except ijson.JSONError as e:
            yield n + 1, RowError("(document)", f"invalid JSON after message {n} (truncated export?): {e}")
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            yield n + 1, RowError("(document)", f"invalid JSON after message {n}: {type(e).__name__}: {e}")
        if into is not None:
            into.update(stats)

    def map(self, raw: Any, ctx: ImportContext):
        if not isinstance(raw, dict) or not isinstance(raw.get("msg"), dict):
            raise RowError("(record)", "not a Telegram message")
        chat, m = raw.get("chat") if isinstance(raw.get("chat"), dict) else {}, raw["msg"]
        if m.get("id") is None:
            raise RowError("id", "message without id")
        cid = chat.get("id", "unknown")
        root = f"chat:{cid}"
        try:
            if m.get("date_unixtime") not in (None, ""):
                created = parse_time(to_int(m["date_unixtime"]))
            else:
                created = parse_time(m.get("date"), local_zone(ctx))
        except (ValueError, TypeError, OverflowError, OSError) as e:
            raise RowError("date", str(e)) from None
        text, links = entity_text(m.get("text"))
        aid, acc = _sender("telegram", m.get("from_id") if isinstance(m.get("from_id"), str) else None,
                           m.get("from"))
        if aid is None and str(chat.get("type", "")).endswith("channel") and chat.get("id") is not None:
            # older channel exports name no sender: the channel posts as itself
            aid, acc = _sender("telegram", f"channel{chat['id']}", chat.get("name"))
        reply = m.get("reply_to_message_id")
        if m.get("forwarded_from") or m.get("forwarded_from_id"):
            reply = None   # a forward's parent is always its chat (what co-forwarding counts)
        media = "text"
        files = []
        if m.get("photo"):
            media = "photo"
        elif m.get("media_type"):
            media = _MEDIA.get(str(m["media_type"]), "document")
        elif m.get("file") or m.get("contact_information"):
            media = "document"
        for k in ("photo", "file"):
            v = m.get(k)
            if isinstance(v, str) and v and not v.startswith("(File"):
                files.append(v)
        likes = None
        if isinstance(m.get("reactions"), list):
            likes = sum(_int(r.get("count"), "reactions.count") or 0 for r in m["reactions"] if isinstance(r, dict))
        post = {"platform": "telegram", "post_id": f"{root}:{m['id']}", "account_id": aid,
                "created_at": created, "text": text or None, "media_type": media, "media_files": files,
                "kind": "share" if m.get("forwarded_from") or m.get("forwarded_from_id")
                else "reply" if reply is not None else "post",
                "parent_id": f"{root}:{reply}" if reply is not None else root, "root_id": root,
                "views": _int(m.get("views"), "views"), "likes": likes,
                "shares": _int(m.get("forwards"), "forwards")}
        items = [Item(post=_finish(post, links), account=acc)]
        key = f"_chat:{cid}"
        if not ctx.options.get(key) and (c := _chat_item(chat)):
            ctx.options[key] = True
            items.append(c)
        return items


def _peer_id(p: Any) -> str | None:
    if isinstance(p, dict):
        for k, pre in (("channel_id", "channel"), ("chat_id", "chat"), ("user_id", "user")):
            if p.get(k) is not None:
                return f"{pre}{p[k]}"
    return None


class TelethonDump(Importer):
    """Telethon ``Message.to_dict()`` dumps (JSON array or JSON Lines)."""

    name = "telethon"
    title = "Telethon message dump (JSON / JSONL)"
    platforms = ("telegram",)
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        h = head.lstrip("\ufeff \t\r\n")
        if h[:1] not in "[{":
            return 0.0
        keys = head_keys(h[:16384])
        if '"_": "Message' in h[:16384] and "peer_id" in keys:
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        service = 0
        row = 0
        for _, doc in iter_documents(source):
            for rec in (doc if isinstance(doc, list) else [doc]):
                row += 1
                if isinstance(rec, dict) and rec.get("_") == "MessageService":
                    service += 1
                    continue
                yield row, rec
        ctx.options.setdefault("notes", []).append(f"{service:,} service messages kept apart")

    def map(self, raw: Any, ctx: ImportContext):
        if isinstance(raw, RowError):
            raise raw
        if not isinstance(raw, dict) or raw.get("_") != "Message":
            raise RowError("_", "not a Telethon Message")
        if raw.get("id") is None:
            raise RowError("id", "message without id")
        peer = _peer_id(raw.get("peer_id"))
        if peer is None:
            raise RowError("peer_id", "message without its chat")
        cid = peer.removeprefix("channel").removeprefix("chat").removeprefix("user")
        root = f"chat:{cid}"
        try:
            created = parse_time(raw.get("date"), local_zone(ctx) if ctx else None)
        except (ValueError, TypeError, OverflowError, OSError) as e:
            raise RowError("date", str(e)) from None
        sender = _peer_id(raw.get("from_id")) or (peer if peer.startswith("channel") else None)
        reply = raw.get("reply_to", {}).get("reply_to_msg_id") if isinstance(raw.get("reply_to"), dict) else None
        if raw.get("fwd_from"):
            reply = None   # a forward's parent is always its chat
        media = "text"
        md = raw.get("media")
        if isinstance(md, dict):
            t = str(md.get("_", ""))
            if "Photo" in t:
                media = "photo"
            elif "WebPage" in t:
                media = "link"
            elif "Document" in t:
                mime = str((md.get("document") or {}).get("mime_type", "")) if isinstance(md.get("document"), dict) else ""
                media = ("video" if mime.startswith("video") else "audio" if mime.startswith("audio")
                         else "sticker" if "webp" in mime or "tgsticker" in mime else "document")
        reactions = raw.get("reactions")
        likes = None
        if isinstance(reactions, dict) and isinstance(reactions.get("results"), list):
            likes = sum(_int(r.get("count"), "reactions.count") or 0 for r in reactions["results"]
                        if isinstance(r, dict))
        replies = raw.get("replies")
        text = raw.get("message")
        if text is not None and not isinstance(text, str):
            raise RowError("message", f"expected text, got {type(text).__name__}")
        post = {"platform": "telegram", "post_id": f"{root}:{raw['id']}", "account_id": sender,
                "created_at": created, "text": text or None, "media_type": media, "media_files": [],
                "kind": "share" if raw.get("fwd_from") else "reply" if reply is not None else "post",
                "parent_id": f"{root}:{reply}" if reply is not None else root, "root_id": root,
                "views": _int(raw.get("views"), "views"), "shares": _int(raw.get("forwards"), "forwards"),
                "comments": _int(replies.get("replies"), "replies") if isinstance(replies, dict) else None,
                "likes": likes}
        acc = {"platform": "telegram", "account_id": sender} if sender else None
        if acc and raw.get("post_author") and sender.startswith("channel"):
            pass   # a channel post's signature names an admin; the channel stays the author
        return [Item(post=_finish(post, []), account=acc)]


IMPORTERS = [TelegramExport, TelethonDump]
