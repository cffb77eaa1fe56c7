"""X API v2 connector: ``GET /2/tweets/search/all`` (full-archive search) paged with
``next_token``, with the expansions the X importer needs (``includes.users``, referenced
tweets). Pages are saved unchanged as ``x-search-NNNNN.json``.

The full-archive endpoint allows one request per second; ``min_interval`` enforces it and
HTTP 429 waits until ``x-rate-limit-reset``.

Example
-------
>>> sorted(PARAMS)[:3]
['expansions', 'max_results', 'media.fields']
"""
from __future__ import annotations

import datetime as dt
import time

from suara.ingest.pull.base import ApiClient, PageWriter, PullError, PullState, day

__all__ = ["run", "DEFAULT_BASE", "PARAMS"]

DEFAULT_BASE = "https://api.x.com"
PARAMS = {
    "max_results": 100,
    "tweet.fields": "id,text,created_at,author_id,conversation_id,in_reply_to_user_id,"
                    "referenced_tweets,public_metrics,entities,lang,geo,possibly_sensitive,source",
    "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,geo.place_id,"
                  "entities.mentions.username,in_reply_to_user_id",
    "user.fields": "id,name,username,created_at,description,location,public_metrics,verified,"
                   "verified_type,protected",
    "place.fields": "full_name,country_code,geo,name,place_type",
    "media.fields": "type,url,public_metrics",
}


def run(state: PullState, client: ApiClient, writer: PageWriter, base: str,
        min_interval: float = 1.0, endpoint: str = "/2/tweets/search/all") -> None:
    """Continue the pull in ``state`` until done or ``writer.max_pages`` pages."""
    base = base.rstrip("/")
    c = state.cursor or {"next_token": None, "started": False}
    last = 0.0
    while True:
        if c["started"] and not c["next_token"]:
            state.done = True
            state.cursor = c
            return
        if writer.full:
            return
        # the API refuses an end_time less than ~10 s in the past
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        end = min(day(state.until, end=True), now - dt.timedelta(seconds=30))
        params = dict(PARAMS, query=state.query,
                      start_time=day(state.since).strftime("%Y-%m-%dT%H:%M:%SZ"),
                      end_time=end.strftime("%Y-%m-%dT%H:%M:%SZ"))
        if c["next_token"]:
            params["next_token"] = c["next_token"]
        gap = min_interval - (time.monotonic() - last)
        if gap > 0:
            client._wait(gap)
        last = time.monotonic()
        page = client.request("GET", f"{base}{endpoint}", params=params)
        if not isinstance(page, dict):
            raise PullError("search: unexpected response shape")
        if "data" not in page and page.get("errors") and not page.get("meta"):
            raise PullError(f"search: API error: {str(page['errors'])[:300]}")
        nxt = {"next_token": (page.get("meta") or {}).get("next_token"), "started": True}
        writer.write("search", page, nxt)
        c = nxt
