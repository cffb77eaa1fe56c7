"""Zeeschuimer NDJSON: the browser extension's export (also what 4CAT imports).

Each line is an envelope ``{"source_platform", "timestamp_collected" (epoch ms), "item_id",
"nav_index", "source_url", ..., "data": {...}}`` around the platform's own web-API object.
4CAT stores the same items with the envelope moved into ``"__import_meta"``; both are read.

Mapped platforms:

* ``tiktok.com`` - videos (``desc``, ``createTime``, ``author`` as object or bare username,
  ``stats``/``statsV2``, ``authorStats``, ``challenges``/``textExtra``, ``imagePost`` = photo
  carousel, ``isAd``) and comments (``cid``, ``aweme_id``, ``reply_id``, ``user``).
* ``instagram.com`` - posts and reels in the v1 web shape (``code``, ``taken_at``,
  ``caption.text``, ``user``, ``media_type`` 1/2/8, ``product_type`` ``clips`` = reel) and the
  older GraphQL shape (``shortcode``, ``edge_media_to_caption``, ``taken_at_timestamp``), plus
  comments (``pk``, ``text``, ``created_at``, ``media_id``).
* ``twitter.com`` / ``x.com`` - internal GraphQL ``Tweet`` / ``TweetWithVisibilityResults``
  objects (``rest_id``, ``legacy``, ``core.user_results``); quoted and retweeted originals are
  imported as posts too.

* ``threads.net`` / ``threads.com`` - posts in the website's internal shape (``code``,
  ``taken_at``, ``caption.text``, ``user``, ``like_count``, ``text_post_app_info`` reply,
  repost and link counts; see :func:`map_threads_post`).

Any other platform (LinkedIn, 9GAG, Douyin, ...) is quarantined with the reason
"platform X not supported". ``timestamp_collected`` becomes the metrics' ``observed_at``.
Identifiers follow the other importers: Instagram posts by shortcode and accounts by
username; TikTok videos/comments by numeric id and accounts by numeric user id (username
when absent); X by tweet id and numeric user id.

Example
-------
>>> rec = {"source_platform": "tiktok.com", "timestamp_collected": 1732665600000,
...        "item_id": "7441", "data": {"id": "7441", "desc": "Ayo #Gratispol", "createTime": 1732600000,
...        "author": {"id": "66", "uniqueId": "warga"}, "stats": {"diggCount": 5, "playCount": 90}}}
>>> item = Zeeschuimer().map(rec, None)[0]
>>> item.post["url"], item.post["likes"], item.account["handle"], item.observed_at.isoformat()
('https://www.tiktok.com/@warga/video/7441', 5, 'warga', '2024-11-27T00:00:00')
"""
from __future__ import annotations

from typing import Any, Iterator

import orjson

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_bool, to_int)
from suara.ingest.formats._apijson import head_keys
from suara.ingest.formats.x import tweet_url, x_id
from suara.ingest.lines import iter_json_lines

__all__ = ["Zeeschuimer", "instagram_shortcode_from_pk", "map_graphql_tweet", "map_threads_post"]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_PLATFORM = {"tiktok.com": "tiktok", "www.tiktok.com": "tiktok", "instagram.com": "instagram",
             "www.instagram.com": "instagram", "twitter.com": "x", "x.com": "x",
             "threads.net": "threads", "www.threads.net": "threads", "threads.com": "threads",
             "www.threads.com": "threads"}


def instagram_shortcode_from_pk(pk: Any) -> str | None:
    """Instagram shortcode of a numeric media pk (``"<pk>_<owner>"`` ids accepted).

    >>> instagram_shortcode_from_pk("3828214581177566955_52491273")
    'DUgjOD7D0br'
    """
    if pk is None:
        return None
    s = str(pk).split("_", 1)[0].strip()
    if not s.isdigit():
        return None
    n, out = int(s), ""
    while n:
        n, r = divmod(n, 64)
        out = _B64[r] + out
    return out or None


def _n(d: Any, key: str, where: str) -> int | None:
    if not isinstance(d, dict):
        return None
    v = d.get(key)
    if v is None or v == "":
        return None
    try:
        n = to_int(v)
    except ValueError as e:
        raise RowError(f"{where}.{key}" if where else key, str(e)) from None
    return None if n is not None and n < 0 else n


def _t(v: Any, field: str):
    try:
        return parse_time(v)
    except (ValueError, OverflowError, OSError) as e:
        raise RowError(field, str(e)) from None


