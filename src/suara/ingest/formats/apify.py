"""Apify scraper datasets (JSON array or JSON Lines) for Instagram, TikTok, Facebook, X,
YouTube and Threads.

Covers the output items of the common actors:

* Instagram Scraper / Post Scraper / Hashtag Scraper (``shortCode``, ``ownerUsername``,
  ``likesCount``, ``latestComments``...) and Instagram Comments Scraper (``postUrl``,
  ``ownerUsername``, ``repliesCount``, ``replies``);
* TikTok Scraper (``authorMeta``, ``webVideoUrl``, ``diggCount``, ``playCount``...) and
  TikTok Comments Scraper (``cid``, ``videoWebUrl``, ``repliesToId``, ``uniqueId``);
* Facebook Posts Scraper (``postId``, ``facebookUrl``, ``user``, ``likes``...) and Facebook
  Comments Scraper (``commentUrl``, base64 ``id``, ``threadingDepth``);
* Tweet Scraper (apidojo: ``type: tweet``, ``twitterUrl``, ``createdAt`` in Twitter's
  format, ``likeCount``, ``retweetCount``, ``replyCount``, ``quoteCount``, ``viewCount``,
  ``isReply``/``inReplyToId``, ``isRetweet``, ``author`` with ``userName``, ``id``,
  ``followers``); tweets by id, accounts by numeric user id like the X importers;
* YouTube Scraper (streamers: ``channelName``, ``channelId``, ``viewCount``, ``likes``,
  ``commentsCount``, ``date``, ``text`` = description) and YouTube Comments Scraper
  (``cid``, ``videoId``, ``comment``, ``author``, ``voteCount``, ``replyToCid``;
  ``publishedTimeText`` is relative, "2 hari yang lalu", so ``created_at`` stays unknown);
* Threads scrapers: items keeping the website's raw post (``code``, ``taken_at``,
  ``text_post_app_info``; see `suara.ingest.formats.zeeschuimer.map_threads_post`) and flat
  items with a threads.net ``url`` (``text``, ``username``, ``likeCount``...).

Identifiers match the other importers: Instagram posts by shortcode and accounts by
username; TikTok videos/comments by numeric id (exact strings) and accounts by numeric user
id (``authorMeta.id``, ``uid``; the username when an item lacks it); Facebook posts by bare
post id and pages/profiles by numeric id.

Semantics: ``timestamp``/``time``/``createTimeISO`` are UTC; Apify writes ``-1`` for hidden
like counts (stored as unknown); Facebook ``likes`` is the reactions total; TikTok
``diggCount`` -> likes, ``playCount`` -> views, ``collectCount`` -> saves;
``isSponsored``/``isAd``/``paidPartnership`` -> is_paid. Embedded ``latestComments`` of an
Instagram post become comment posts too.

Example
-------
>>> ApifyDataset().map({"shortCode": "Cx1", "ownerUsername": "a", "type": "Sidecar",
...     "timestamp": "2024-11-20T02:15:00.000Z", "likesCount": -1}, None)[0].post["media_type"]
'carousel'
"""
from __future__ import annotations

import base64
import re
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_int)
from suara.ingest.formats._apijson import foreign_envelope, head_keys, iter_records
from suara.ingest.formats.crowdtangle import facebook_post_id, instagram_shortcode
from suara.ingest.formats.tiktok_research import exact_id
from suara.ingest.formats.zeeschuimer import map_threads_post

__all__ = ["ApifyDataset"]

_IG_TYPES = {"image": "photo", "video": "video", "sidecar": "carousel", "graphimage": "photo",
             "graphvideo": "video", "graphsidecar": "carousel"}
_TT_VIDEO = re.compile(r"/video/(\d+)")


def _n(raw: dict, key: str) -> int | None:
    v = raw.get(key)
    try:
        n = to_int(v)
    except ValueError as e:
        raise RowError(key, str(e)) from None
    return None if n is not None and n < 0 else n   # -1 = hidden by the owner


def _t(raw: dict, *keys: str):
    for k in keys:
        if raw.get(k) not in (None, ""):
            try:
                return parse_time(raw[k])
            except (ValueError, OverflowError, OSError) as e:
                raise RowError(k, str(e)) from None
    return None


