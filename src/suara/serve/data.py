"""Data access for the web app: a cached analysis document, the posts explorer query, and
pseudonymisation of ordinary citizens for roles that may not see them.

The store allows one writer; the server owns it and serialises access with one lock, so
background imports and page requests never corrupt each other.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from typing import Any

import ibis

from suara.analyse import base

__all__ = ["AnalysisCache", "PostFilter", "query_posts", "pseudonym", "PUBLIC_TYPES", "local_offset"]

#: account types whose names are public (named in outputs); others are pseudonymised
PUBLIC_TYPES = {"official", "party", "media", "city", "influencer"}
MAX_PAGE = 200


def pseudonym(platform: str, account_id: str, salt: str) -> str:
    """Stable pseudonym of an ordinary account, e.g. ``warga-3fa2c1d0``."""
    return "warga-" + hashlib.sha256(f"{salt}|{platform}|{account_id}".encode()).hexdigest()[:8]


def local_offset(election) -> dt.timedelta:
    """UTC offset of the election's zone (WITA = +8h) at vote day."""
    from zoneinfo import ZoneInfo
    d = dt.datetime.combine(election.dates.vote_day, dt.time(12), ZoneInfo(election.timezone))
    return d.utcoffset() or dt.timedelta(0)


class AnalysisCache:
    """The `analyse` document, recomputed only when the data changed (new import,
    enrichment, coordination run or alerts)."""

    def __init__(self, ws, lock: threading.RLock):
        self.ws, self.lock = ws, lock
        self._key: tuple | None = None
        self._doc: dict | None = None

    def data_key(self) -> tuple:
        s = self.ws.store
        with self.lock:
            r = s.execute("""SELECT (SELECT count(*) FROM imports), (SELECT max(finished_at) FROM imports),
                (SELECT value FROM meta WHERE key = ?), (SELECT max(scored_at) FROM account_scores),
                (SELECT count(*) FROM alerts), (SELECT count(*) FROM cases), (SELECT count(*) FROM actions),
                (SELECT count(*) FROM posts)""", [base.ENRICH_VERSION_KEY]).fetchall()[0]
        return tuple(r)

    def get(self) -> dict:
        key = self.data_key()
        if self._doc is not None and key == self._key:
            return self._doc
        with self.lock:
            if self._doc is not None and key == self._key:
                return self._doc
            self._doc = self.ws.analyse()
            self._key = key
            return self._doc

    def invalidate(self) -> None:
        self._key = None


class PostFilter(dict):
    """Filters of the posts explorer (all optional): q, candidate, platform, region,
    sentiment, issue, since, until, buzzer ('only'|'exclude'), account, cluster, post_ids."""

    KEYS = ("q", "candidate", "platform", "region", "sentiment", "issue", "since", "until", "buzzer",
            "account", "kind", "dup_cluster")

    @classmethod
    def from_params(cls, params) -> "PostFilter":
        return cls({k: params.get(k) for k in cls.KEYS if params.get(k) not in (None, "")})


def query_posts(ws, f: PostFilter, limit: int = 50, offset: int = 0, lock=None,
                show_identities: bool = False, salt: str = "") -> dict[str, Any]:
    """Posts matching the filter, newest first, with author (pseudonymised unless allowed),
    enrichment and buzzer flag. Returns ``{"total", "posts", "limit", "offset"}``; at most
    200 rows per call so no request can scan-and-ship the whole store."""
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    e = base.enriched(ws)
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "display_name",
                                             "account_type", "followers")
    t = e.left_join(acc, ["platform", "account_id"])
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    fl = base.flagged(ws).mutate(buzzer=ibis.literal(True))
    t = t.left_join(fl, ["platform", "account_id"])
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    t = t.mutate(buzzer=t.buzzer.fill_null(False))
    if f.get("q"):
        t = t.filter(t.text.ilike(f"%{f['q'][:200]}%"))
    for col in ("platform", "sentiment", "kind", "dup_cluster"):
        if col == "sentiment" and f.get("candidate"):
            continue  # with a candidate, sentiment means the targeted sentiment toward it
        if f.get(col):
            t = t.filter(t[col] == f[col])
    if f.get("account"):
        t = t.filter(t.account_id == f["account"])
    if f.get("candidate"):
        m = base.mentions(ws)
        m = m.filter(m.candidate == str(f["candidate"]))
        if f.get("sentiment"):
            t = t.drop("sentiment").inner_join(
                m.filter(m.sentiment == f["sentiment"]).select("platform", "post_id", "sentiment"),
                ["platform", "post_id"])
        else:
            t = t.semi_join(m.select("platform", "post_id"), ["platform", "post_id"])
    if f.get("region"):
        ar = base.account_region(ws)
        t = t.semi_join(ar.filter(ar.region == f["region"]).select("platform", "account_id"),
                        ["platform", "account_id"])
    if f.get("issue"):
        t = t.filter(t.issues.contains(f["issue"]))
    if f.get("since"):
        t = t.filter(t.created_at >= dt.datetime.fromisoformat(str(f["since"])))
    if f.get("until"):
        t = t.filter(t.created_at < dt.datetime.fromisoformat(str(f["until"])))
    if f.get("buzzer") == "only":
        t = t.filter(t.buzzer)
    elif f.get("buzzer") == "exclude":
        t = t.filter(~t.buzzer)
    cols = ["platform", "post_id", "account_id", "handle", "display_name", "account_type", "followers",
            "created_at", "kind", "media_type", "text", "url", "likes", "comments", "shares", "views",
            "sentiment", "sentiment_score", "language", "issues", "hate_speech", "hoax_claim_id",
            "dup_cluster", "buzzer", "parent_id"]
    t = t.select(*[c for c in cols if c in t.columns])
    lock = lock or threading.RLock()
    with lock:
        total = int(t.count().execute())
        df = t.order_by(ibis.desc("created_at")).limit(limit, offset=offset).execute()
    off = local_offset(ws.election)
    rows = []
    for r in df.to_dict("records"):
        public = (r.get("account_type") or "unknown") in PUBLIC_TYPES
        if not (public or show_identities):
            alias = pseudonym(r["platform"], str(r.get("account_id")), salt)
            r["handle"], r["display_name"], r["account_id"] = alias, None, alias
            r["url"] = None  # a URL would reveal the author
        ts = r.get("created_at")
        r["created_at_local"] = (ts + off).strftime("%Y-%m-%d %H:%M") if ts is not None and ts == ts else None
        r["created_at"] = ts.isoformat() if ts is not None and ts == ts else None
        for k, v in list(r.items()):
            if hasattr(v, "tolist"):
                r[k] = v.tolist()
            elif isinstance(v, float) and v != v:
                r[k] = None
        rows.append(r)
    return {"total": total, "limit": limit, "offset": offset, "posts": rows}