def _sid(v: Any, field: str) -> str | None:
    """An id as an exact string (ints stay exact; floats are refused)."""
    if v is None or v == "":
        return None
    if isinstance(v, float) or isinstance(v, bool):
        raise RowError(field, f"id stored as a float ({v!r}): precision lost")
    return str(v).strip() or None


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


# --- TikTok ---------------------------------------------------------------------------------
def _tiktok(d: dict) -> list[Item]:
    if "cid" in d and ("aweme_id" in d or "text" in d):
        return _tiktok_comment(d)
    vid = _sid(d.get("id"), "data.id")
    if not vid:
        raise RowError("data.id", "missing video id")
    a = d.get("author")
    if isinstance(a, dict):
        uid, handle = _sid(a.get("id"), "data.author.id"), a.get("uniqueId")
        name, bio, verified = a.get("nickname"), a.get("signature"), a.get("verified")
    else:
        uid, handle = _sid(d.get("authorId"), "data.authorId"), a if isinstance(a, str) else None
        name, bio, verified = d.get("nickname"), None, None
    aid = uid or handle
    stats = d.get("statsV2") if isinstance(d.get("statsV2"), dict) else _dict(d.get("stats"))
    ast = d.get("authorStatsV2") if isinstance(d.get("authorStatsV2"), dict) else _dict(d.get("authorStats"))
    tags = [c.get("title") for c in d.get("challenges") or [] if isinstance(c, dict) and c.get("title")]
    tags += [x.get("hashtagName") for x in d.get("textExtra") or []
             if isinstance(x, dict) and x.get("hashtagName")]
    ments = [x.get("userUniqueId") for x in d.get("textExtra") or []
             if isinstance(x, dict) and x.get("userUniqueId")]
    if d.get("imagePost"):
        media = "carousel"
    elif d.get("liveRoomInfo") or d.get("isLive"):
        media = "live"
    else:
        media = "video"
    files = [v for v in (_dict(d.get("video")).get("playAddr"),) if isinstance(v, str) and v]
    post = {
        "platform": "tiktok", "post_id": vid, "account_id": aid,
        "created_at": _t(d.get("createTime"), "data.createTime"), "kind": "post",
        "text": d.get("desc"), "media_type": media,
        "url": f"https://www.tiktok.com/@{handle}/video/{vid}" if handle
        else f"https://www.tiktok.com/video/{vid}",
        "hashtags": list(dict.fromkeys(t.lower() for t in tags)),
        "mentions": list(dict.fromkeys(m.lower() for m in ments)),
        "likes": _n(stats, "diggCount", "data.stats"), "comments": _n(stats, "commentCount", "data.stats"),
        "shares": _n(stats, "shareCount", "data.stats"), "views": _n(stats, "playCount", "data.stats"),
        "saves": _n(stats, "collectCount", "data.stats"),
        "is_paid": bool(d.get("isAd")) if "isAd" in d else None,
        "geo": d.get("locationCreated") if isinstance(d.get("locationCreated"), str) else None,
        "media_files": files,
    }
    acc = None
    if aid:
        try:
            verified = to_bool(verified)
        except ValueError:
            verified = None
        acc = {"platform": "tiktok", "account_id": aid, "handle": handle, "display_name": name,
               "bio": bio or None, "verified": verified,
               "followers": _n(ast, "followerCount", "data.authorStats"),
               "following": _n(ast, "followingCount", "data.authorStats"),
               "post_count": _n(ast, "videoCount", "data.authorStats")}
    return [Item(post=fill_entities(post), account=acc)]


def _tiktok_comment(d: dict) -> list[Item]:
    cid = _sid(d.get("cid"), "data.cid")
    vid = _sid(d.get("aweme_id"), "data.aweme_id")
    reply = _sid(d.get("reply_id"), "data.reply_id")
    reply = None if reply in (None, "0") else reply
    u = _dict(d.get("user"))
    uid, handle = _sid(u.get("uid"), "data.user.uid"), u.get("unique_id")
    aid = uid or handle
    post = {"platform": "tiktok", "post_id": cid, "account_id": aid,
            "created_at": _t(d.get("create_time"), "data.create_time"),
            "kind": "reply" if reply else "comment", "parent_id": reply or vid, "root_id": vid,
            "text": d.get("text"), "media_type": "text",
            "url": f"https://www.tiktok.com/@/video/{vid}" if vid else None,   # the video owner is not in a comment
            "likes": _n(d, "digg_count", "data"), "comments": _n(d, "reply_comment_total", "data")}
    acc = ({"platform": "tiktok", "account_id": aid, "handle": handle, "display_name": u.get("nickname"),
            "bio": u.get("signature") or None} if aid else None)
    return [Item(post=fill_entities(post), account=acc)]


