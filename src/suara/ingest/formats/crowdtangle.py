"""CrowdTangle exports: dashboard CSV (search/list export and post-history export) and API JSON.

CrowdTangle closed in August 2024, but its archives are the main historical record of
Facebook pages/groups and Instagram accounts for earlier elections.

Identifiers (shared with the Graph API, Apify and Instaloader importers so the same post
merges across formats):

* Facebook posts are stored under their bare object id (the number after ``/posts/`` in the
  URL, or after the ``_`` of a ``<page>_<post>`` id); the page id is the account id.
* Instagram posts are stored under their shortcode (``/p/<shortcode>/``) and Instagram
  accounts under their username: the one account key every Instagram format carries (the
  dashboard CSV has no user id; Graph API ids are app-scoped).

Semantics
---------
* CSV times (``Post Created``) are in the *dashboard's* time zone and carry only an
  abbreviation ("BRT", "WITA"). ``--timezone`` wins when given; otherwise a known
  abbreviation is used (WIB, WITA, WIT, UTC/GMT, BRT, ...); otherwise UTC.
  Post-history ``Score Date (GMT)`` and API ``date`` are UTC.
* ``likes`` for Facebook is the *total of all reactions* (Like, Love, Wow, Haha, Sad,
  Angry, Care, Thankful), matching the Graph API ``reactions`` summary; for Instagram it is
  the Likes column.
* ``is_paid`` is true when the export names a sponsor (``Sponsor Id``/``Sponsor Name`` or
  the API ``brandedContentSponsor``): branded content.
* Post-history rows become metric observations of one post at ``Score Date``.

Example
-------
>>> from suara.ingest.formats.crowdtangle import media_type
>>> media_type("Native Video"), media_type("Live Video Complete"), media_type("Status")
('video', 'live', 'text')
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterator

from suara.ingest.base import (BulkChunk, BulkDeclined, ImportContext, Importer, Item, RowError, Source,
                               extract_links, fill_entities, parse_time, to_int)
from suara.ingest.bulkmap import bulk_csv
from suara.ingest.formats._apijson import foreign_envelope, head_keys, iter_records
from suara.ingest.lines import iter_csv

__all__ = ["CrowdTangleCSV", "CrowdTangleHistoryCSV", "CrowdTangleAPI", "media_type",
           "facebook_post_id", "instagram_shortcode", "ZONE_ABBREVIATIONS"]

#: Dashboard zone abbreviations seen in export timestamps -> IANA zones.
ZONE_ABBREVIATIONS = {
    "UTC": "UTC", "GMT": "UTC", "WIB": "Asia/Jakarta", "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura", "SGT": "Asia/Singapore", "MYT": "Asia/Kuala_Lumpur",
    "BRT": "America/Sao_Paulo", "EST": "America/New_York", "EDT": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles", "CET": "Europe/Berlin", "CEST": "Europe/Berlin",
    "BST": "Europe/London", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo",
}

_TYPES = {
    "photo": "photo", "album": "carousel", "link": "link", "status": "text",
    "native video": "video", "native_video": "video", "video": "video", "youtube": "video",
    "vimeo": "video", "vine": "video", "igtv": "video", "reel": "reel", "reels": "reel",
    "live video": "live", "live_video": "live", "live video complete": "live",
    "live_video_complete": "live", "live video scheduled": "live",
    "live_video_scheduled": "live", "carousel": "carousel", "sidecar": "carousel",
    "image": "photo", "episode": "video", "extra clip": "video",
}

_FB_REACTIONS_CSV = ("Likes", "Love", "Wow", "Haha", "Sad", "Angry", "Care", "Thankful")
_FB_REACTIONS_API = ("likeCount", "loveCount", "wowCount", "hahaCount", "sadCount",
                     "angryCount", "thankfulCount", "careCount")


def media_type(value: str | None) -> str | None:
    """Map a CrowdTangle ``Type``/``type`` to the canonical media type (None if unknown)."""
    if not value:
        return None
    v = str(value).strip().lower()
    if v in _TYPES:
        return _TYPES[v]
    if v.startswith("live"):
        return "live"
    if "video" in v:
        return "video"
    return None


_FB_POST_URL = re.compile(r"/(?:posts|videos|photos|permalink|reel|story\.php\?story_fbid=)/?(?:[^/?#]*/)?(\d{5,})")
_FB_ID_PARAM = re.compile(r"(?:story_fbid|fbid|v)=(\d{5,})")
_PFBID = re.compile(r"/(pfbid0[A-Za-z0-9]{20,})")
_IG_SHORTCODE = re.compile(r"instagram\.com/(?:[^/]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]{5,})")


def facebook_post_id(value: str | None) -> str | None:
    """Bare Facebook post id from a ``<page>_<post>`` id or a post URL.

    >>> facebook_post_id("19292868552_10158349356748553")
    '10158349356748553'
    >>> facebook_post_id("https://www.facebook.com/100050295107499/posts/345428873810280")
    '345428873810280'
    >>> facebook_post_id("https://www.facebook.com/groups/1584793948440088/permalink/2468424023410405/")
    '2468424023410405'
    """
    if not value:
        return None
    s = str(value).strip()
    if re.fullmatch(r"\d+(_\d+)?", s):
        return s.rsplit("_", 1)[-1]
    m = _FB_POST_URL.search(s) or _FB_ID_PARAM.search(s)
    if m:
        return m.group(1)
    # since 2022 some URLs carry only an opaque "pfbid" token; it is still a stable id
    m = _PFBID.search(s)
    return m.group(1) if m else None


def instagram_shortcode(url: str | None) -> str | None:
    """Shortcode from an Instagram post/reel URL.

    >>> instagram_shortcode("https://www.instagram.com/p/CRyZpmrjYC4/")
    'CRyZpmrjYC4'
    """
    if not url:
        return None
    m = _IG_SHORTCODE.search(str(url))
    return m.group(1) if m else None


def _num(row: dict, col: str) -> int | None:
    v = row.get(col)
    if v is None or str(v).strip() in ("", "N/A", "-"):
        return None
    try:
        return to_int(v)
    except ValueError as e:
        raise RowError(col, str(e)) from None


def _csv_time(value: str | None, ctx: ImportContext, col: str):
    if not value or not str(value).strip():
        return None
    s = str(value).strip()
    tz = ctx.timezone
    m = re.search(r"\s([A-Z]{2,5})$", s)
    if m:
        s = s[: m.start()]
        if tz is None:
            tz = ZONE_ABBREVIATIONS.get(m.group(1))
    try:
        return parse_time(s, tz)
    except ValueError as e:
        raise RowError(col, str(e)) from None


class CrowdTangleCSV(Importer):
    """CrowdTangle dashboard CSV export of posts (Facebook pages/groups or Instagram)."""

    name = "crowdtangle-csv"
    title = "CrowdTangle CSV export (Facebook / Instagram posts)"
    platforms = ("facebook", "instagram")
    extensions = (".csv",)

    def sniff(self, head: str, source: Source) -> float:
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        if "Post Created" not in first:
            return 0.0
        score = 0.6
        for col in ("Total Interactions", "User Name", "Followers at Posting", "Overperforming"):
            if col in first:
                score += 0.08
        if "Page Name" in first or "Facebook Id" in first or "Account" in first:
            score += 0.05
        return min(score, 0.97)

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        return iter_csv(source, dialect=csv.excel)

    def map(self, raw: Any, ctx: ImportContext):
        url = (raw.get("URL") or "").strip()
        fb_id = (raw.get("Facebook Id") or "").strip()
        platform = "instagram" if ("instagram.com" in url or ("Account" in raw and not fb_id
                                                              and "Page Name" not in raw)) else "facebook"
        if platform == "facebook":
            pid = facebook_post_id(url)
            if not pid:
                raise RowError("URL", f"no Facebook post id in {url[:80]!r}")
            acc_id = fb_id or None
        else:
            pid = instagram_shortcode(url)
            if not pid:
                raise RowError("URL", f"no Instagram shortcode in {url[:80]!r}")
            acc_id = (raw.get("User Name") or "").strip() or None
        created = _csv_time(raw.get("Post Created"), ctx, "Post Created")
        if created is None and raw.get("Post Created Date"):
            created = _csv_time(f"{raw.get('Post Created Date')} {raw.get('Post Created Time') or ''}",
                                ctx, "Post Created Date")
        mtype = media_type(raw.get("Type"))
        if platform == "facebook":
            parts = [_num(raw, c) for c in _FB_REACTIONS_CSV if c in raw]
            likes = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
        else:
            likes = _num(raw, "Likes")
        views = None
        for col in ("Total Views", "Post Views", "Views"):
            v = _num(raw, col)
            if v is not None and (views is None or v > views):
                views = v
        if views == 0 and mtype not in ("video", "live", "reel"):
            views = None   # CrowdTangle writes 0 for "not a video", not "nobody watched"
        text = (raw.get("Message") or raw.get("Description") or raw.get("Title") or "").strip() or None
        links = [x for x in (raw.get("Link"), raw.get("Final Link")) if x and x.startswith("http")]
        links += [x for x in extract_links(text) if x not in links]
        sponsor = (raw.get("Sponsor Id") or raw.get("Sponsor Name") or "").strip()
        post = fill_entities({
            "platform": platform, "post_id": pid, "account_id": acc_id, "created_at": created,
            "kind": "post", "text": text, "media_type": mtype, "url": url or None,
            "links": links, "likes": likes, "comments": _num(raw, "Comments"),
            "shares": _num(raw, "Shares"), "views": views,
            "is_paid": bool(sponsor)})
        acc = None
        if acc_id:
            handle = (raw.get("User Name") or "").strip() or None
            followers = _num(raw, "Followers at Posting")
            if followers is None:
                followers = _num(raw, "Likes at Posting")
            acc = {"platform": platform, "account_id": acc_id, "handle": handle,
                   "display_name": (raw.get("Page Name") or raw.get("Group Name") or raw.get("Account")
                                    or "").strip() or None,
                   "bio": (raw.get("Page Description") or "").strip() or None,
                   "followers": followers,
                   "created_at": _csv_time(raw.get("Page Created"), ctx, "Page Created")}
        return [Item(post=post, account=acc)]


    def bulk(self, source: Source, ctx: ImportContext, fmt: str) -> Iterator[BulkChunk]:
        """Vectorised ``map`` for large dashboard exports: one DuckDB query per Arrow batch
        (`_bulk_sql`) takes the plain rows — post URLs of the usual shape, counts of digits
        only (or empty, ``N/A``, ``-``), ``Post Created`` as ``YYYY-MM-DD HH:MM:SS`` in a zone
        with a fixed offset (WIB, WITA, WIT, UTC ...), no mojibake; every other row goes to
        ``map``, so values, quarantine and row numbers are the row path's."""
        from suara.ingest.formats.generic import _fixed_offset
        fixed = {a: _fixed_offset(z) for a, z in ZONE_ABBREVIATIONS.items() if _is_fixed(z)}
        forced = None if ctx.timezone is None else _fixed_offset(ctx.timezone)
        yield from bulk_csv(source, ctx, self, lambda cols: _bulk_sql(cols, fixed, forced, fmt, source.name),
                            delimiter=",")


