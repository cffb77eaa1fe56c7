"""Pull connectors: page through platform APIs for a query and date range, save every raw
page in its real response shape (so the ordinary importers read it), resume after a failure,
and optionally ingest what was saved.

=========  =============================  ======================  ====================
platform   token (environment)            base URL override       endpoints
=========  =============================  ======================  ====================
tiktok     ``SUARA_TIKTOK_TOKEN``         ``SUARA_TIKTOK_API``    Research API video query (+ comment list)
youtube    ``SUARA_YOUTUBE_KEY``          ``SUARA_YOUTUBE_API``   search.list, videos.list, commentThreads.list
x          ``SUARA_X_BEARER``             ``SUARA_X_API``         /2/tweets/search/all
=========  =============================  ======================  ====================

Example
-------
>>> import os
>>> os.environ.pop("SUARA_X_BEARER", None) and None
>>> try:
...     pull("x", "kaltim", "2024-11-01", "2024-11-02", "/tmp/nope")
... except PullError as e:
...     print(e)
no token: set SUARA_X_BEARER
"""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from suara.ingest.pull import tiktok, x, youtube
from suara.ingest.pull.base import STATE_FILE, ApiClient, PageWriter, PullError, PullState, day, mask

__all__ = ["pull", "PullResult", "PullError", "PLATFORMS", "STATE_FILE"]

PLATFORMS = {
    "tiktok": ("SUARA_TIKTOK_TOKEN", "SUARA_TIKTOK_API", tiktok.DEFAULT_BASE),
    "youtube": ("SUARA_YOUTUBE_KEY", "SUARA_YOUTUBE_API", youtube.DEFAULT_BASE),
    "x": ("SUARA_X_BEARER", "SUARA_X_API", x.DEFAULT_BASE),
}


@dataclass
class PullResult:
    """What one run of a pull did."""

    platform: str
    out: str
    pages: int = 0            # pages written by this run
    total_pages: int = 0      # pages in the folder for this pull (all runs)
    requests: int = 0
    waited_s: float = 0.0     # seconds spent waiting for rate limits / backoff
    done: bool = False        # the whole range has been fetched
    resumed: bool = False     # this run continued an earlier one
    files: list = field(default_factory=list)   # pages written by this run
    error: str | None = None  # why the run stopped early (the cursor file allows resuming)

    def to_dict(self) -> dict:
        return asdict(self)


def pull(platform: str, query: str, since: str, until: str, out: str | Path, *,
         token: str | None = None, base_url: str | None = None, max_pages: int | None = None,
         comments: bool | None = None, max_retries: int = 5, backoff: float | None = None,
         sleep: Callable[[float], None] = time.sleep, min_interval: float | None = None) -> PullResult:
    """Fetch (or continue fetching) ``query`` between ``since`` and ``until`` (inclusive
    dates, UTC) into folder ``out``. ``backoff`` is the first retry delay in seconds
    (default 1, or ``SUARA_PULL_BACKOFF``). Raises PullError for a missing token or a refused
    configuration; API failures during the run are returned in ``PullResult.error`` (pages
    already saved stay, and re-running resumes)."""
    if platform not in PLATFORMS:
        raise PullError(f"unknown platform {platform!r}; choose one of {', '.join(PLATFORMS)}")
    env_token, env_base, default_base = PLATFORMS[platform]
    token = token or os.environ.get(env_token)
    if not token:
        raise PullError(f"no token: set {env_token}")
    base = base_url or os.environ.get(env_base) or default_base
    if backoff is None:
        try:
            backoff = float(os.environ.get("SUARA_PULL_BACKOFF") or 1.0)
        except ValueError:
            raise PullError("SUARA_PULL_BACKOFF must be a number of seconds") from None
    try:
        day(since), day(until)
    except ValueError as e:
        raise PullError(f"dates must be YYYY-MM-DD: {e}") from None
    if day(until, end=True) <= day(since):
        raise PullError(f"--until {until} is before --since {since}")
    outp = Path(out)
    outp.mkdir(parents=True, exist_ok=True)
    state = PullState.load_or_new(outp, platform, query, str(since), str(until))
    resumed = state.pages > 0 or bool(state.cursor)
    res = PullResult(platform=platform, out=str(outp), resumed=resumed)
    if state.done:
        res.done, res.total_pages = True, state.pages
        return res
    headers = {"User-Agent": "suara-pull/1"}
    if platform == "youtube":
        headers["X-Goog-Api-Key"] = token
    else:
        headers["Authorization"] = f"Bearer {token}"
    client = ApiClient(headers=headers, secrets=[token], max_retries=max_retries,
                       backoff=backoff, sleep=sleep)
    writer = PageWriter(outp, state, max_pages=max_pages)
    try:
        if platform == "tiktok":
            tiktok.run(state, client, writer, base, comments=bool(comments))
        elif platform == "youtube":
            youtube.run(state, client, writer, base, comments=True if comments is None else comments)
        else:
            x.run(state, client, writer, base, min_interval=1.0 if min_interval is None else min_interval)
    except PullError as e:
        res.error = mask(str(e), [token])
    except Exception as e:  # noqa: BLE001 - any other failure must not leak the token either
        res.error = mask(f"{type(e).__name__}: {e}", [token])
    finally:
        client.close()
        state.save(outp)
    res.pages, res.files = len(writer.written), [str(p) for p in writer.written]
    res.total_pages, res.done = state.pages, state.done
    res.requests, res.waited_s = client.requests, round(client.waited, 3)
    return res


def page_files(out: str | Path) -> list[Path]:
    """The pages of the pull in ``out``, in an order that lets full records win over partial
    ones when ingested (videos before search snippets).

    >>> page_files("/nonexistent")
    []
    """
    outp = Path(out)
    p = outp / STATE_FILE
    if not p.exists():
        return []
    import json
    names = json.loads(p.read_text(encoding="utf-8")).get("files") or []
    rank = {"videos": 0, "search": 2}
    files = [outp / n for n in names if (outp / n).exists()]
    return sorted(files, key=lambda f: (rank.get(f.name.split("-")[1], 1), f.name))