# --- Instagram ------------------------------------------------------------------------------
_IG_TYPE = {1: "photo", 2: "video", 8: "carousel", "GraphImage": "photo", "GraphVideo": "video",
            "GraphSidecar": "carousel", "XDTGraphImage": "photo", "XDTGraphVideo": "video",
            "XDTGraphSidecar": "carousel"}


def _instagram(d: dict) -> list[Item]:
    if "media_id" in d and "text" in d and "code" not in d and "shortcode" not in d:
        return _instagram_comment(d)
    code = d.get("code") or d.get("shortcode") or instagram_shortcode_from_pk(d.get("pk") or d.get("id"))
    if not code:
        raise RowError("data.code", "missing shortcode and numeric id")
    u = d.get("user") if isinstance(d.get("user"), dict) else _dict(d.get("owner"))
    handle = u.get("username")
    cap = d.get("caption")
    if isinstance(cap, dict):
        text = cap.get("text")
    elif isinstance(cap, str):
        text = cap
    else:
        edges = _dict(d.get("edge_media_to_caption")).get("edges") or []
        text = _dict(_dict(edges[0]).get("node")).get("text") if edges else None
    mt = d.get("media_type") if "media_type" in d else d.get("__typename")
    media = _IG_TYPE.get(mt, "photo")
    if d.get("product_type") == "clips" or d.get("is_reel"):
        media = "reel"
    likes = _n(d, "like_count", "data")
    if likes is None:
        likes = _n(_dict(d.get("edge_media_preview_like") or d.get("edge_liked_by")), "count", "data.edge_liked")
    comments = _n(d, "comment_count", "data")
    if comments is None:
        comments = _n(_dict(d.get("edge_media_to_comment") or d.get("edge_media_to_parent_comment")),
                      "count", "data.edge_media_to_comment")
    views = _n(d, "play_count", "data")
    if views is None:
        views = _n(d, "view_count", "data")
    if views is None:
        views = _n(d, "video_view_count", "data")
    loc = d.get("location")
    files = []
    cands = _dict(d.get("image_versions2")).get("candidates") or []
    if cands and isinstance(cands[0], dict) and cands[0].get("url"):
        files.append(cands[0]["url"])
    elif d.get("display_url"):
        files.append(d["display_url"])
    if d.get("is_paid_partnership") is not None:
        paid = bool(d.get("is_paid_partnership"))
    else:
        paid = None
    post = {
        "platform": "instagram", "post_id": code, "account_id": handle,
        "created_at": _t(d.get("taken_at") or d.get("taken_at_timestamp"), "data.taken_at"),
        "kind": "post", "text": text, "media_type": media,
        "url": f"https://www.instagram.com/{'reel' if media == 'reel' else 'p'}/{code}/",
        "likes": likes, "comments": comments, "views": views, "is_paid": paid,
        "geo": loc.get("name") if isinstance(loc, dict) else None, "media_files": files,
    }
    if post["created_at"] is None:
        raise RowError("data.taken_at", "missing")
    acc = None
    if handle:
        acc = {"platform": "instagram", "account_id": handle, "handle": handle,
               "display_name": u.get("full_name") or None,
               "verified": u.get("is_verified") if isinstance(u.get("is_verified"), bool) else None,
               "followers": _n(u, "follower_count", "data.user"),
               "following": _n(u, "following_count", "data.user"),
               "post_count": _n(u, "media_count", "data.user")}
    return [Item(post=fill_entities(post), account=acc)]


# --- Threads --------------------------------------------------------------------------------
_THREADS_TYPE = {1: "photo", 2: "video", 8: "carousel", 19: "text"}


