"""YouTube Data API v3 JSON: ``videos.list``, ``commentThreads.list``, ``comments.list``,
``search.list`` and ``channels.list`` responses.

Each response names itself in ``kind`` (``youtube#videoListResponse`` ...), and so does each
item, so one importer reads any mix (single responses, arrays of responses, JSON Lines of
pages as written by `suara pull youtube`).

Semantics
---------
* Videos become posts (text = title + blank line + description; media type ``live`` for
  live/upcoming broadcasts, else ``video``); ``statistics`` counts are strings and become
  likes/comments/views (``favoriteCount`` is always 0 and ignored). The channel becomes the
  account (``channelId``, ``channelTitle``).
* Comment threads: the top-level comment is a ``comment`` with parent and root = video; its
  ``totalReplyCount`` is its ``comments`` count; included ``replies.comments[]`` are
  ``reply`` posts (parent = top-level comment, root = video). ``comments.list`` items with
  ``parentId`` are replies (root = ``videoId`` when present).
* ``textDisplay`` is HTML: ``textOriginal`` is preferred, otherwise tags are stripped and
  entities unescaped. Comment authors become accounts (``authorChannelId.value``).
* Search results carry only a snippet (title, a truncated description, channel, time): video
  results become posts without counts, channel results become accounts; playlists are
  skipped. Import ``videos.list`` pages for full text and counts.
* Channels: subscriberCount -> followers, videoCount -> post_count, customUrl -> handle.

Example
-------
>>> html_to_text('Hai <b>semua</b> &amp; <a href="http://x.id">x.id</a><br>lagi')
'Hai semua & x.id\\nlagi'
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterator

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_int)
from suara.ingest.formats._apijson import iter_records

__all__ = ["YouTubeDataAPI", "html_to_text"]

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r'<a\s[^>]*href="([^"]+)"', re.IGNORECASE)


def html_to_text(s: str | None) -> str | None:
    """Plain text from YouTube's ``textDisplay`` HTML (line breaks kept, tags dropped)."""
    if s is None:
        return None
    return html.unescape(_TAG.sub("", _BR.sub("\n", s)))


def _n(d: dict, key: str, where: str) -> int | None:
    try:
        return to_int(d.get(key))
    except ValueError as e:
        raise RowError(f"{where}.{key}", str(e)) from None


def _t(d: dict, key: str, where: str):
    try:
        return parse_time(d.get(key))
    except ValueError as e:
        raise RowError(f"{where}.{key}", str(e)) from None


