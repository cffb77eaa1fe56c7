"""YouTube Data API v3 connector: ``search.list`` (type=video, the date range as
``publishedAfter``/``publishedBefore``) paged by ``pageToken``; for every result page,
``videos.list`` for full text and statistics; optionally ``commentThreads.list`` (with
replies) for every video, paged by ``pageToken``.

The API key travels in the ``X-Goog-Api-Key`` header, never in a URL, so it cannot leak
through logged URLs. Pages are saved unchanged (``youtube-search-NNNNN.json``,
``youtube-videos-NNNNN.json``, ``youtube-comments-NNNNN.json``) and read back by
`suara.ingest.formats.youtube`. Quota: search costs 100 units per page, the others 1.

Example
-------
>>> _rfc3339("2024-11-01")
'2024-11-01T00:00:00Z'
"""
from __future__ import annotations

from suara.ingest.pull.base import ApiClient, PageWriter, PullError, PullState, day

__all__ = ["run", "DEFAULT_BASE"]

DEFAULT_BASE = "https://www.googleapis.com/youtube/v3"


def _rfc3339(value: str, end: bool = False) -> str:
    return day(value, end=end).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(state: PullState, client: ApiClient, writer: PageWriter, base: str,
        comments: bool = True, region: str | None = "ID", max_comment_pages: int = 10) -> None:
    """Continue the pull in ``state`` until done or ``writer.max_pages`` pages."""
    base = base.rstrip("/")
    c = state.cursor or {"token": None, "started": False, "videos": [], "pending": [],
                         "ctoken": None, "cpages": 0}
    while True:
        if c["videos"]:
            if writer.full:
                return
            page = client.request("GET", f"{base}/videos", params={
                "part": "snippet,statistics,contentDetails,liveStreamingDetails",
                "id": ",".join(c["videos"]), "maxResults": 50})
            nxt = dict(c, videos=[], pending=list(c["videos"]) if comments else [])
            writer.write("videos", page, nxt)
            c = nxt
        while c["pending"]:
            if writer.full:
                return
            vid = c["pending"][0]
            params = {"part": "snippet,replies", "videoId": vid, "maxResults": 100,
                      "textFormat": "plainText"}
            if c["ctoken"]:
                params["pageToken"] = c["ctoken"]
            try:
                page = client.request("GET", f"{base}/commentThreads", params=params)
            except PullError as e:
                if "commentsDisabled" in str(e):
                    page = None  # comments turned off for this video: skip it
                else:
                    raise
            nxt = dict(c)
            tok = (page or {}).get("nextPageToken")
            if tok and c["cpages"] + 1 < max_comment_pages:
                nxt["ctoken"], nxt["cpages"] = tok, c["cpages"] + 1
            else:
                nxt["pending"], nxt["ctoken"], nxt["cpages"] = c["pending"][1:], None, 0
            if page and page.get("items"):
                writer.write("comments", page, nxt)
            else:
                state.cursor = nxt
            c = nxt
        if c["started"] and not c["token"]:
            state.done = True
            state.cursor = c
            return
        if writer.full:
            return
        params = {"part": "snippet", "q": state.query, "type": "video", "maxResults": 50,
                  "order": "date", "publishedAfter": _rfc3339(state.since),
                  "publishedBefore": _rfc3339(state.until, end=True)}
        if region:
            params["regionCode"] = region
        if c["token"]:
            params["pageToken"] = c["token"]
        page = client.request("GET", f"{base}/search", params=params)
        if not isinstance(page, dict):
            raise PullError("search: unexpected response shape")
        ids = [(it.get("id") or {}).get("videoId") for it in page.get("items") or []
               if isinstance(it, dict) and isinstance(it.get("id"), dict)]
        nxt = dict(c, token=page.get("nextPageToken"), started=True,
                   videos=[i for i in ids if i])
        writer.write("search", page, nxt)
        c = nxt
