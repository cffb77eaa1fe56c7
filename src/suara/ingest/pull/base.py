"""Pieces every pull connector shares: a polite HTTP client (rate limits, backoff, token
masking), the resumable cursor file and the page writer.

A pull writes each raw API page unchanged to ``DIR/<platform>-<what>-<NNNNN>.json`` (so the
ordinary importers read it) and, after every page, a cursor file ``DIR/.suara-pull.json``
that records where to continue. Re-running the same pull continues after the last page
written; a pull with a different query or date range in the same folder is refused.

Example
-------
>>> mask("GET https://api/x?key=SECRET123 failed", ["SECRET123"])
'GET https://api/x?key=*** failed'
"""
from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx

__all__ = ["PullError", "ApiClient", "PullState", "PageWriter", "mask", "STATE_FILE"]

STATE_FILE = ".suara-pull.json"


class PullError(RuntimeError):
    """A pull stopped (bad token, API error, too many failures); the cursor file keeps the
    last good position so re-running resumes. Messages never contain the token."""


def mask(text: str, secrets: list[str | None]) -> str:
    """Replace every secret in ``text`` by ``***``."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


def _retry_after(resp: httpx.Response, now: float) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``x-rate-limit-reset``
    (epoch seconds, X API)."""
    ra = resp.headers.get("retry-after")
    if ra:
        ra = ra.strip()
        if ra.isascii() and ra.isdigit():   # ASCII: float() refuses "³"
            return float(ra)
        try:
            when = email.utils.parsedate_to_datetime(ra)
            return max(0.0, when.timestamp() - now)
        except (TypeError, ValueError):
            pass
    reset = resp.headers.get("x-rate-limit-reset") or resp.headers.get("x-ratelimit-reset")
    if reset and reset.strip().isascii() and reset.strip().isdigit():
        v = float(reset)
        return max(0.0, v - now) if v > 10**9 else v
    return None


@dataclass
class ApiClient:
    """httpx client with retries: HTTP 429 waits what the server asks (``Retry-After`` /
    ``x-rate-limit-reset``, capped at ``max_wait``); 5xx and network errors back off
    exponentially with full jitter (``backoff * 2**attempt``). 4xx other than 429 fail at
    once. ``secrets`` are masked out of every error message."""

    headers: dict = field(default_factory=dict)
    secrets: list = field(default_factory=list)
    max_retries: int = 5
    backoff: float = 1.0
    max_wait: float = 900.0
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    requests: int = 0
    waited: float = 0.0

    def __post_init__(self):
        self._http = httpx.Client(headers=self.headers, timeout=self.timeout,
                                  transport=self.transport, follow_redirects=True)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, url: str, **kw) -> Any:
        """Send a request and return the decoded JSON body (retrying as described)."""
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            try:
                resp = self._http.request(method, url, **kw)
            except httpx.TransportError as e:
                if attempt > self.max_retries:
                    raise PullError(mask(f"{method} {url}: network error after {attempt} tries: {e}",
                                         self.secrets)) from None
                self._wait(self.backoff * 2 ** (attempt - 1) * random.random())
                continue
            if resp.status_code == 429:
                if attempt > self.max_retries:
                    raise PullError(mask(f"{method} {url}: still rate-limited (HTTP 429) after "
                                         f"{attempt} tries", self.secrets))
                wait = _retry_after(resp, time.time())
                if wait is None:
                    wait = self.backoff * 2 ** (attempt - 1) * (0.5 + random.random())
                self._wait(min(wait, self.max_wait))
                continue
            if resp.status_code >= 500:
                if attempt > self.max_retries:
                    raise PullError(mask(f"{method} {url}: server error HTTP {resp.status_code} "
                                         f"after {attempt} tries", self.secrets))
                self._wait(self.backoff * 2 ** (attempt - 1) * random.random())
                continue
            if resp.status_code >= 400:
                body = resp.text[:300]
                hint = " (check the token)" if resp.status_code in (401, 403) else ""
                raise PullError(mask(f"{method} {url}: HTTP {resp.status_code}{hint}: {body}",
                                     self.secrets))
            try:
                return resp.json()
            except ValueError:
                raise PullError(mask(f"{method} {url}: response is not JSON: {resp.text[:200]!r}",
                                     self.secrets)) from None

    def _wait(self, seconds: float) -> None:
        self.waited += seconds
        self.sleep(seconds)


@dataclass
class PullState:
    """The resumable cursor file of one pull (``DIR/.suara-pull.json``)."""

    platform: str
    query: str
    since: str
    until: str
    cursor: dict = field(default_factory=dict)
    pages: int = 0
    files: list = field(default_factory=list)
    done: bool = False

    @classmethod
    def load_or_new(cls, out: Path, platform: str, query: str, since: str, until: str) -> "PullState":
        """Resume the pull recorded in ``out`` or start a new one; refuse a different pull."""
        p = out / STATE_FILE
        if p.exists():
            try:
                d = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise PullError(f"{p}: unreadable cursor file ({e}); delete it to start over") from None
            old = (d.get("platform"), d.get("query"), d.get("since"), d.get("until"))
            if old != (platform, query, since, until):
                raise PullError(f"{out} holds another pull ({old[0]} {old[1]!r} {old[2]}..{old[3]}); "
                                "use another folder or delete its .suara-pull.json")
            return cls(**{k: d[k] for k in ("platform", "query", "since", "until", "cursor",
                                             "pages", "files", "done") if k in d})
        return cls(platform, query, since, until)

    def save(self, out: Path) -> None:
        tmp = out / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(self.__dict__, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, out / STATE_FILE)


@dataclass
class PageWriter:
    """Writes raw pages atomically and records them (and the cursor) in the state."""

    out: Path
    state: PullState
    max_pages: int | None = None
    written: list = field(default_factory=list)

    def write(self, what: str, page: Any, cursor: dict) -> Path:
        """Save one raw page and then the cursor that follows it (in that order, so a crash
        between the two re-fetches the page rather than skipping it)."""
        self.state.pages += 1
        name = f"{self.state.platform}-{what}-{self.state.pages:05d}.json"
        path = self.out / name
        tmp = self.out / (name + ".tmp")
        tmp.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        self.state.files.append(name)
        self.state.cursor = cursor
        self.state.save(self.out)
        self.written.append(path)
        return path

    @property
    def full(self) -> bool:
        return self.max_pages is not None and len(self.written) >= self.max_pages


def day(value: str | dt.date, end: bool = False) -> dt.datetime:
    """A ``YYYY-MM-DD`` (or ISO datetime) as naive UTC; ``end`` makes a bare date inclusive
    (the first instant of the next day).

    >>> day("2024-11-27", end=True)
    datetime.datetime(2024, 11, 28, 0, 0)
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        d = dt.datetime.combine(value, dt.time())
        return d + dt.timedelta(days=1) if end else d
    s = str(value).strip()
    if len(s) == 10:
        d = dt.datetime.strptime(s, "%Y-%m-%d")
        return d + dt.timedelta(days=1) if end else d
    d = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return d