def _paid(raw: dict) -> bool | None:
    flags = [raw.get(k) for k in ("isSponsored", "isAd", "paidPartnership", "isPaidPartnership")
             if isinstance(raw.get(k), bool)]
    return any(flags) if flags else None


def _which(raw: dict) -> str:
    if raw.get("type") == "tweet" or ("twitterUrl" in raw and "author" in raw):
        return "x_tweet"
    if "code" in raw and "taken_at" in raw and ("text_post_app_info" in raw or "caption" in raw):
        return "threads_post"
    if isinstance(raw.get("thread_items"), list) or isinstance(raw.get("post"), dict) and "taken_at" in raw["post"]:
        return "threads_post"
    if "threads.net/" in str(raw.get("url") or raw.get("postUrl") or "") \
            or "threads.com/" in str(raw.get("url") or raw.get("postUrl") or ""):
        return "threads_flat"
    if "channelName" in raw and ("viewCount" in raw or "numberOfSubscribers" in raw):
        return "yt_video"
    if "cid" in raw and "videoId" in raw and "comment" in raw:
        return "yt_comment"
    if "authorMeta" in raw or "webVideoUrl" in raw or ("diggCount" in raw and "playCount" in raw):
        return "tt_video"
    if "cid" in raw and ("videoWebUrl" in raw or "uniqueId" in raw or "diggCount" in raw):
        return "tt_comment"
    if "facebookUrl" in raw or "feedbackId" in raw or "pageName" in raw:
        if "commentUrl" in raw or "threadingDepth" in raw or "profileName" in raw:
            return "fb_comment"
        return "fb_post"
    if "shortCode" in raw or ("ownerUsername" in raw and ("type" in raw or "displayUrl" in raw)):
        return "ig_post"
    if "ownerUsername" in raw and "text" in raw:
        return "ig_comment"
    return "unknown"