def _is_fixed(zone: str) -> bool:
    from suara.ingest.formats.generic import _fixed_offset
    try:
        _fixed_offset(zone)
        return True
    except BulkDeclined:
        return False


_CT_TIME_RE2 = r"[0-9]{4}-(0[1-9]|1[0-2])-[0-3][0-9] ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]( [A-Z]{2,5})?"
_FB_URL_RE2 = r"https://(www\.|m\.|web\.)?facebook\.com/[A-Za-z0-9.]+/posts/[0-9]{5,}/?"
_IG_URL_RE2 = r"https://(www\.)?instagram\.com/(p|reel|tv)/[A-Za-z0-9_-]{5,}/?"


def _bulk_sql(cols: set[str], fixed: dict[str, int], forced: int | None, fmt: str, file: str) -> str:
    """The query mapping a dashboard CSV batch (`_b`) as `CrowdTangleCSV.map` maps each
    plain row (see `CrowdTangleCSV.bulk`)."""
    from suara.ingest.base import _MOJIBAKE_MARKS
    from suara.ingest.bulkmap import entity_sql, lit, py_strip

    used: set[str] = set()

    def q(c: str) -> str:
        if c not in cols:
            return "CAST(NULL AS VARCHAR)"
        used.add(c)
        return '"' + c.replace('"', '""') + '"'

    def first(*cs: str) -> str:   # the first truthy raw value (`a or b or ""`)
        parts = ", ".join("nullif(" + q(c) + ", '')" for c in cs)
        return f"coalesce({parts}, '')"

    def num(c: str, digits: int = 18) -> tuple[str, str]:
        v = q(c)
        return (f"CASE WHEN regexp_full_match({v}, '[0-9]+') THEN CAST({v} AS BIGINT) END",
                f"({v} IS NULL OR {v} IN ('', 'N/A', '-') OR regexp_full_match({v}, '[0-9]{{1,{digits}}}'))")

    def when(v: str) -> tuple[str, str]:
        abbr = f"regexp_extract({v}, ' ([A-Z]{{2,5}})$', 1)"
        if forced is not None:
            off = str(forced)
        else:
            known = ", ".join(lit(a) for a in ZONE_ABBREVIATIONS if a not in fixed) or "''"
            off = (f"CASE {' '.join(f'WHEN {abbr} = {lit(a)} THEN {o}' for a, o in fixed.items())} "
                   f"WHEN {abbr} IN ({known}) THEN NULL ELSE 0 END")
        ts = (f"CAST(CASE WHEN regexp_full_match({v}, '{_CT_TIME_RE2}') "
              f"THEN try_strptime(left({v}, 19), '%Y-%m-%d %H:%M:%S') END AS TIMESTAMP) - to_seconds({off})")
        return ts, f"({ts} IS NOT NULL AND year({ts}) BETWEEN 1971 AND 2038)"

    ok: list[str] = []
    url, fbid = py_strip(f"coalesce({q('URL')}, '')"), py_strip(f"coalesce({q('Facebook Id')}, '')")
    ig_by_header = "Account" in cols and "Page Name" not in cols
    created, created_ok = when(q("Post Created"))
    ok.append(created_ok)
    counts = {c: num(c, 17 if c in _FB_REACTIONS_CSV else 18)
              for c in (*_FB_REACTIONS_CSV, "Comments", "Shares", "Total Views", "Post Views", "Views",
                        "Followers at Posting", "Likes at Posting") if c in cols}
    ok += [x[1] for x in counts.values()]
    parts = [counts[c][0] for c in _FB_REACTIONS_CSV if c in counts]
    fb_likes = (f"CASE WHEN coalesce({', '.join(parts)}) IS NULL THEN NULL "
                f"ELSE {' + '.join(f'coalesce({p}, 0)' for p in parts)} END") if parts else "NULL"
    ig_likes = counts["Likes"][0] if "Likes" in counts else "NULL"
    views = [counts[c][0] for c in ("Total Views", "Post Views", "Views") if c in counts]
    views = f"list_max([{', '.join(views)}])" if views else "NULL"
    ty = q("Type")
    ok.append(f"({ty} IS NULL OR regexp_full_match({ty}, '[\\x20-\\x7e]*'))")
    tv = f"lower(trim({ty}))"
    mtype = (f"CASE WHEN {tv} IN ({', '.join(lit(k) for k in _TYPES)}) THEN "
             f"CASE {tv} {' '.join(f'WHEN {lit(k)} THEN {lit(v)}' for k, v in _TYPES.items())} END "
             f"WHEN starts_with({tv}, 'live') THEN 'live' WHEN contains({tv}, 'video') THEN 'video' END")
    page_created, page_ok = when(q("Page Created"))
    pc_ = q("Page Created")
    ok.append(f"({pc_} IS NULL OR {py_strip(pc_)} = '' OR {page_ok})")
    handle = "nullif(" + py_strip("coalesce(" + q("User Name") + ", '')") + ", '')"
    bio = "nullif(" + py_strip("coalesce(" + q("Page Description") + ", '')") + ", '')"
    ent = entity_sql("_text")
    s1 = {
        "_url": url, "_fbid": fbid,
        "_text": f"nullif({py_strip(first('Message', 'Description', 'Title'))}, '')",
        "_links0": (f"list_filter([{q('Link')}, {q('Final Link')}], "
                    "lambda x: x IS NOT NULL AND starts_with(x, 'http'))"),
        "created_at": created, "_mtype": mtype, "_fb_likes": fb_likes, "_ig_likes": ig_likes,
        "_views": views, "comments": counts["Comments"][0] if "Comments" in counts else "NULL",
        "shares": counts["Shares"][0] if "Shares" in counts else "NULL",
        "is_paid": f"{py_strip(first('Sponsor Id', 'Sponsor Name'))} <> ''",
        "_handle": handle,
        "_followers": (f"coalesce({counts['Followers at Posting'][0] if 'Followers at Posting' in counts else 'NULL'}, "
                       f"{counts['Likes at Posting'][0] if 'Likes at Posting' in counts else 'NULL'})"),
        "_display": f"nullif({py_strip(first('Page Name', 'Group Name', 'Account'))}, '')",
        "_bio": bio,
        "_page_created": f"CASE WHEN {pc_} IS NULL OR {py_strip(pc_)} = '' THEN NULL ELSE {page_created} END",
    }
    if used:
        every = " || ".join(f"coalesce({q(c)}, '')" for c in sorted(used))
        s1["_moj"] = f"({' OR '.join(f'contains({every}, {lit(x)})' for x in _MOJIBAKE_MARKS)})"
    else:
        s1["_moj"] = "false"
    platform = (f"CASE WHEN contains(_url, 'instagram.com'){' OR _fbid = ' + lit('') if ig_by_header else ''} "
                "THEN 'instagram' ELSE 'facebook' END")
    return f"""
    WITH s1 AS (SELECT _row, {', '.join(f'{x} AS {k}' for k, x in s1.items())}, {' AND '.join(ok)} AS _ok FROM _b),
    s2 AS (SELECT *, {platform} AS platform FROM s1),
    s3 AS (SELECT *,
             CASE WHEN platform = 'facebook' AND NOT regexp_matches(_url, '[^\\x00-\\x7f]')
                       AND regexp_full_match(_url, '{_FB_URL_RE2}')
                  THEN regexp_extract(_url, '/posts/([0-9]{{5,}})', 1)
                  WHEN platform = 'instagram' AND regexp_full_match(_url, '{_IG_URL_RE2}')
                  THEN regexp_extract(_url, 'instagram\\.com/(?:p|reel|tv)/([A-Za-z0-9_-]{{5,}})', 1) END AS post_id,
             CASE WHEN platform = 'facebook' THEN nullif(_fbid, '') ELSE _handle END AS account_id,
             {ent['_uni']} AS _uni, {ent['_h']} AS _h, {ent['_m']} AS _m, {ent['_l']} AS _l FROM s2)
    SELECT _row, coalesce(_ok AND post_id IS NOT NULL, false) AS _plain, _uni, _moj, platform, post_id, account_id,
           created_at, 'post' AS kind, CAST(NULL AS VARCHAR) AS parent_id, CAST(NULL AS VARCHAR) AS root_id,
           _text AS text, _mtype AS media_type, nullif(_url, '') AS url,
           CASE WHEN _uni THEN NULL ELSE coalesce({ent['hashtags']}, []) END AS hashtags,
           CASE WHEN _uni THEN NULL ELSE coalesce({ent['mentions']}, []) END AS mentions,
           CASE WHEN _uni THEN NULL ELSE list_concat(_links0, list_filter(coalesce({ent['links']}, []),
                lambda x: NOT list_contains(_links0, x))) END AS links,
           _links0,
           CASE WHEN platform = 'facebook' THEN _fb_likes ELSE _ig_likes END AS likes, comments, shares,
           CASE WHEN _views = 0 AND coalesce(_mtype NOT IN ('video', 'live', 'reel'), true) THEN NULL
                ELSE _views END AS views,
           CAST(NULL AS BIGINT) AS saves, is_paid, CAST(NULL AS VARCHAR) AS geo,
           CAST(NULL AS VARCHAR[]) AS media_files, {lit(fmt + ':' + file + ':')} || _row AS source,
           CASE WHEN account_id IS NOT NULL THEN _handle END AS acc_handle,
           CASE WHEN account_id IS NOT NULL THEN _display END AS acc_display_name,
           CASE WHEN account_id IS NOT NULL THEN _bio END AS acc_bio,
           CASE WHEN account_id IS NOT NULL THEN _followers END AS acc_followers,
           CASE WHEN account_id IS NOT NULL THEN _page_created END AS acc_created_at
    FROM s3"""