def map_threads_post(d: Any) -> list[Item]:
    """A Threads post as the website's internal data holds it (Zeeschuimer and the Apify
    scrapers that keep the raw object): ``code``, ``taken_at``, ``caption.text``, ``user``,
    ``like_count``, ``text_post_app_info`` (``direct_reply_count``, ``repost_count``,
    ``quote_count``, ``reshare_count``, ``link_preview_attachment``, ``reply_to_author``),
    ``media_type`` (1 photo, 2 video, 8 carousel, 19 text). A ``{"post": ...}`` or
    ``thread_items`` wrapper is unwrapped. Posts by shortcode, accounts by username.

    >>> p = map_threads_post({"code": "DCx1", "taken_at": 1732600000, "caption": {"text": "Debat #Kaltim"},
    ...     "user": {"username": "warga"}, "like_count": 3, "media_type": 19,
    ...     "text_post_app_info": {"direct_reply_count": 2, "repost_count": 1}})[0].post
    >>> p["url"], p["likes"], p["comments"], p["shares"], p["media_type"]
    ('https://www.threads.net/@warga/post/DCx1', 3, 2, 1, 'text')
    """
    if isinstance(d, dict) and isinstance(d.get("thread_items"), list) and d["thread_items"]:
        items: list[Item] = []
        for ti in d["thread_items"]:
            items += map_threads_post(ti)
        return items
    if isinstance(d, dict) and isinstance(d.get("post"), dict) and "code" not in d:
        d = d["post"]
    if not isinstance(d, dict):
        raise RowError("data", "not a Threads post object")
    code = _sid(d.get("code"), "data.code") or instagram_shortcode_from_pk(d.get("pk") or d.get("id"))
    if not code:
        raise RowError("data.code", "missing shortcode and numeric id")
    u = _dict(d.get("user"))
    handle = u.get("username")
    cap = d.get("caption")
    text = cap.get("text") if isinstance(cap, dict) else cap if isinstance(cap, str) else None
    info = _dict(d.get("text_post_app_info"))
    media = _THREADS_TYPE.get(d.get("media_type"))
    if media is None:
        media = ("carousel" if d.get("carousel_media") else "video" if d.get("video_versions")
                 else "photo" if _dict(d.get("image_versions2")).get("candidates") else "text")
    link = _dict(info.get("link_preview_attachment")).get("url")
    if isinstance(link, str) and "l.threads." in link:   # the redirector: the target is in ?u=
        from urllib.parse import parse_qs, urlparse
        link = (parse_qs(urlparse(link).query).get("u") or [link])[0]
    if media == "text" and link:
        media = "link"
    reply_to = _dict(info.get("reply_to_author")).get("username")
    reposts = _n(info, "repost_count", "data.text_post_app_info")
    post = {
        "platform": "threads", "post_id": code, "account_id": handle,
        "created_at": _t(d.get("taken_at"), "data.taken_at"),
        "kind": "reply" if reply_to else "post", "text": text, "media_type": media,
        "url": f"https://www.threads.net/@{handle}/post/{code}" if handle else None,
        "likes": _n(d, "like_count", "data"),
        "comments": _n(info, "direct_reply_count", "data.text_post_app_info"),
        "shares": reposts, "links": [link] if isinstance(link, str) else [],
        "is_paid": bool(d["is_paid_partnership"]) if d.get("is_paid_partnership") is not None else None,
    }
    if post["created_at"] is None:
        raise RowError("data.taken_at", "missing")
    acc = None
    if handle:
        acc = {"platform": "threads", "account_id": handle, "handle": handle,
               "display_name": u.get("full_name") or None,
               "verified": u.get("is_verified") if isinstance(u.get("is_verified"), bool) else None,
               "followers": _n(u, "follower_count", "data.user")}
    return [Item(post=fill_entities(post), account=acc)]


def _instagram_comment(d: dict) -> list[Item]:
    cid = _sid(d.get("pk") or d.get("id"), "data.pk")
    media = instagram_shortcode_from_pk(d.get("media_id"))
    parent = _sid(d.get("parent_comment_id") or d.get("replied_to_comment_id"), "data.parent_comment_id")
    u = _dict(d.get("user"))
    handle = u.get("username")
    post = {"platform": "instagram", "post_id": cid, "account_id": handle,
            "created_at": _t(d.get("created_at") or d.get("created_at_utc"), "data.created_at"),
            "kind": "reply" if parent else "comment", "parent_id": parent or media, "root_id": media,
            "text": d.get("text"), "media_type": "text",
            "url": f"https://www.instagram.com/p/{media}/c/{cid}/" if media else None,
            "likes": _n(d, "comment_like_count", "data"), "comments": _n(d, "child_comment_count", "data")}
    acc = ({"platform": "instagram", "account_id": handle, "handle": handle,
            "display_name": u.get("full_name") or None} if handle else None)
    return [Item(post=fill_entities(post), account=acc)]


# --- X (web GraphQL) ------------------------------------------------------------------------
def _unwrap(t: Any) -> dict:
    t = _dict(t)
    if "result" in t and "legacy" not in t:
        t = _dict(t["result"])
    if t.get("__typename") == "TweetWithVisibilityResults" or ("tweet" in t and "legacy" not in t):
        t = _dict(t.get("tweet"))
    return t