class ApifyDataset(Importer):
    """Apify dataset items of the common Instagram, TikTok and Facebook scrapers."""

    name = "apify"
    title = "Apify scraper dataset (Instagram, TikTok, Facebook, X, YouTube, Threads)"
    platforms = ("instagram", "tiktok", "facebook", "x", "youtube", "threads")
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        keys = head_keys(head)
        if foreign_envelope(keys):
            return 0.0
        if {"source_platform", "item_id", "nav_index"} & keys:   # Zeeschuimer envelopes
            return 0.0
        if "ownerUsername" in keys and ({"shortCode", "inputUrl", "postUrl", "likesCount"} & keys):
            return 0.9
        if "authorMeta" in keys or ("webVideoUrl" in keys and "diggCount" in keys):
            return 0.9
        if "cid" in keys and ({"videoWebUrl", "repliesToId", "uniqueId"} & keys):
            return 0.9
        if "facebookUrl" in keys and ({"postId", "commentUrl", "pageName", "feedbackId"} & keys):
            return 0.9
        if "twitterUrl" in keys and ({"likeCount", "retweetCount", "author"} & keys):
            return 0.9       # apidojo tweet-scraper
        if "channelName" in keys and ({"numberOfSubscribers", "viewCount"} & keys) and "channelUrl" in keys:
            return 0.9       # streamers youtube-scraper
        if {"cid", "videoId", "comment"} <= keys and ({"voteCount", "replyCount", "pageUrl"} & keys):
            return 0.9       # streamers youtube-comments-scraper
        if "text_post_app_info" in keys and "taken_at" in keys:
            return 0.9       # Threads scrapers keeping the raw post
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        def split(doc):
            if isinstance(doc, list):
                return doc
            if isinstance(doc, dict):
                if isinstance(doc.get("items"), list) and _which(doc) == "unknown":
                    return doc["items"]
                return [doc]
            raise RowError("(document)", "not a JSON object or array")
        return iter_records(source, split)

    def map(self, raw: Any, ctx: ImportContext | None):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        if raw.get("error") and len(raw) <= 4:
            raise RowError("error", f"scraper error item: {str(raw.get('error'))[:200]}")
        kind = _which(raw)
        if kind == "ig_post":
            return self._ig_post(raw)
        if kind == "ig_comment":
            post = instagram_shortcode(raw.get("postUrl") or raw.get("commentUrl"))
            return self._ig_comment(raw, post, None)
        if kind == "tt_video":
            return self._tt_video(raw)
        if kind == "tt_comment":
            return self._tt_comment(raw)
        if kind == "fb_post":
            return self._fb_post(raw)
        if kind == "fb_comment":
            return self._fb_comment(raw)
        if kind == "x_tweet":
            return _x_tweet(raw)
        if kind == "yt_video":
            return _yt_video(raw)
        if kind == "yt_comment":
            return _yt_comment(raw)
        if kind == "threads_post":
            return map_threads_post(raw)
        if kind == "threads_flat":
            return _threads_flat(raw)
        raise RowError("(record)", "not an item of a known Instagram/TikTok/Facebook/X/YouTube/Threads scraper")

    # -- Instagram --------------------------------------------------------------------------
    def _ig_post(self, raw: dict) -> list[Item]:
        pid = raw.get("shortCode") or instagram_shortcode(raw.get("url"))
        if not pid:
            raise RowError("shortCode", "missing")
        user = raw.get("ownerUsername")
        aid = user or (str(raw["ownerId"]) if raw.get("ownerId") else None)
        mtype = _IG_TYPES.get(str(raw.get("type") or "").lower())
        if raw.get("productType") == "clips":
            mtype = "reel"
        views = _n(raw, "videoPlayCount")
        if views is None:
            views = _n(raw, "videoViewCount")
        tags = [str(h).lower().lstrip("#") for h in raw.get("hashtags") or [] if h]
        ments = [str(m).lower().lstrip("@") for m in raw.get("mentions") or [] if m]
        post = fill_entities({
            "platform": "instagram", "post_id": str(pid), "account_id": aid or None,
            "created_at": _t(raw, "timestamp"), "kind": "post", "text": raw.get("caption") or None,
            "media_type": mtype, "url": raw.get("url") or f"https://www.instagram.com/p/{pid}/",
            "hashtags": tags, "mentions": ments, "likes": _n(raw, "likesCount"),
            "comments": _n(raw, "commentsCount"), "views": views, "is_paid": _paid(raw),
            "geo": raw.get("locationName") or None,
            "media_files": [u for u in (raw.get("displayUrl"), raw.get("videoUrl")) if u]})
        acc = None
        if aid:
            acc = {"platform": "instagram", "account_id": aid, "handle": user,
                   "display_name": raw.get("ownerFullName") or None}
        items = [Item(post=post, account=acc)]
        for c in raw.get("latestComments") or []:
            if isinstance(c, dict) and c.get("id"):
                items += self._ig_comment(c, str(pid), None)
        return items

    def _ig_comment(self, raw: dict, post: str | None, parent: str | None) -> list[Item]:
        cid = raw.get("id")
        if not cid:
            raise RowError("id", "missing comment id")
        owner = raw.get("owner") if isinstance(raw.get("owner"), dict) else {}
        user = raw.get("ownerUsername") or owner.get("username")
        aid = user or (str(owner["id"]) if owner.get("id") else None)
        acc = None
        if aid:
            acc = {"platform": "instagram", "account_id": aid, "handle": user,
                   "verified": owner.get("is_verified") if isinstance(owner.get("is_verified"), bool) else None}
        p = fill_entities({
            "platform": "instagram", "post_id": str(cid), "account_id": aid or None,
            "created_at": _t(raw, "timestamp"), "kind": "reply" if parent else "comment",
            "parent_id": parent or post, "root_id": post, "text": raw.get("text") or None,
            "media_type": "text", "url": raw.get("commentUrl") or None,
            "likes": _n(raw, "likesCount"), "comments": _n(raw, "repliesCount")})
        items = [Item(post=p, account=acc)]
        for r in raw.get("replies") or []:
            if isinstance(r, dict) and r.get("id"):
                items += self._ig_comment(r, post, str(cid))
        return items

    # -- TikTok -----------------------------------------------------------------------------
    def _tt_video(self, raw: dict) -> list[Item]:
        vid = exact_id(raw.get("id"), "id")
        if not vid:
            m = _TT_VIDEO.search(str(raw.get("webVideoUrl") or ""))
            vid = m.group(1) if m else None
        if not vid:
            raise RowError("id", "missing video id")
        am = raw.get("authorMeta") if isinstance(raw.get("authorMeta"), dict) else {}
        user = am.get("name") or am.get("uniqueId")
        aid = str(am["id"]) if am.get("id") else user
        tags = []
        for h in raw.get("hashtags") or []:
            name = h.get("name") if isinstance(h, dict) else h
            if name:
                tags.append(str(name).lower().lstrip("#"))
        ments = [str(m).lower().lstrip("@") for m in raw.get("mentions") or [] if isinstance(m, str)]
        slideshow = raw.get("isSlideshow") is True
        post = fill_entities({
            "platform": "tiktok", "post_id": vid, "account_id": aid or None,
            "created_at": _t(raw, "createTimeISO", "createTime"), "kind": "post",
            "text": raw.get("text") or None, "media_type": "carousel" if slideshow else "video",
            "url": raw.get("webVideoUrl") or None, "hashtags": tags, "mentions": ments,
            "likes": _n(raw, "diggCount"), "comments": _n(raw, "commentCount"),
            "shares": _n(raw, "shareCount"), "views": _n(raw, "playCount"),
            "saves": _n(raw, "collectCount"), "is_paid": _paid(raw)})
        acc = None
        if aid:
            acc = {"platform": "tiktok", "account_id": aid, "handle": user,
                   "display_name": am.get("nickName") or None, "bio": am.get("signature") or None,
                   "followers": _n(am, "fans"), "following": _n(am, "following"),
                   "post_count": _n(am, "video"),
                   "verified": am.get("verified") if isinstance(am.get("verified"), bool) else None}
        return [Item(post=post, account=acc)]

    def _tt_comment(self, raw: dict) -> list[Item]:
        cid = exact_id(raw.get("cid"), "cid")
        if not cid:
            raise RowError("cid", "missing comment id")
        m = _TT_VIDEO.search(str(raw.get("videoWebUrl") or raw.get("submittedVideoUrl") or ""))
        vid = m.group(1) if m else None
        parent = exact_id(raw.get("repliesToId"), "repliesToId")
        user = raw.get("uniqueId")
        aid = str(raw["uid"]) if raw.get("uid") else user
        post = fill_entities({
            "platform": "tiktok", "post_id": cid, "account_id": aid or None,
            "created_at": _t(raw, "createTimeISO", "createTime"),
            "kind": "reply" if parent else "comment", "parent_id": parent or vid, "root_id": vid,
            "text": raw.get("text") or None, "media_type": "text",
            "likes": _n(raw, "diggCount"), "comments": _n(raw, "replyCommentTotal")})
        acc = {"platform": "tiktok", "account_id": aid, "handle": user} if aid else None
        return [Item(post=post, account=acc)]

    # -- Facebook ---------------------------------------------------------------------------
    def _fb_post(self, raw: dict) -> list[Item]:
        pid = facebook_post_id(str(raw.get("postId") or "")) or facebook_post_id(raw.get("url"))
        if not pid:
            raise RowError("postId", "missing post id")
        user = raw.get("user") if isinstance(raw.get("user"), dict) else {}
        page = raw.get("facebookId") or user.get("id") or raw.get("pageId")
        page = str(page) if page else None
        media = [m for m in raw.get("media") or [] if isinstance(m, dict)]
        kinds = {str(m.get("__typename") or "").lower() for m in media}
        if raw.get("isVideo") or "video" in kinds:
            mtype = "video"
        elif len(media) > 1:
            mtype = "carousel"
        elif "photo" in kinds or media:
            mtype = "photo"
        elif raw.get("link"):
            mtype = "link"
        else:
            mtype = "text" if raw.get("text") else None
        post = fill_entities({
            "platform": "facebook", "post_id": pid, "account_id": page,
            "created_at": _t(raw, "time", "timestamp"), "kind": "post",
            "text": raw.get("text") or None, "media_type": mtype, "url": raw.get("url") or None,
            "links": [raw["link"]] if raw.get("link") else [],
            "likes": _n(raw, "likes"), "comments": _n(raw, "comments"), "shares": _n(raw, "shares"),
            "views": _n(raw, "viewsCount"), "is_paid": _paid(raw)})
        acc = None
        if page:
            acc = {"platform": "facebook", "account_id": page,
                   "display_name": raw.get("pageName") or user.get("name") or None}
        return [Item(post=post, account=acc)]

    def _fb_comment(self, raw: dict) -> list[Item]:
        url = raw.get("commentUrl") or ""
        q = parse_qs(urlparse(url).query)
        post_id, cid = None, None
        rid = str(raw.get("id") or "")
        try:
            dec = base64.b64decode(rid + "=" * (-len(rid) % 4)).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            dec = ""
        if dec.startswith("comment:") and "_" in dec:
            post_id, cid = dec[len("comment:"):].split("_", 1)
        cid = (q.get("reply_comment_id") or q.get("comment_id") or [cid])[0] or (rid or None)
        if not cid:
            raise RowError("id", "missing comment id")
        post_id = post_id or facebook_post_id(url) or facebook_post_id(raw.get("facebookUrl"))
        parent = (q.get("comment_id") or [None])[0] if q.get("reply_comment_id") else None
        try:
            depth = to_int(raw.get("threadingDepth")) or 0
        except ValueError:
            depth = 0
        is_reply = bool(parent) or depth > 0
        aid = raw.get("profileId")
        acc = ({"platform": "facebook", "account_id": str(aid), "display_name": raw.get("profileName")}
               if aid else None)
        p = fill_entities({
            "platform": "facebook", "post_id": str(cid), "account_id": acc and acc["account_id"],
            "created_at": _t(raw, "date", "time"), "kind": "reply" if is_reply else "comment",
            "parent_id": parent or post_id, "root_id": post_id, "text": raw.get("text") or None,
            "media_type": "text", "url": url or None, "likes": _n(raw, "likesCount"),
            "comments": _n(raw, "commentsCount")})
        return [Item(post=p, account=acc)]



