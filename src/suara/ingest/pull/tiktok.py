"""TikTok Research API connector: ``POST /v2/research/video/query/`` paged with
``cursor`` + ``search_id`` over windows of at most 30 days (the API's limit), and optionally
``POST /v2/research/video/comment/list/`` for every video found.

Pages are saved unchanged (``tiktok-videos-NNNNN.json``, ``tiktok-comments-NNNNN.json``) and
read back by `suara.ingest.formats.tiktok_research`.

Example
-------
>>> build_query("pilgub kaltim")
{'and': [{'operation': 'IN', 'field_name': 'keyword', 'field_values': ['pilgub kaltim']}]}
>>> build_query("#kaltim2024")["and"][0]["field_name"]
'hashtag_name'
"""
from __future__ import annotations

import datetime as dt
import json

from suara.ingest.pull.base import ApiClient, PageWriter, PullError, PullState, day

__all__ = ["run", "build_query", "DEFAULT_BASE", "VIDEO_FIELDS", "COMMENT_FIELDS"]

DEFAULT_BASE = "https://open.tiktokapis.com"
VIDEO_FIELDS = ("id,video_description,create_time,region_code,share_count,view_count,like_count,"
                "comment_count,music_id,hashtag_names,username,effect_ids,playlist_id,"
                "voice_to_text,is_stem_verified,favorites_count,video_duration")
COMMENT_FIELDS = "id,video_id,text,like_count,reply_count,parent_comment_id,create_time"
WINDOW_DAYS = 30


def build_query(query: str) -> dict:
    """The Research API query object for QUERY: a JSON object is used as is; ``#tag`` searches
    a hashtag; anything else is a keyword search."""
    q = query.strip()
    if q.startswith("{"):
        try:
            return json.loads(q)
        except ValueError as e:
            raise PullError(f"query is not valid JSON: {e}") from None
    if q.startswith("#") and " " not in q:
        return {"and": [{"operation": "EQ", "field_name": "hashtag_name", "field_values": [q[1:]]}]}
    return {"and": [{"operation": "IN", "field_name": "keyword", "field_values": [q]}]}


def _windows(since: str, until: str) -> list[tuple[str, str]]:
    a, b = day(since), day(until, end=True) - dt.timedelta(days=1)
    if b < a:
        raise PullError(f"--until {until} is before --since {since}")
    out = []
    while a <= b:
        e = min(a + dt.timedelta(days=WINDOW_DAYS - 1), b)
        out.append((a.strftime("%Y%m%d"), e.strftime("%Y%m%d")))
        a = e + dt.timedelta(days=1)
    return out


def _check(page: dict, what: str) -> dict:
    if not isinstance(page, dict):
        raise PullError(f"{what}: unexpected response shape")
    err = page.get("error") or {}
    if isinstance(err, dict) and err.get("code") not in (None, "ok"):
        raise PullError(f"{what}: API error {err.get('code')}: {err.get('message')}")
    return page.get("data") or {}


def run(state: PullState, client: ApiClient, writer: PageWriter, base: str,
        comments: bool = False, max_count: int = 100) -> None:
    """Continue the pull in ``state`` until done or ``writer.max_pages`` pages."""
    base = base.rstrip("/")
    wins = _windows(state.since, state.until)
    c = state.cursor or {"window": 0, "cursor": None, "search_id": None, "pending": [], "ccursor": 0}
    q = build_query(state.query)
    while True:
        # comments of the videos already saved come first, so a resume never loses them
        while c["pending"]:
            if writer.full:
                return
            vid = c["pending"][0]
            page = client.request("POST", f"{base}/v2/research/video/comment/list/",
                                  params={"fields": COMMENT_FIELDS},
                                  json={"video_id": int(vid), "max_count": max_count,
                                        "cursor": c["ccursor"]})
            data = _check(page, f"comments of video {vid}")
            nxt = dict(c)
            if data.get("has_more") and data.get("comments"):
                nxt["ccursor"] = data.get("cursor", c["ccursor"] + max_count)
            else:
                nxt["pending"], nxt["ccursor"] = c["pending"][1:], 0
            if data.get("comments"):
                writer.write("comments", page, nxt)
            else:
                state.cursor = nxt
            c = nxt
        if c["window"] >= len(wins):
            state.done = True
            state.cursor = c
            return
        if writer.full:
            return
        start, end = wins[c["window"]]
        body = {"query": q, "start_date": start, "end_date": end, "max_count": max_count}
        if c["cursor"] is not None:
            body["cursor"] = c["cursor"]
        if c["search_id"]:
            body["search_id"] = c["search_id"]
        page = client.request("POST", f"{base}/v2/research/video/query/",
                              params={"fields": VIDEO_FIELDS}, json=body)
        data = _check(page, f"video query {start}-{end}")
        vids = [str(v.get("id", v.get("video_id"))) for v in data.get("videos") or [] if isinstance(v, dict)]
        nxt = dict(c)
        if data.get("has_more"):
            nxt["cursor"], nxt["search_id"] = data.get("cursor"), data.get("search_id")
        else:
            nxt["window"], nxt["cursor"], nxt["search_id"] = c["window"] + 1, None, None
        if comments:
            nxt["pending"] = [v for v in vids if v and v != "None"]
        writer.write("videos", page, nxt)
        c = nxt
