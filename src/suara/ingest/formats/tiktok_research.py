"""TikTok Research API JSON: video query, comment list and user info responses.

Responses are ``{"data": {...}, "error": {"code": "ok", ...}}``: ``data.videos[]`` from
``POST /v2/research/video/query/``, ``data.comments[]`` from
``POST /v2/research/video/comment/list/``, and a bare user object in ``data`` from
``POST /v2/research/user/info/``. Files may hold one response, an array of responses,
JSON Lines of responses (what `suara pull tiktok` and most harvesters write), or bare
video/comment objects.

Semantics
---------
* Ids exceed 2**53 and are kept as exact decimal strings (never through float).
* Videos: ``id`` (live API) or ``video_id`` (documentation examples); the author's
  ``username`` is the account id (the Research API exposes no numeric user id).
* Comments: ``parent_comment_id`` equal to ``video_id`` means a top-level comment
  (kind comment, parent = video); otherwise a reply (parent = that comment, root = video).
* ``create_time`` is epoch seconds (UTC). Counts: like, comment, share, view.
  ``favorites_count`` becomes saves.
* A user-info response carries no username unless the harvester added one (``username``
  inside ``data`` or next to it); without it the record is quarantined naming ``username``.

Example
-------
>>> TikTokResearch().map({"_kind": "video", "id": 702874395068494965, "username": "a",
...     "create_time": 1633823999, "video_description": "lol #pov"}, None)[0].post["post_id"]
'702874395068494965'
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_bool, to_int)
from suara.ingest.formats._apijson import foreign_envelope, head_keys, iter_records

__all__ = ["TikTokResearch", "exact_id"]


def exact_id(value: Any, field: str) -> str | None:
    """An id as an exact decimal string; floats (already rounded) are refused.

    >>> exact_id(702874395068494965, "id"), exact_id("7028743950684949650", "id")
    ('702874395068494965', '7028743950684949650')
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise RowError(field, f"id stored as a float ({value!r}): precision lost; export ids as strings")
    s = str(value).strip()
    if not re.fullmatch(r"\d{1,30}", s):
        raise RowError(field, f"not a numeric id: {s[:40]!r}")
    return s


def _n(raw: dict, key: str) -> int | None:
    try:
        return to_int(raw.get(key))
    except ValueError as e:
        raise RowError(key, str(e)) from None