def _gql_user(t: dict) -> tuple[str | None, dict | None]:
    u = _unwrap(_dict(_dict(t.get("core")).get("user_results")).get("result"))
    leg = _dict(u.get("legacy"))
    core = _dict(u.get("core"))   # 2025 shape: screen_name/name/created_at moved to result.core
    uid = x_id(u.get("rest_id") or leg.get("id_str") or _dict(t.get("legacy")).get("user_id_str"),
               "core.user_results.result.rest_id")
    if not uid:
        return None, None
    loc = leg.get("location") or _dict(u.get("location")).get("location")
    verified = leg.get("verified") or u.get("is_blue_verified") or _dict(u.get("verification")).get("verified")
    return uid, {
        "platform": "x", "account_id": uid,
        "handle": leg.get("screen_name") or core.get("screen_name"),
        "display_name": leg.get("name") or core.get("name"),
        "bio": leg.get("description") or None,
        "location_text": loc or None,
        "created_at": _t(leg.get("created_at") or core.get("created_at"), "user.legacy.created_at"),
        "followers": _n(leg, "followers_count", "user.legacy"),
        "following": _n(leg, "friends_count", "user.legacy"),
        "post_count": _n(leg, "statuses_count", "user.legacy"),
        "verified": bool(verified) if verified is not None else None}


def map_graphql_tweet(t: Any, observed=None, depth: int = 0) -> list[Item]:
    """Items for one X web GraphQL tweet (and its quoted/retweeted original).

    >>> it = map_graphql_tweet({"rest_id": "5", "legacy": {"full_text": "halo #Kaltim",
    ...     "created_at": "Tue Oct 10 07:57:53 +0000 2023", "favorite_count": 2,
    ...     "conversation_id_str": "5", "user_id_str": "9"}})
    >>> it[0].post["likes"], it[0].post["hashtags"], it[0].post["account_id"]
    (2, ['kaltim'], '9')
    """
    t = _unwrap(t)
    leg = _dict(t.get("legacy"))
    if not leg:
        raise RowError("data.legacy", "not a tweet object (no legacy fields)")
    tid = x_id(t.get("rest_id") or leg.get("id_str"), "data.rest_id")
    if not tid:
        raise RowError("data.rest_id", "missing tweet id")
    uid, acc = _gql_user(t)
    if uid is None:
        uid = x_id(leg.get("user_id_str"), "data.legacy.user_id_str")
    text = leg.get("full_text") or leg.get("text")
    note = _dict(_dict(_dict(t.get("note_tweet")).get("note_tweet_results")).get("result"))
    if note.get("text"):
        text = note["text"]
    conv = x_id(leg.get("conversation_id_str"), "data.legacy.conversation_id_str")
    root = conv if conv and conv != tid else None
    extra: list[Item] = []
    rt = _unwrap(leg.get("retweeted_status_result"))
    qt = _unwrap(t.get("quoted_status_result"))
    if leg.get("in_reply_to_status_id_str"):
        kind, parent = "reply", x_id(leg["in_reply_to_status_id_str"], "data.legacy.in_reply_to_status_id_str")
    elif rt:
        kind, parent = "share", x_id(rt.get("rest_id") or _dict(rt.get("legacy")).get("id_str"),
                                     "data.legacy.retweeted_status_result")
    elif leg.get("quoted_status_id_str") or qt:
        kind, parent = "share", x_id(leg.get("quoted_status_id_str") or qt.get("rest_id"),
                                     "data.legacy.quoted_status_id_str")
    else:
        kind, parent = ("reply", None) if root else ("post", None)
    if kind == "share" and not root:
        root = parent
    if depth == 0:
        for ref in (rt, qt):
            if ref and _dict(ref.get("legacy")):
                try:
                    extra += map_graphql_tweet(ref, observed, depth=1)
                except RowError:
                    pass  # a withheld or partial original does not spoil the tweet itself
    ents = _dict(leg.get("entities"))
    media = _dict(leg.get("extended_entities")).get("media") or ents.get("media") or []
    mtypes = [{"animated_gif": "video"}.get(m.get("type"), m.get("type") or "photo")
              for m in media if isinstance(m, dict)]
    links = [u.get("expanded_url") for u in ents.get("urls") or [] if isinstance(u, dict) and u.get("expanded_url")]
    if len(mtypes) > 1:
        mt = "carousel"
    elif mtypes:
        mt = mtypes[0] if mtypes[0] in ("photo", "video") else "photo"
    else:
        mt = "link" if links or t.get("card") else "text"
    rts, quotes = _n(leg, "retweet_count", "data.legacy"), _n(leg, "quote_count", "data.legacy")
    handle = acc["handle"] if acc else None
    place = _dict(leg.get("place"))
    post = {
        "platform": "x", "post_id": tid, "account_id": uid,
        "created_at": _t(leg.get("created_at"), "data.legacy.created_at"),
        "kind": kind, "parent_id": parent, "root_id": root, "text": text, "media_type": mt,
        "url": tweet_url(tid, handle),
        "hashtags": list(dict.fromkeys(h["text"].lower() for h in ents.get("hashtags") or []
                                       if isinstance(h, dict) and h.get("text"))),
        "mentions": list(dict.fromkeys(m["screen_name"].lower() for m in ents.get("user_mentions") or []
                                       if isinstance(m, dict) and m.get("screen_name"))),
        "links": list(dict.fromkeys(links)),
        "likes": _n(leg, "favorite_count", "data.legacy"), "comments": _n(leg, "reply_count", "data.legacy"),
        "shares": None if rts is None and quotes is None else (rts or 0) + (quotes or 0),
        "views": _n(_dict(t.get("views")), "count", "data.views"),
        "saves": _n(leg, "bookmark_count", "data.legacy"),
        "geo": place.get("full_name"),
        "media_files": [m.get("media_url_https") for m in media if isinstance(m, dict) and m.get("media_url_https")],
    }
    return [Item(post=fill_entities(post), account=acc, observed_at=observed)] + extra


