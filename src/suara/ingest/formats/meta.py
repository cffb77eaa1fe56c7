"""Meta Graph API and Meta Content Library JSON: Facebook page posts and comments, Instagram
media and comments.

Accepted shapes: list pages ``{"data": [...], "paging": {...}}``, single objects
(``GET /{id}``), ``GET /?ids=a,b`` objects keyed by id, Instagram ``business_discovery``
responses, JSON arrays and JSON Lines of any of these. Comments nested in a post
(``comments{data}``) and replies nested in a comment (``comments``/``replies{data}``) become
posts of kind comment/reply with ``parent_id`` and ``root_id``.

Identifiers follow `suara.ingest.formats.crowdtangle`: Facebook posts under their bare object
id (``19292868552_10158349356748553`` -> ``10158349356748553``, the page id becomes the
account), Instagram media under their shortcode when the permalink is known (else the
Graph media id). Facebook comments without an ``id`` field are identified from
``permalink_url`` (``comment_id`` / ``reply_comment_id``).

Counts: ``likes`` = ``reactions.summary.total_count`` (or the sum of per-type aliased
summaries such as ``like``/``love``/``haha``), Instagram ``like_count``; ``comments`` =
``comments.summary.total_count``/``comments_count``/``comment_count``; ``shares`` =
``shares.count``; ``views`` from Content Library ``statistics.views``. Times carry
``+0000`` offsets and are stored as UTC. ``is_paid``: ``sponsor_tags`` present,
``promotion_status`` of a boosted post, or Content Library ``is_branded_content``.

Example
-------
>>> MetaGraphJSON().map({"id": "1_2", "created_time": "2021-07-09T19:09:52+0000",
...     "message": "Halo #Kaltim", "status_type": "added_photos"}, None)[0].post["post_id"]
'2'
"""
from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_int)
from suara.ingest.formats._apijson import foreign_envelope, head_keys, iter_records
from suara.ingest.formats.crowdtangle import facebook_post_id, instagram_shortcode

__all__ = ["MetaGraphJSON"]

_IG_MEDIA = {"IMAGE": "photo", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel", "REELS": "reel",
             "STORY": "photo"}
_FB_ATTACH = {"photo": "photo", "album": "carousel", "video": "video", "video_inline": "video",
              "video_autoplay": "video", "link": "link", "share": "link", "event": "link",
              "live_video": "live", "reel": "reel", "native_templates": "link"}
_FB_STATUS = {"added_photos": "photo", "added_video": "video", "shared_story": "link",
              "mobile_status_update": "text", "created_note": "text", "created_event": "link",
              "published_story": "text"}
_REACTION_ALIASES = ("like", "love", "wow", "haha", "sad", "angry", "care", "thankful", "pride")
_BOOSTED = {"active", "extendable", "finished", "paused"}


def _count(obj: Any, field: str) -> int | None:
    """Count from an int/string, ``{"count": n}`` or an edge with ``summary.total_count``."""
    if obj is None:
        return None
    try:
        if isinstance(obj, dict):
            if "summary" in obj and isinstance(obj["summary"], dict):
                return to_int(obj["summary"].get("total_count"))
            if "count" in obj:
                return to_int(obj["count"])
            return None
        return to_int(obj)
    except ValueError as e:
        raise RowError(field, str(e)) from None


def _time(raw: dict, *keys: str):
    for k in keys:
        if raw.get(k) not in (None, ""):
            try:
                return parse_time(raw[k])
            except (ValueError, OverflowError, OSError) as e:
                raise RowError(k, str(e)) from None
    return None


def _fb_ids_from_permalink(url: str | None) -> tuple[str | None, str | None, str | None]:
    """(post, comment, reply) ids from a Facebook comment permalink."""
    if not url:
        return None, None, None
    q = parse_qs(urlparse(url).query)
    return (facebook_post_id(url), (q.get("comment_id") or [None])[0],
            (q.get("reply_comment_id") or [None])[0])


def _kind_of(raw: dict) -> str:
    if raw.get("_edge") == "comments":
        return "ig_comment" if "timestamp" in raw and "created_time" not in raw else "fb_comment"
    if "creation_time" in raw or "post_owner" in raw or "multimedia" in raw:
        return "mcl"
    if "media_type" in raw or "media_product_type" in raw or "caption" in raw \
            or "instagram.com" in str(raw.get("permalink") or ""):
        return "ig_media"
    if "timestamp" in raw and ("text" in raw or "username" in raw) and "message" not in raw:
        return "ig_comment"
    if "created_time" in raw or "message" in raw:
        link = str(raw.get("permalink_url") or "")
        if "comment_id=" in link or "parent" in raw or "comment_count" in raw or "like_count" in raw:
            if not any(k in raw for k in ("status_type", "attachments", "reactions", "shares")):
                return "fb_comment"
        return "fb_post"
    return "unknown"