class TikTokResearch(Importer):
    """TikTok Research API responses (videos, comments, user info)."""

    name = "tiktok-research"
    title = "TikTok Research API JSON (video query, comment list, user info)"
    platforms = ("tiktok",)
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        keys = head_keys(head)
        if foreign_envelope(keys):
            return 0.0
        # has_more/cursor/search_id come after the list: absent from the head of a big page
        if "data" in keys and "videos" in keys and \
                ({"video_description", "region_code", "hashtag_names", "music_id"} & keys):
            return 0.92
        if "data" in keys and "comments" in keys and "parent_comment_id" in keys and \
                ({"video_id", "create_time", "reply_count"} & keys):
            return 0.92
        if "data" in keys and "error" in keys and "log_id" in keys and \
                {"bio_description", "follower_count", "likes_count"} & keys:
            return 0.9
        if {"video_description", "region_code", "create_time"} <= keys:
            return 0.8
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        def split(doc):
            if isinstance(doc, list):
                out = []
                for d in doc:
                    out.extend(split(d))
                return out
            if not isinstance(doc, dict):
                raise RowError("(document)", "not a JSON object")
            err = doc.get("error")
            if isinstance(err, dict) and err.get("code") not in (None, "ok"):
                raise RowError("error.code", f"API error {err.get('code')}: {err.get('message')}")
            data = doc.get("data")
            if isinstance(data, dict):
                if isinstance(data.get("videos"), list):
                    return [dict(v, _kind="video") for v in data["videos"] if isinstance(v, dict)] \
                        + [v for v in data["videos"] if not isinstance(v, dict)]
                if isinstance(data.get("comments"), list):
                    return [dict(c, _kind="comment") for c in data["comments"] if isinstance(c, dict)] \
                        + [c for c in data["comments"] if not isinstance(c, dict)]
                if {"display_name", "follower_count", "bio_description"} & set(data):
                    u = dict(data, _kind="user")
                    if "username" not in u and doc.get("username"):
                        u["username"] = doc["username"]
                    return [u]
                return []
            if "video_description" in doc or "region_code" in doc:
                return [dict(doc, _kind="video")]
            if "parent_comment_id" in doc:
                return [dict(doc, _kind="comment")]
            return []
        return iter_records(source, split)

    def map(self, raw: Any, ctx: ImportContext | None):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        kind = raw.get("_kind")
        if kind == "video":
            return self._video(raw)
        if kind == "comment":
            return self._comment(raw)
        if kind == "user":
            return self._user(raw)
        raise RowError("(record)", "not a TikTok video, comment or user object")

    def _video(self, raw: dict) -> list[Item]:
        vid = exact_id(raw.get("id", raw.get("video_id")), "id")
        if not vid:
            raise RowError("id", "missing video id")
        try:
            created = parse_time(raw.get("create_time"))
        except (ValueError, OverflowError, OSError) as e:
            raise RowError("create_time", str(e)) from None
        user = raw.get("username")
        text = raw.get("video_description")
        tags = [str(h).lower().lstrip("#") for h in raw.get("hashtag_names") or [] if h]
        post = fill_entities({
            "platform": "tiktok", "post_id": vid, "account_id": user or None, "created_at": created,
            "kind": "post", "text": text or None, "media_type": "video",
            "url": f"https://www.tiktok.com/@{user}/video/{vid}" if user else None,
            "hashtags": tags, "likes": _n(raw, "like_count"), "comments": _n(raw, "comment_count"),
            "shares": _n(raw, "share_count"), "views": _n(raw, "view_count"),
            "saves": _n(raw, "favorites_count"),
            "geo": raw.get("region_code") or None})
        acc = {"platform": "tiktok", "account_id": user, "handle": user} if user else None
        return [Item(post=post, account=acc)]

    def _comment(self, raw: dict) -> list[Item]:
        cid = exact_id(raw.get("id"), "id")
        if not cid:
            raise RowError("id", "missing comment id")
        vid = exact_id(raw.get("video_id"), "video_id")
        parent = exact_id(raw.get("parent_comment_id"), "parent_comment_id")
        try:
            created = parse_time(raw.get("create_time"))
        except (ValueError, OverflowError, OSError) as e:
            raise RowError("create_time", str(e)) from None
        is_reply = parent is not None and parent != vid
        user = raw.get("username")
        post = fill_entities({
            "platform": "tiktok", "post_id": cid, "account_id": user or None, "created_at": created,
            "kind": "reply" if is_reply else "comment", "parent_id": parent if is_reply else vid,
            "root_id": vid, "text": raw.get("text") or None, "media_type": "text",
            "likes": _n(raw, "like_count"), "comments": _n(raw, "reply_count")})
        acc = {"platform": "tiktok", "account_id": user, "handle": user} if user else None
        return [Item(post=post, account=acc)]

    def _user(self, raw: dict) -> list[Item]:
        user = raw.get("username")
        if not user:
            raise RowError("username", "user info response without a username (the API echoes "
                           "none; keep the requested username next to the response)")
        try:
            verified = to_bool(raw.get("is_verified"))
        except ValueError as e:
            raise RowError("is_verified", str(e)) from None
        acc = {"platform": "tiktok", "account_id": str(user), "handle": str(user),
               "display_name": raw.get("display_name"), "bio": raw.get("bio_description"),
               "followers": _n(raw, "follower_count"), "following": _n(raw, "following_count"),
               "post_count": _n(raw, "video_count"), "verified": verified}
        return [Item(account=acc)]


IMPORTERS = [TikTokResearch]