# -- X, YouTube, Threads ---------------------------------------------------------------------
def _sid(raw: dict, key: str) -> str | None:
    v = raw.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, float):
        raise RowError(key, f"id stored as a float ({v!r}): precision lost")
    return str(v)


def _x_tweet(raw: dict) -> list[Item]:
    tid = _sid(raw, "id")
    if not tid:
        raise RowError("id", "missing")
    a = raw.get("author") if isinstance(raw.get("author"), dict) else {}
    aid = _sid(a, "id") or a.get("userName")
    kind, parent = "post", None
    if raw.get("isRetweet") or isinstance(raw.get("retweet"), dict):
        kind = "share"
        rt = raw.get("retweet") if isinstance(raw.get("retweet"), dict) else {}
        parent = _sid(rt, "id")
    elif raw.get("isReply") or raw.get("inReplyToId"):
        kind, parent = "reply", _sid(raw, "inReplyToId")
    ent = raw.get("entities") if isinstance(raw.get("entities"), dict) else {}
    links = [u.get("expanded_url") for u in ent.get("urls") or [] if isinstance(u, dict) and u.get("expanded_url")]
    post = fill_entities({
        "platform": "x", "post_id": tid, "account_id": aid, "created_at": _t(raw, "createdAt"),
        "kind": kind, "parent_id": parent,
        "root_id": _sid(raw, "conversationId") if kind == "reply" else None,
        "text": raw.get("fullText") or raw.get("text") or None,
        "media_type": "photo" if raw.get("extendedEntities") else None,
        "url": raw.get("url") or raw.get("twitterUrl"), "links": links,
        "likes": _n(raw, "likeCount"), "comments": _n(raw, "replyCount"),
        "shares": (_n(raw, "retweetCount") or 0) + (_n(raw, "quoteCount") or 0)
        if raw.get("retweetCount") is not None or raw.get("quoteCount") is not None else None,
        "views": _n(raw, "viewCount"), "saves": _n(raw, "bookmarkCount")})
    if not post["media_type"]:
        post["media_type"] = "link" if post["links"] else "text"
    acc = None
    if aid:
        acc = {"platform": "x", "account_id": aid, "handle": a.get("userName"),
               "display_name": a.get("name"), "bio": a.get("description") or None,
               "location_text": a.get("location") or None, "followers": _n(a, "followers"),
               "following": _n(a, "following"), "post_count": _n(a, "statusesCount"),
               "verified": bool(a.get("isVerified") or a.get("isBlueVerified"))
               if ("isVerified" in a or "isBlueVerified" in a) else None,
               "created_at": _t(a, "createdAt")}
    return [Item(post=post, account=acc)]