class YouTubeDataAPI(Importer):
    """YouTube Data API v3 responses (videos, comment threads, comments, search, channels)."""

    name = "youtube-api"
    title = "YouTube Data API v3 JSON"
    platforms = ("youtube",)
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        m = re.search(r'"kind"\s*:\s*"youtube#(\w+)"', head)
        return 0.95 if m else 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        def split(doc):
            if isinstance(doc, list):
                out = []
                for d in doc:
                    out.extend(split(d))
                return out
            if not isinstance(doc, dict):
                raise RowError("(document)", "not a JSON object")
            if isinstance(doc.get("error"), dict):
                e = doc["error"]
                raise RowError("error", f"API error {e.get('code')}: {e.get('message')}")
            kind = str(doc.get("kind") or "")
            if kind.endswith("ListResponse") or "items" in doc:
                return list(doc.get("items") or [])
            if kind.startswith("youtube#"):
                return [doc]
            return []
        return iter_records(source, split)

    def map(self, raw: Any, ctx: ImportContext | None):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        kind = raw.get("kind")
        if kind == "youtube#video":
            return self._video(raw)
        if kind == "youtube#commentThread":
            return self._thread(raw)
        if kind == "youtube#comment":
            return self._comment(raw, None, None)
        if kind == "youtube#searchResult":
            return self._search(raw)
        if kind == "youtube#channel":
            return self._channel(raw)
        if kind in ("youtube#playlist", "youtube#playlistItem"):
            return []
        raise RowError("kind", f"unsupported item kind {str(kind)[:40]!r}")

    def _video(self, raw: dict) -> list[Item]:
        vid = raw.get("id")
        if isinstance(vid, dict):
            vid = vid.get("videoId")
        if not vid:
            raise RowError("id", "missing video id")
        sn = raw.get("snippet") or {}
        st = raw.get("statistics") or {}
        if not isinstance(sn, dict) or not isinstance(st, dict):
            raise RowError("snippet", "not an object")
        title, desc = sn.get("title") or "", sn.get("description") or ""
        text = f"{title}\n\n{desc}".strip() if desc else (title or None)
        live = sn.get("liveBroadcastContent") in ("live", "upcoming") or "liveStreamingDetails" in raw
        post = fill_entities({
            "platform": "youtube", "post_id": str(vid), "account_id": sn.get("channelId"),
            "created_at": _t(sn, "publishedAt", "snippet"), "kind": "post", "text": text,
            "media_type": "live" if live else "video",
            "url": f"https://www.youtube.com/watch?v={vid}",
            "likes": _n(st, "likeCount", "statistics"), "comments": _n(st, "commentCount", "statistics"),
            "views": _n(st, "viewCount", "statistics")})
        acc = None
        if sn.get("channelId"):
            acc = {"platform": "youtube", "account_id": sn["channelId"],
                   "display_name": sn.get("channelTitle")}
        return [Item(post=post, account=acc)]

    def _author(self, sn: dict) -> dict | None:
        aid = (sn.get("authorChannelId") or {}).get("value") if isinstance(sn.get("authorChannelId"), dict) \
            else sn.get("authorChannelId")
        if not aid:
            return None
        url = sn.get("authorChannelUrl") or ""
        handle = url.rsplit("/", 1)[-1] if "/@" in url else None
        return {"platform": "youtube", "account_id": str(aid), "display_name": sn.get("authorDisplayName"),
                "handle": handle}

    def _comment(self, raw: dict, video: str | None, parent: str | None,
                 replies: int | None = None) -> list[Item]:
        cid = raw.get("id")
        if not cid:
            raise RowError("id", "missing comment id")
        sn = raw.get("snippet") or {}
        if not isinstance(sn, dict):
            raise RowError("snippet", "not an object")
        video = video or sn.get("videoId")
        parent = parent or sn.get("parentId")
        text = sn.get("textOriginal")
        if text is None:
            text = html_to_text(sn.get("textDisplay"))
        links = _HREF.findall(sn.get("textDisplay") or "")
        acc = self._author(sn)
        post = fill_entities({
            "platform": "youtube", "post_id": str(cid), "account_id": acc and acc["account_id"],
            "created_at": _t(sn, "publishedAt", "snippet"),
            "kind": "reply" if parent else "comment", "parent_id": parent or video,
            "root_id": video, "text": text or None, "media_type": "text",
            "url": (f"https://www.youtube.com/watch?v={video}&lc={cid}" if video else None),
            "links": [html.unescape(u) for u in links],
            "likes": _n(sn, "likeCount", "snippet"), "comments": replies})
        return [Item(post=post, account=acc)]

    def _thread(self, raw: dict) -> list[Item]:
        sn = raw.get("snippet") or {}
        top = sn.get("topLevelComment")
        if not isinstance(top, dict):
            raise RowError("snippet.topLevelComment", "missing")
        video = sn.get("videoId") or (top.get("snippet") or {}).get("videoId")
        try:
            n_rep = to_int(sn.get("totalReplyCount"))
        except ValueError as e:
            raise RowError("snippet.totalReplyCount", str(e)) from None
        items = self._comment(top, video, None, n_rep)
        top_id = items[0].post["post_id"]
        for r in (raw.get("replies") or {}).get("comments") or []:
            if isinstance(r, dict):
                items += self._comment(r, video, top_id)
        return items

    def _search(self, raw: dict) -> list[Item]:
        rid = raw.get("id") or {}
        sn = raw.get("snippet") or {}
        if not isinstance(rid, dict):
            raise RowError("id", "search result id is not an object")
        k = rid.get("kind")
        if k == "youtube#video":
            title = html.unescape(sn.get("title") or "")
            desc = html.unescape(sn.get("description") or "")
            text = f"{title}\n\n{desc}".strip() if desc else (title or None)
            vid = rid.get("videoId")
            if not vid:
                raise RowError("id.videoId", "missing")
            post = fill_entities({
                "platform": "youtube", "post_id": vid, "account_id": sn.get("channelId"),
                "created_at": _t(sn, "publishedAt", "snippet"), "kind": "post", "text": text,
                "media_type": "live" if sn.get("liveBroadcastContent") in ("live", "upcoming") else "video",
                "url": f"https://www.youtube.com/watch?v={vid}"})
            acc = ({"platform": "youtube", "account_id": sn["channelId"],
                    "display_name": sn.get("channelTitle")} if sn.get("channelId") else None)
            return [Item(post=post, account=acc)]
        if k == "youtube#channel" and rid.get("channelId"):
            return [Item(account={"platform": "youtube", "account_id": rid["channelId"],
                                  "display_name": sn.get("channelTitle") or sn.get("title"),
                                  "bio": sn.get("description") or None})]
        return []

    def _channel(self, raw: dict) -> list[Item]:
        cid = raw.get("id")
        if not cid:
            raise RowError("id", "missing channel id")
        sn = raw.get("snippet") or {}
        st = raw.get("statistics") or {}
        hidden = bool(st.get("hiddenSubscriberCount"))
        acc = {"platform": "youtube", "account_id": str(cid), "handle": (sn.get("customUrl") or "").lstrip("@") or None,
               "display_name": sn.get("title"), "bio": sn.get("description") or None,
               "location_text": sn.get("country"), "created_at": _t(sn, "publishedAt", "snippet"),
               "followers": None if hidden else _n(st, "subscriberCount", "statistics"),
               "post_count": _n(st, "videoCount", "statistics")}
        return [Item(account=acc)]


IMPORTERS = [YouTubeDataAPI]
