"""Emerging narratives: near-duplicate clusters that are new and growing fast.

Example
-------
>>> import datetime as dt, suara, tempfile
>>> emerging_narratives(suara.init(tempfile.mkdtemp()), dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1))
[]
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import ibis
import pandas as pd

from suara.analyse.base import enriched
from suara.detect.radar.evidence import _WindowPosts, _classify, _severity, _shares, trace_cascade


def emerging_narratives(ws, since: dt.datetime, until: dt.datetime, min_posts: int = 15,
                        min_accounts: int = 8, within_hours: float = 6.0) -> list[dict]:
    """Near-duplicate clusters (``dup_cluster``) first seen inside [since, until) that grew
    fast: ``min_posts`` posts from at least ``min_accounts`` accounts within
    ``within_hours`` of their first post (a slow trickle of copies is not a new narrative).

    Returns dicts with the cluster, first post time, the time it reached ``min_posts``
    (``ready_at``), posts, accounts, platforms, ``growth`` (posts per hour until ready) and
    the first posts.

    Example
    -------
    >>> import suara, tempfile, datetime as dt
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> emerging_narratives(ws, dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2))
    []
    """
    e = enriched(ws)
    e = e.filter(e.dup_cluster.notnull() & (e.created_at < until))
    g = e.group_by("dup_cluster").aggregate(
        first=e.created_at.min(), last=e.created_at.max(), n=e.count(),
        accounts=e.account_id.nunique(), platforms=e.platform.nunique())
    g = g.filter((g.first >= since) & (g.n >= min_posts) & (g.accounts >= min_accounts))
    df = g.order_by(ibis.desc("n")).limit(200).execute()
    if df.empty:
        return []
    members = e.filter(e.dup_cluster.isin(sorted(set(df["dup_cluster"].astype(str))))).select(
        "dup_cluster", "platform", "post_id", "account_id", "created_at", "text", "url").execute()
    members["created_at"] = pd.to_datetime(members["created_at"])
    members = members.sort_values(["created_at", "platform", "post_id"])
    out = []
    for _, r in df.iterrows():
        c = members[members["dup_cluster"] == r["dup_cluster"]]
        last = pd.Timestamp(r["last"])
        ready = c["created_at"].iloc[min(min_posts, len(c)) - 1]
        early = c[c["created_at"] <= ready]
        span_h = (ready - c["created_at"].iloc[0]).total_seconds() / 3600
        if span_h > within_hours or early["account_id"].nunique() < min_accounts:
            continue
        ratio = min_posts / max(span_h, 0.25)
        first = c.head(3)
        out.append({"cluster": str(r["dup_cluster"]), "first_at": str(r["first"]), "ready_at": str(ready),
                    "last_at": str(last), "posts": int(r["n"]), "accounts": int(r["accounts"]),
                    "platforms": int(r["platforms"]), "growth": round(float(ratio), 2),
                    "first_posts": [{"platform": x["platform"], "post_id": str(x["post_id"]),
                                     "at": str(x["created_at"]),
                                     "text": (x["text"] or "")[:200] if isinstance(x["text"], str) else ""}
                                    for _, x in first.iterrows()]})
    return out


def _narrative_span(n: dict) -> tuple[dt.datetime, dt.datetime]:
    return (pd.Timestamp(n["first_at"]).to_pydatetime(),
            pd.Timestamp(n["last_at"]).to_pydatetime() + dt.timedelta(seconds=1))


def _narrative_alert(cache: _WindowPosts, n: dict, now: dt.datetime, official: dict) -> dict:
    start, end = _narrative_span(n)
    posts = cache.get(None, None, start, end)
    posts = posts[posts["dup_cluster"] == n["cluster"]]
    cands = pd.Series([c for cs in posts["candidates"] for c in cs], dtype=object).value_counts()
    cand = str(cands.index[0]) if len(cands) else None
    iss = posts["issues"].explode().dropna()
    issue = str(iss.value_counts().index[0]) if len(iss) else None
    sh = _shares(posts, cand, official) if len(posts) else {k: 0.0 for k in (
        "negative", "positive", "toxic", "sara", "hoax", "coordinated", "opponent_official")}
    typ, why = _classify(sh, "narrative")
    hours = max((end - start).total_seconds() / 3600, 0.25)
    score, sev = _severity(posts, sh, hours, n["growth"], typ) if len(posts) else (0.0, "low")
    evidence = {"reason": why + f"; near-duplicate cluster, {n['growth']:.0f} posts/hour at first",
                "shares": {k: round(v, 3) for k, v in sh.items()}, "window": [str(start), str(end)],
                "cluster": n["cluster"], "sample_posts": n["first_posts"],
                "trace": trace_cascade(posts, label=cache.label)}
    return {
        "alert_id": "nr-" + hashlib.sha256(n["cluster"].encode()).hexdigest()[:12],
        "kind": "narrative", "candidate": cand, "issue": issue, "type": typ, "severity": sev,
        "severity_score": score, "onset_at": start,
        "detected_at": pd.Timestamp(n.get("ready_at") or end).to_pydatetime(), "metric": "dup_cluster",
        "value": float(n["posts"]), "baseline": float(n["growth"]), "posts": int(n["posts"]),
        "top_accounts": json.dumps([a["account"] for a in evidence["trace"].get("amplifiers", [])]),
        "evidence": json.dumps(evidence, default=str, ensure_ascii=False), "status": "new",
        "created_at": now,
    }


def _host_for(nr: dict, rows: list[dict]) -> dict | None:
    """The anomaly alert a narrative belongs to: same pair (or issue), overlapping in time."""
    for r in rows:
        if r["kind"] != "anomaly":
            continue
        same = (nr["candidate"] and r["candidate"] == nr["candidate"]) or \
               (nr["issue"] and r["issue"] == nr["issue"])
        w = json.loads(r["evidence"]).get("window", [None, None])
        if same and w[0] and pd.Timestamp(w[0]) <= pd.Timestamp(nr["detected_at"]) <= pd.Timestamp(w[1]):
            return r
    return None