def _yt_channel(raw: dict) -> tuple[str | None, dict | None]:
    cid = raw.get("channelId") or raw.get("channelUsername") or raw.get("channelName")
    if not cid:
        return None, None
    return str(cid), {"platform": "youtube", "account_id": str(cid),
                      "handle": raw.get("channelUsername") or raw.get("channelName"),
                      "display_name": raw.get("channelName"), "followers": _n(raw, "numberOfSubscribers")}


def _yt_video(raw: dict) -> list[Item]:
    vid = raw.get("id") or (parse_qs(urlparse(str(raw.get("url") or "")).query).get("v") or [None])[0]
    if not vid:
        raise RowError("id", "missing video id")
    aid, acc = _yt_channel(raw)
    post = fill_entities({
        "platform": "youtube", "post_id": str(vid), "account_id": aid, "created_at": _t(raw, "date", "uploadDate"),
        "kind": "post", "text": "\n".join(x for x in (raw.get("title"), raw.get("text")) if x) or None,
        "media_type": "video", "url": raw.get("url") or f"https://www.youtube.com/watch?v={vid}",
        "hashtags": [str(h).lower().lstrip("#") for h in raw.get("hashtags") or [] if h],
        "likes": _n(raw, "likes"), "comments": _n(raw, "commentsCount"), "views": _n(raw, "viewCount")})
    return [Item(post=post, account=acc)]