class CrowdTangleHistoryCSV(Importer):
    """CrowdTangle post-history CSV: engagement of one post over time (one row per score)."""

    name = "crowdtangle-history"
    title = "CrowdTangle post-history CSV (metrics over time)"
    platforms = ("facebook", "instagram")
    extensions = (".csv",)

    def sniff(self, head: str, source: Source) -> float:
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        if "Score Date" in first and "Timestep" in first:
            return 0.95
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        return iter_csv(source, dialect=csv.excel)

    def map(self, raw: Any, ctx: ImportContext):
        # the header row's tail carries post metadata: "Post Date (GMT)", <date>, <post URL>
        keys = list(raw)
        url = next((k for k in keys if k.startswith("http")), None)
        posted = None
        if "Post Date (GMT)" in keys:
            i = keys.index("Post Date (GMT)")
            if i + 1 < len(keys):
                try:
                    posted = parse_time(keys[i + 1])
                except ValueError:
                    posted = None
        platform = "instagram" if url and "instagram.com" in url else "facebook"
        raw_id = (raw.get("ID") or "").strip()
        pid = instagram_shortcode(url) if platform == "instagram" else (
            facebook_post_id(raw_id) or facebook_post_id(url))
        if not pid:
            raise RowError("ID", "missing post id")
        score_col = next((k for k in keys if k.startswith("Score Date")), "Score Date (GMT)")
        try:
            observed = parse_time((raw.get(score_col) or "").strip())
        except ValueError as e:
            raise RowError(score_col, str(e)) from None
        if observed is None:
            raise RowError(score_col, "missing observation time")
        likes = _num(raw, "Reactions")
        if likes is None:
            likes = _num(raw, "Likes")
        views = _num(raw, "Total Views")
        post = {"platform": platform, "post_id": pid, "created_at": posted, "kind": "post",
                "url": url, "likes": likes, "comments": _num(raw, "Comments"),
                "shares": _num(raw, "Shares"), "views": views or None}
        return [Item(post=post, observed_at=observed)]