class MetaGraphJSON(Importer):
    """Meta Graph API / Content Library JSON (Facebook pages, Instagram business media)."""

    name = "meta-graph"
    title = "Meta Graph API / Content Library JSON (Facebook, Instagram)"
    platforms = ("facebook", "instagram")
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        keys = head_keys(head)
        if foreign_envelope(keys):
            return 0.0
        if "platformId" in keys or "kind" in keys and "youtube#" in head:
            return 0.0
        if "text_post_app_info" in keys:   # Threads posts (Instagram-like fields)
            return 0.0
        if "media_type" in keys and ("permalink" in keys or "like_count" in keys) \
                and ("comments_count" in keys or "timestamp" in keys or "caption" in keys):
            return 0.85
        if "created_time" in keys and re.search(r'"created_time"\s*:\s*"\d{4}-\d\d-\d\dT[\d:]+\+\d{4}"', head):
            return 0.85
        if "business_discovery" in keys:
            return 0.85
        if "creation_time" in keys and ("post_owner" in keys or "multimedia" in keys):
            return 0.85
        if "data" in keys and "timestamp" in keys and "text" in keys and \
                ({"username", "from", "like_count"} & keys) and "ownerUsername" not in keys:
            return 0.7  # Instagram comments edge
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        def split(doc):
            if isinstance(doc, list):
                return doc
            if not isinstance(doc, dict):
                raise RowError("(document)", "not a JSON object or array")
            if isinstance(doc.get("error"), dict):
                e = doc["error"]
                raise RowError("error", f"API error {e.get('code')}: {e.get('message')}")
            if isinstance(doc.get("business_discovery"), dict):
                bd = doc["business_discovery"]
                owner = {"id": bd.get("id"), "username": bd.get("username"),
                         "followers_count": bd.get("followers_count"),
                         "media_count": bd.get("media_count"), "name": bd.get("name"),
                         "biography": bd.get("biography")}
                media = (bd.get("media") or {}).get("data") or []
                return [dict(m, _owner=owner) for m in media if isinstance(m, dict)]
            if isinstance(doc.get("data"), list):
                # a /comments edge page: records need not look like comments (the default
                # fields are only id, message, created_time, from), so the page tells
                paging = doc.get("paging") if isinstance(doc.get("paging"), dict) else {}
                links = f"{paging.get('next', '')} {paging.get('previous', '')}"
                edge = ("/comments" in links or "comment" in source.inner_name.lower()
                        or (isinstance(doc.get("summary"), dict) and "order" in doc["summary"]))
                if edge:
                    return [dict(r, _edge="comments") if isinstance(r, dict) else r for r in doc["data"]]
                return doc["data"]
            if "id" in doc or "created_time" in doc or "creation_time" in doc:
                return [doc]
            vals = list(doc.values())
            if vals and all(isinstance(v, dict) and "id" in v for v in vals):
                return vals  # GET /?ids=a,b
            return []
        return iter_records(source, split)

    def map(self, raw: Any, ctx: ImportContext | None):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        kind = _kind_of(raw)
        if kind == "fb_post":
            return self._fb_post(raw)
        if kind == "fb_comment":
            return self._fb_comment(raw, None)
        if kind == "ig_media":
            return self._ig_media(raw)
        if kind == "ig_comment":
            return self._ig_comment(raw, None, None)
        if kind == "mcl":
            return self._mcl(raw, ctx)
        raise RowError("(record)", "neither a Facebook post/comment nor Instagram media/comment")

    # -- Facebook ---------------------------------------------------------------------------
    def _fb_account(self, frm: Any, fallback_id: str | None) -> dict | None:
        if isinstance(frm, dict) and frm.get("id"):
            return {"platform": "facebook", "account_id": str(frm["id"]),
                    "display_name": frm.get("name"), "handle": frm.get("username")}
        if fallback_id:
            return {"platform": "facebook", "account_id": fallback_id}
        return None

    def _fb_post(self, raw: dict) -> list[Item]:
        rid = str(raw.get("id") or "")
        pid = facebook_post_id(rid) or facebook_post_id(raw.get("permalink_url"))
        if not pid:
            raise RowError("id", "missing post id")
        page = rid.split("_")[0] if "_" in rid else None
        acc = self._fb_account(raw.get("from"), page)
        likes = _count(raw.get("reactions"), "reactions")
        if likes is None:
            parts = [_count(raw.get(a), a) for a in _REACTION_ALIASES if isinstance(raw.get(a), dict)]
            parts = [p for p in parts if p is not None]
            likes = sum(parts) if parts else _count(raw.get("likes"), "likes")
        att = ((raw.get("attachments") or {}).get("data") or [{}])[0] or {}
        mtype = _FB_ATTACH.get(str(att.get("media_type") or att.get("type") or "").lower()) \
            or _FB_ATTACH.get(str(raw.get("type") or "").lower()) \
            or _FB_STATUS.get(str(raw.get("status_type") or "").lower())
        if mtype is None and (raw.get("message") or raw.get("story")):
            mtype = "text"
        text = raw.get("message") or raw.get("story") or None
        links = [u for u in (att.get("unshimmed_url"), raw.get("link")) if u and "facebook.com" not in u]
        paid = bool(raw.get("sponsor_tags")) or str(raw.get("promotion_status") or "").lower() in _BOOSTED
        post = fill_entities({
            "platform": "facebook", "post_id": pid, "account_id": acc and acc["account_id"],
            "created_at": _time(raw, "created_time"), "kind": "post", "text": text,
            "media_type": mtype, "url": raw.get("permalink_url"), "links": links,
            "likes": likes, "comments": _count(raw.get("comments"), "comments"),
            "shares": _count(raw.get("shares"), "shares"), "is_paid": paid})
        items = [Item(post=post, account=acc)]
        for c in ((raw.get("comments") or {}).get("data") or []) if isinstance(raw.get("comments"), dict) else []:
            if isinstance(c, dict):
                items += self._fb_comment(c, pid)
        return items

    def _fb_comment(self, raw: dict, post_id: str | None, parent: str | None = None) -> list[Item]:
        rid = str(raw.get("id") or "")
        p_post, p_comment, p_reply = _fb_ids_from_permalink(raw.get("permalink_url"))
        root = post_id or p_post or (rid.split("_")[0] if "_" in rid else None)
        cid = p_reply or p_comment or (rid.rsplit("_", 1)[-1] if rid else None)
        if not cid:
            raise RowError("id", "missing comment id (no id and no comment_id in permalink_url)")
        par = parent
        if par is None and isinstance(raw.get("parent"), dict) and raw["parent"].get("id"):
            par = str(raw["parent"]["id"]).rsplit("_", 1)[-1]
        if par is None and p_reply:
            par = p_comment
        kind = "reply" if par and par != root else "comment"
        if par is None:
            par = root
        acc = self._fb_account(raw.get("from"), None)
        post = fill_entities({
            "platform": "facebook", "post_id": cid, "account_id": acc and acc["account_id"],
            "created_at": _time(raw, "created_time"), "kind": kind, "parent_id": par,
            "root_id": root, "text": raw.get("message") or None, "media_type": "text",
            "url": raw.get("permalink_url"),
            "likes": _count(raw.get("like_count"), "like_count")
            if "like_count" in raw else _count(raw.get("reactions"), "reactions"),
            "comments": _count(raw.get("comment_count"), "comment_count")})
        items = [Item(post=post, account=acc)]
        sub = raw.get("comments")
        for c in (sub.get("data") or []) if isinstance(sub, dict) else []:
            if isinstance(c, dict):
                items += self._fb_comment(c, root, cid)
        return items

    # -- Instagram --------------------------------------------------------------------------
    def _ig_account(self, raw: dict) -> dict | None:
        owner = raw.get("_owner") or raw.get("owner") or raw.get("from") or {}
        if not isinstance(owner, dict):
            owner = {}
        handle = owner.get("username") or raw.get("username")
        # the username is the one account key every Instagram format carries (CrowdTangle
        # CSV has no id; Graph ids are app-scoped, unlike the web ids of scrapers)
        aid = handle or owner.get("id")
        if not aid:
            return None
        try:
            followers = to_int(owner.get("followers_count"))
            count = to_int(owner.get("media_count"))
        except ValueError:
            followers = count = None
        return {"platform": "instagram", "account_id": str(aid), "handle": handle,
                "display_name": owner.get("name"), "bio": owner.get("biography"),
                "followers": followers, "post_count": count}

    def _ig_media(self, raw: dict) -> list[Item]:
        gid = str(raw.get("id") or "")
        pid = instagram_shortcode(raw.get("permalink")) or raw.get("shortcode") or gid
        if not pid:
            raise RowError("id", "missing media id")
        mt = str(raw.get("media_type") or "").upper()
        mtype = "reel" if str(raw.get("media_product_type") or "").upper() == "REELS" else _IG_MEDIA.get(mt)
        if mt and mtype is None:
            raise RowError("media_type", f"unknown media type {mt[:30]!r}")
        acc = self._ig_account(raw)
        files = [u for u in (raw.get("media_url"),) if u]
        post = fill_entities({
            "platform": "instagram", "post_id": pid, "account_id": acc and acc["account_id"],
            "created_at": _time(raw, "timestamp"), "kind": "post", "text": raw.get("caption") or None,
            "media_type": mtype, "url": raw.get("permalink"),
            "likes": _count(raw.get("like_count"), "like_count"),
            "comments": _count(raw.get("comments_count"), "comments_count"),
            "views": _count(raw.get("video_views") if "video_views" in raw else raw.get("plays"), "video_views"),
            "media_files": files})
        items = [Item(post=post, account=acc)]
        com = raw.get("comments")
        for c in (com.get("data") or []) if isinstance(com, dict) else []:
            if isinstance(c, dict):
                items += self._ig_comment(c, pid, None)
        return items

    def _ig_comment(self, raw: dict, media: str | None, parent: str | None) -> list[Item]:
        cid = raw.get("id")
        if not cid:
            raise RowError("id", "missing comment id")
        cid = str(cid)
        if media is None and isinstance(raw.get("media"), dict):
            m = raw["media"]
            media = m.get("shortcode") or instagram_shortcode(m.get("permalink")) or \
                (str(m["id"]) if m.get("id") else None)
        par = parent or (str(raw["parent_id"]) if raw.get("parent_id") else None) or media
        acc = self._ig_account(raw)
        post = fill_entities({
            "platform": "instagram", "post_id": cid, "account_id": acc and acc["account_id"],
            "created_at": _time(raw, "timestamp"), "kind": "reply" if parent or raw.get("parent_id") else "comment",
            "parent_id": par, "root_id": media, "text": raw.get("text") or None, "media_type": "text",
            "likes": _count(raw.get("like_count"), "like_count")})
        items = [Item(post=post, account=acc)]
        rep = raw.get("replies")
        for r in (rep.get("data") or []) if isinstance(rep, dict) else []:
            if isinstance(r, dict):
                items += self._ig_comment(r, media, cid)
        return items

    # -- Meta Content Library ---------------------------------------------------------------
    def _mcl(self, raw: dict, ctx: ImportContext | None) -> list[Item]:
        stats = raw.get("statistics") if isinstance(raw.get("statistics"), dict) else {}
        url = str(raw.get("permalink") or raw.get("url") or raw.get("post_url") or "")
        hint = (ctx.platform if ctx else None) or str(raw.get("platform") or "").lower() or None
        if hint not in ("facebook", "instagram"):
            hint = "instagram" if ("instagram.com" in url or ("like_count" in stats
                                                           and "reaction_count" not in stats)) else "facebook"
        rid = str(raw.get("id") or "")
        if hint == "facebook":
            pid = facebook_post_id(rid) or facebook_post_id(url) or rid or None
        else:
            pid = instagram_shortcode(url) or rid or None
        if not pid:
            raise RowError("id", "missing id")
        owner = raw.get("post_owner") if isinstance(raw.get("post_owner"), dict) else {}
        aid = (owner.get("username") or owner.get("id")) if hint == "instagram" else owner.get("id")
        acc = None
        if aid:
            acc = {"platform": hint, "account_id": str(aid), "handle": owner.get("username"),
                   "display_name": owner.get("name")}
        mm = [m for m in raw.get("multimedia") or [] if isinstance(m, dict)]
        types = {str(m.get("type") or "").lower() for m in mm}
        if len(mm) > 1:
            mtype = "carousel"
        elif "video" in types:
            mtype = "video"
        elif "photo" in types or "image" in types:
            mtype = "photo"
        elif isinstance(raw.get("link_attachment"), dict):
            mtype = "link"
        else:
            mtype = "text" if raw.get("text") else None
        parent = raw.get("parent_id") or raw.get("parent_comment_id")
        root = raw.get("post_id")
        kind = "post"
        if root or parent:
            kind = "reply" if parent and parent != root else "comment"
            parent = parent or root
        la = raw.get("link_attachment") if isinstance(raw.get("link_attachment"), dict) else {}
        likes = _count(stats.get("reaction_count"), "statistics.reaction_count")
        if likes is None:
            likes = _count(stats.get("like_count"), "statistics.like_count")
        post = fill_entities({
            "platform": hint, "post_id": pid, "account_id": acc and acc["account_id"],
            "created_at": _time(raw, "creation_time"), "kind": kind,
            "parent_id": str(parent) if parent else None, "root_id": str(root) if root else None,
            "text": raw.get("text") or None, "media_type": mtype, "url": url or None,
            "links": [la["link"]] if la.get("link") else [],
            "likes": likes, "comments": _count(stats.get("comment_count"), "statistics.comment_count"),
            "shares": _count(stats.get("share_count"), "statistics.share_count"),
            "views": _count(stats.get("views"), "statistics.views"),
            "is_paid": bool(raw.get("is_branded_content")) if "is_branded_content" in raw else None})
        return [Item(post=post, account=acc)]


IMPORTERS = [MetaGraphJSON]
