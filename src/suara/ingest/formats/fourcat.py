"""4CAT dataset exports: the flat "map_item" columns, as CSV or NDJSON.

4CAT (digitalmethodsinitiative/4cat) maps every item of a dataset to flat columns: ``id``,
``thread_id``, ``timestamp`` (UTC, ``YYYY-MM-DD HH:MM:SS``; ``unix_timestamp`` in newer
versions), ``body``, ``author`` plus per-platform extras - TikTok (``author_full``,
``author_id``, ``author_followers``, ``tiktok_url``, ``likes``, ``comments``, ``shares``,
``plays``, ``hashtags``), X (``author_fullname``, ``author_id``, ``author_verified``,
``like_count``, ``retweet_count``, ``reply_count``, ``quote_count``, ``impression_count``,
``is_retweet``, ``is_quote_tweet``, ``is_reply``, ``mentions``, ``urls``, ``place_name``),
Instagram (``author_fullname``, ``url``, ``type``, ``likes``, ``comments``,
``location_name``, ``hashtags``). "Download as NDJSON" of a Zeeschuimer-imported dataset
gives the raw items with ``__import_meta``; those are read by the ``zeeschuimer`` importer.

The platform is not a column: it is recognised per row from URL and column names
(``tiktok_url``/``plays`` -> tiktok; instagram.com URLs -> instagram; twitter.com/x.com URLs
or ``retweet_count`` -> x; facebook.com -> facebook), or given with ``--platform``; a row
whose platform cannot be told is quarantined. An item whose ``thread_id`` differs from its
``id`` is a comment (``parent_id`` from ``parent_id`` when present, else the thread).

Example
-------
>>> row = {"id": "7441", "thread_id": "7441", "timestamp": "2024-11-27 08:00:00", "body": "Ayo #Gratispol",
...        "author": "warga", "author_id": "66", "tiktok_url": "https://tiktok.com/@warga/video/7441",
...        "likes": "5", "plays": "90"}
>>> p = FourCat().map(row, None)[0].post
>>> p["platform"], p["account_id"], p["views"], p["hashtags"]
('tiktok', '66', 90, ['gratispol'])
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import orjson

from suara.ingest.base import (ImportContext, Importer, Item, RowError, Source, fill_entities,
                               parse_time, to_bool, to_int)
from suara.ingest.formats.crowdtangle import instagram_shortcode
from suara.ingest.formats.x import status_id_from_url, tweet_url
from suara.ingest.formats.zeeschuimer import instagram_shortcode_from_pk
from suara.ingest.lines import iter_csv, iter_json_lines

__all__ = ["FourCat", "row_platform"]

_CORE = {"id", "thread_id", "timestamp", "body", "author"}
_URL_COLS = ("tiktok_url", "url", "link", "permalink", "tweet_url", "post_url")
_PLATFORM_URL = (("tiktok.com", "tiktok"), ("instagram.com", "instagram"), ("twitter.com", "x"),
                 ("//x.com", "x"), ("facebook.com", "facebook"), ("youtube.com", "youtube"))
_IG_TYPES = {"photo": "photo", "image": "photo", "video": "video", "reel": "reel", "clips": "reel",
             "carousel": "carousel", "sidecar": "carousel", "album": "carousel"}


def row_platform(row: dict, hint: str | None = None) -> str | None:
    """The platform a 4CAT row comes from (see module doc), or ``hint`` when it cannot tell.

    >>> row_platform({"url": "https://www.instagram.com/p/Cx1/"}), row_platform({"retweet_count": "1"})
    ('instagram', 'x')
    """
    for col in _URL_COLS:
        v = row.get(col)
        if isinstance(v, str) and v:
            low = v.lower()
            for needle, plat in _PLATFORM_URL:
                if needle in low:
                    return plat
    if "tiktok_url" in row or "plays" in row or "music_name" in row:
        return "tiktok"
    if "retweet_count" in row or "is_retweet" in row or "quote_count" in row:
        return "x"
    if "num_media" in row or "usertags" in row:
        return "instagram"
    return hint


def _s(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        raise ValueError(f"id stored as a float ({v!r}): precision lost")
    s = str(v).strip()
    return s or None


def _n(row: dict, *cols: str) -> int | None:
    for c in cols:
        v = row.get(c)
        if v not in (None, ""):
            try:
                n = to_int(v)
            except ValueError as e:
                raise RowError(c, str(e)) from None
            return None if n is not None and n < 0 else n
    return None


def _b(row: dict, col: str) -> bool | None:
    v = row.get(col)
    if v in (None, ""):
        return None
    try:
        return to_bool(v)
    except ValueError as e:
        raise RowError(col, str(e)) from None


def _list(v: Any) -> list[str]:
    if isinstance(v, list):
        return [str(x).strip().lstrip("#@") for x in v if str(x).strip()]
    if not v:
        return []
    return [x.strip().lstrip("#@") for x in re.split(r"[,\s]+", str(v)) if x.strip()]


class FourCat(Importer):
    """4CAT dataset export (flat columns) as CSV or NDJSON."""

    name = "4cat"
    title = "4CAT dataset export (CSV / NDJSON)"
    platforms = ("tiktok", "instagram", "x", "facebook")
    extensions = (".csv", ".ndjson")

    def sniff(self, head: str, source: Source) -> float:
        first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        if first.startswith("{"):
            try:
                d = orjson.loads(first)
            except orjson.JSONDecodeError:
                return 0.0
            if isinstance(d, dict) and "__import_meta" not in d and "data" not in d:
                return 0.9 if {"id", "thread_id", "body"} <= d.keys() and len(_CORE & d.keys()) >= 4 else 0.0
            return 0.0
        cols = {c.strip().strip('"').lower() for c in re.split(r"[,;\t]", first)}
        if {"id", "thread_id", "body"} <= cols and len(_CORE & cols) >= 4:
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        head = source.text_head(4096).lstrip("\ufeff \t\r\n")
        if head.startswith("{"):
            yield from iter_json_lines(source)
        else:
            yield from iter_csv(source)

    def map(self, row: Any, ctx: ImportContext):
        if not isinstance(row, dict):
            raise RowError("(record)", "not a JSON object")
        hint = ctx.platform if ctx is not None else None
        platform = row_platform(row, hint)
        if platform is None:
            raise RowError("(platform)", "cannot tell the platform of this 4CAT row; "
                                         "pass --platform tiktok|instagram|x|facebook|youtube")
        try:
            pid, thread = _s(row.get("id")), _s(row.get("thread_id"))
            parent = _s(row.get("parent_id")) or _s(row.get("in_reply_to")) or None
        except ValueError as e:
            raise RowError("id", str(e)) from None
        url = next((row[c] for c in _URL_COLS if isinstance(row.get(c), str) and row[c].startswith("http")), None)
        if platform == "instagram":
            code = instagram_shortcode(url) if url else None
            pid = code or (pid if pid and not pid.isdigit() else instagram_shortcode_from_pk(pid) or pid)
            if thread and thread.isdigit() and thread != _s(row.get("id")):
                thread = instagram_shortcode_from_pk(thread)
            elif thread == _s(row.get("id")):
                thread = pid
        elif platform == "x" and url and status_id_from_url(url):
            pid = status_id_from_url(url)
        if not pid:
            raise RowError("id", "missing item id")
        ts = row.get("unix_timestamp") or row.get("timestamp")
        try:
            created = parse_time(ts)   # 4CAT writes UTC (utcfromtimestamp): no --timezone here
        except (ValueError, OverflowError, OSError) as e:
            raise RowError("timestamp", str(e)) from None
        handle = _s(row.get("author")) or _s(row.get("author_username"))
        author_id = _s(row.get("author_id")) if not isinstance(row.get("author_id"), float) else None
        aid = handle if platform == "instagram" else (author_id or handle)
        if platform == "x" and not author_id and handle:
            aid = f"@{handle.lower()}"
        # kinds
        kind, root = "post", None
        if thread and thread != pid:
            kind, root = "comment", thread
            parent = parent if parent and parent != pid else thread
        elif platform == "x":
            if _b(row, "is_reply"):
                kind = "reply"
            elif _b(row, "is_retweet") or _b(row, "is_quote_tweet"):
                kind = "share"
            parent = None
        else:
            parent = None
        if platform == "x" and kind == "comment":
            kind = "reply"
        text = row.get("body")
        if text is not None and not isinstance(text, str):
            text = str(text)
        rts, quotes = _n(row, "retweet_count", "retweets"), _n(row, "quote_count")
        shares = _n(row, "shares")
        if shares is None and (rts is not None or quotes is not None):
            shares = (rts or 0) + (quotes or 0)
        t = str(row.get("type") or "").lower()
        if platform == "tiktok":
            media = "video"
        elif platform == "instagram":
            media = "reel" if url and "/reel/" in url else _IG_TYPES.get(t, "photo")
        else:
            media = _IG_TYPES.get(t)
            if media is None:
                media = "video" if row.get("videos") else ("photo" if row.get("images") else None)
        if url is None:
            url = {"tiktok": f"https://www.tiktok.com/@{handle}/video/{pid}" if handle else None,
                   "instagram": f"https://www.instagram.com/p/{pid}/" if kind == "post" else None,
                   "x": tweet_url(pid, handle)}.get(platform)
        post = {
            "platform": platform, "post_id": pid, "account_id": aid, "created_at": created,
            "kind": kind, "parent_id": parent, "root_id": root, "text": text,
            "media_type": media, "url": url,
            "hashtags": [h.lower() for h in _list(row.get("hashtags"))],
            "mentions": [m.lower() for m in _list(row.get("mentions"))],
            "links": _list(row.get("urls")) if isinstance(row.get("urls"), (str, list)) else [],
            "likes": _n(row, "likes", "like_count", "favorite_count"),
            "comments": _n(row, "comments", "reply_count", "num_comments"),
            "shares": shares, "views": _n(row, "plays", "views", "impression_count", "view_count"),
            "geo": _s(row.get("place_name")) or _s(row.get("location_name")),
        }
        fill_entities(post)
        if post["media_type"] is None:
            post["media_type"] = "link" if post["links"] else "text"
        acc = None
        if aid:
            acc = {"platform": platform, "account_id": aid, "handle": handle,
                   "display_name": _s(row.get("author_fullname")) or _s(row.get("author_full")),
                   "followers": _n(row, "author_followers"), "verified": _b(row, "author_verified")}
        return [Item(post=post, account=acc)]


IMPORTERS = [FourCat]