# --- the importer ---------------------------------------------------------------------------
_MAPPERS = {"tiktok": _tiktok, "instagram": _instagram, "threads": map_threads_post}


class Zeeschuimer(Importer):
    """Zeeschuimer NDJSON (TikTok, Instagram, X, Threads; other platforms are quarantined)."""

    name = "zeeschuimer"
    title = "Zeeschuimer NDJSON (TikTok, Instagram, X, Threads)"
    platforms = ("tiktok", "instagram", "x", "threads")
    extensions = (".ndjson", ".jsonl")
    json_lines = True

    def sniff(self, head: str, source: Source) -> float:
        first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        try:
            d = orjson.loads(first)
        except orjson.JSONDecodeError:
            d = None
        if isinstance(d, dict):
            if "source_platform" in d and "data" in d:
                return 0.97
            if isinstance(d.get("__import_meta"), dict) and "source_platform" in d["__import_meta"]:
                return 0.95
            return 0.0
        keys = head_keys(head[:8192])
        if first.startswith("{") and {"source_platform", "timestamp_collected"} <= keys:
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        yield from iter_json_lines(source)

    def map(self, raw: Any, ctx: ImportContext):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        if "data" in raw and "source_platform" in raw:
            env, data = raw, raw["data"]
        elif isinstance(raw.get("__import_meta"), dict):
            env, data = raw["__import_meta"], {k: v for k, v in raw.items() if k != "__import_meta"}
        else:
            raise RowError("source_platform", "not a Zeeschuimer item (no envelope)")
        if not isinstance(data, dict):
            raise RowError("data", f"expected an object, got {type(data).__name__}")
        sp = str(env.get("source_platform") or "").lower().strip()
        platform = _PLATFORM.get(sp)
        if platform is None:
            raise RowError("source_platform", f"platform {sp or '(empty)'!r} not supported")
        observed = None
        if env.get("timestamp_collected") not in (None, ""):
            observed = _t(env["timestamp_collected"], "timestamp_collected")
        if platform == "x":
            return map_graphql_tweet(data, observed)
        items = _MAPPERS[platform](data)
        for it in items:
            it.observed_at = observed
        return items

    def bulk(self, source: Source, ctx: ImportContext, fmt: str):
        """Vectorised ``map`` for large files: each batch of lines is parsed and mapped by one
        DuckDB query (`suara.ingest.formats.zeeschuimer_bulk`: TikTok videos); every other
        line goes to ``map``."""
        from suara.ingest.bulkjson import bulk_jsonl
        from suara.ingest.formats.zeeschuimer_bulk import zeeschuimer_sql
        yield from bulk_jsonl(source, ctx, self, lambda cols: zeeschuimer_sql(fmt, source.name))


IMPORTERS = [Zeeschuimer]