class CrowdTangleAPI(Importer):
    """CrowdTangle API JSON: ``{"status":200,"result":{"posts":[...]}}`` pages, bare post
    objects, arrays of posts, or JSON Lines of either (e.g. archives kept in MongoDB)."""

    name = "crowdtangle-api"
    title = "CrowdTangle API JSON (posts)"
    platforms = ("facebook", "instagram")
    extensions = (".json", ".jsonl")

    def sniff(self, head: str, source: Source) -> float:
        keys = head_keys(head)
        if foreign_envelope(keys):
            return 0.0
        hits = len(keys & {"platformId", "postUrl", "subscriberCount", "statistics", "expandedLinks",
                           "legacyId", "languageCode", "accountType"})
        if "platformId" in keys and "statistics" in keys and hits >= 4:
            return 0.9
        if '"result"' in head and '"posts"' in head and "platformId" in keys:
            return 0.9
        return 0.0

    def read(self, source: Source, ctx: ImportContext) -> Iterator[tuple[int, Any]]:
        def split(doc):
            if isinstance(doc, list):
                return doc
            if isinstance(doc, dict):
                res = doc.get("result")
                if isinstance(res, dict) and isinstance(res.get("posts"), list):
                    return res["posts"]
                if isinstance(res, dict) and isinstance(res.get("post"), dict):
                    return [res["post"]]
                if "platformId" in doc or "postUrl" in doc:
                    return [doc]
                if doc.get("status") not in (None, 200):
                    raise RowError("status", f"API error {doc.get('status')}: {doc.get('message')}")
                return []
            raise RowError("(document)", "not a JSON object or array")
        return iter_records(source, split)

    def map(self, raw: Any, ctx: ImportContext):
        if not isinstance(raw, dict):
            raise RowError("(record)", "not a JSON object")
        plat = str(raw.get("platform") or "").lower()
        url = raw.get("postUrl") or ""
        platform = "instagram" if plat == "instagram" or "instagram.com" in url else "facebook"
        if platform == "facebook":
            pid = facebook_post_id(raw.get("platformId")) or facebook_post_id(url)
        else:
            pid = instagram_shortcode(url) or (str(raw["platformId"]) if raw.get("platformId") else None)
        if not pid:
            raise RowError("platformId", "missing post id")
        try:
            created = parse_time(raw.get("date"))
        except ValueError as e:
            raise RowError("date", str(e)) from None
        stats = ((raw.get("statistics") or {}).get("actual") or {})
        if not isinstance(stats, dict):
            raise RowError("statistics.actual", "not an object")

        def n(k):
            try:
                return to_int(stats.get(k))
            except ValueError as e:
                raise RowError(f"statistics.actual.{k}", str(e)) from None

        if platform == "facebook":
            parts = [n(k) for k in _FB_REACTIONS_API]
            likes = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
        else:
            likes = n("favoriteCount")
            if likes is None:
                likes = n("likeCount")
        views = n("videoViewCount") or n("viewCount") or None
        text = raw.get("message") or raw.get("description") or raw.get("title")
        links = [x.get("expanded") or x.get("original") for x in raw.get("expandedLinks") or []
                 if isinstance(x, dict) and (x.get("expanded") or x.get("original"))]
        if raw.get("link") and raw["link"] not in links:
            links.insert(0, raw["link"])
        links += [x for x in extract_links(text) if x not in links]
        acc_raw = raw.get("account") if isinstance(raw.get("account"), dict) else {}
        if platform == "facebook":
            acc_id = acc_raw.get("platformId") or (str(raw.get("platformId", "")).split("_")[0] or None)
        else:
            acc_id = acc_raw.get("handle") or acc_raw.get("platformId")
        acc_id = str(acc_id) if acc_id not in (None, "") else None
        post = fill_entities({
            "platform": platform, "post_id": pid, "account_id": acc_id, "created_at": created,
            "kind": "post", "text": text or None, "media_type": media_type(raw.get("type")),
            "url": url or None, "links": links, "likes": likes, "comments": n("commentCount"),
            "shares": n("shareCount"), "views": views,
            "is_paid": bool(raw.get("brandedContentSponsor"))})
        acc = None
        if acc_id:
            try:
                followers = to_int(acc_raw.get("subscriberCount"))
            except ValueError:
                followers = None
            acc = {"platform": platform, "account_id": acc_id,
                   "handle": acc_raw.get("handle") or None, "display_name": acc_raw.get("name"),
                   "followers": followers,
                   "verified": acc_raw.get("verified") if isinstance(acc_raw.get("verified"), bool) else None}
        try:
            observed = parse_time(raw.get("updated"))
        except ValueError:
            observed = None
        return [Item(post=post, account=acc, observed_at=observed)]


IMPORTERS = [CrowdTangleCSV, CrowdTangleHistoryCSV, CrowdTangleAPI]