def _yt_comment(raw: dict) -> list[Item]:
    cid, vid = raw.get("cid"), raw.get("videoId")
    if not cid or not vid:
        raise RowError("cid" if not cid else "videoId", "missing")
    author = str(raw.get("author") or "").strip() or None
    parent = raw.get("replyToCid")
    post = fill_entities({
        "platform": "youtube", "post_id": str(cid), "account_id": author,
        "created_at": None, "kind": "reply" if parent else "comment",
        "parent_id": str(parent or vid), "root_id": str(vid), "text": raw.get("comment") or None,
        "media_type": "text", "likes": _n(raw, "voteCount"), "comments": _n(raw, "replyCount"),
        "url": f"https://www.youtube.com/watch?v={vid}&lc={cid}"})
    acc = {"platform": "youtube", "account_id": author, "handle": author} if author else None
    return [Item(post=post, account=acc)]


def _threads_flat(raw: dict) -> list[Item]:
    url = str(raw.get("url") or raw.get("postUrl") or "")
    m = re.search(r"/post/([\w-]+)", url)
    pid = raw.get("code") or (m.group(1) if m else None) or raw.get("id")
    if not pid:
        raise RowError("url", "no post code in the Threads URL")
    user = raw.get("username") or raw.get("ownerUsername") or raw.get("author")
    if isinstance(user, dict):
        user = user.get("username")
    if not user:
        mu = re.search(r"threads\.(?:net|com)/@([\w.]+)", url)
        user = mu.group(1) if mu else None
    post = fill_entities({
        "platform": "threads", "post_id": str(pid), "account_id": user,
        "created_at": _t(raw, "createdAt", "timestamp", "taken_at", "date"), "kind": "post",
        "text": raw.get("text") or raw.get("caption") or None, "media_type": "text", "url": url or None,
        "likes": _n(raw, "likeCount"), "comments": _n(raw, "replyCount"),
        "shares": _n(raw, "repostCount")})
    acc = {"platform": "threads", "account_id": user, "handle": user} if user else None
    return [Item(post=post, account=acc)]


IMPORTERS = [ApifyDataset]
