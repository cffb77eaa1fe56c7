"""Issues over time: weekly mentions per candidate and issue, emerging issues and their
resonance (the issues page of the web app; the same numbers from Python and the JSON API).

Example
-------
>>> import suara, tempfile
>>> issue_series(suara.init(tempfile.mkdtemp()))["weekly"]
[]
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pandas as pd

from suara.analyse import base
from suara.analyse.explorer import local_offset
from suara.store.views import current_enrichments

__all__ = ["issue_series", "emerging_issues"]


def _mention_issues(ws):
    """(mentions x issues with local time, enriched posts with interactions) as Ibis tables."""
    off = local_offset(ws.election)
    hours = int(off.total_seconds() // 3600)
    # the run's materialised mentions (suara.analyse.base.candidate_mentions), not a second
    # join of mentions, posts and regions
    m = base.candidate_mentions(ws, False).select("platform", "post_id", "candidate", "created_at")
    e = base.enriched(ws)
    e = e.select("platform", "post_id", "issues", "sentiment",
                 inter=(e.likes.fill_null(0) + e.comments.fill_null(0) + e.shares.fill_null(0)))
    # the mentions meet the current enrichments alone, not every post joined with its
    # enrichment (a mention's post always has one: enrich writes both)
    j = m.inner_join(current_enrichments(ws.store).select("platform", "post_id", "issues"), ["platform", "post_id"])
    u = j.mutate(issue=j.issues.unnest()).drop("issues")
    return u.mutate(local=u.created_at + ibis.interval(hours=hours)), e


def emerging_issues(ws, u=None, top: int = 15) -> list[dict]:
    """Issues rising fastest per candidate: mentions of the last 7 days (``last7``, up to the
    newest mention) against the 7 before (``prev7``), at least 5 in the last 7 days; ``growth``
    = (last7 − prev7) / max(prev7, 1); ``since`` opens exactly the ``last7`` posts in the
    explorer.

    Example
    -------
    >>> import suara, tempfile
    >>> emerging_issues(suara.init(tempfile.mkdtemp()))
    []
    """
    if u is None:
        u, _ = _mention_issues(ws)
    # one query: the newest mention's time as a window over all rows, beside the counts (two
    # queries, the time first, read the joined mentions twice)
    u = u.mutate(_last=u.created_at.max().over(ibis.window()))
    u = u.filter(u.created_at > u._last - ibis.interval(days=14))
    cut7 = u._last - ibis.interval(days=7)
    g = (u.group_by(["issue", "candidate"])
         .agg(last7=(u.created_at > cut7).sum(), prev7=(u.created_at <= cut7).sum(), last=u._last.max())
         .execute())
    if not len(g):
        return []
    last = g["last"].iloc[0]
    cut = last - dt.timedelta(days=7)
    g = g.drop(columns="last")
    g = g[g.last7 >= 5].copy()
    g["growth"] = (g.last7 - g.prev7) / g.prev7.clip(lower=1)
    # the explorer's `since` is inclusive: the first instant after the cut, so the link
    # opens exactly the posts counted in last7
    g["since"] = (pd.Timestamp(cut) + pd.Timedelta(microseconds=1)).isoformat(sep=" ")
    # ties broken by volume, then by name: the same list on every run and engine
    return (g.sort_values(["growth", "last7", "issue", "candidate"], ascending=[False, False, True, True],
                          kind="mergesort").head(top).to_dict("records"))


def issue_series(ws) -> dict[str, Any]:
    """Issues over time per candidate (weekly, election-local weeks), emerging issues (last 7
    days vs the 7 before, per candidate) and resonance (posts, mean interactions, share of
    positive posts per issue). Ibis over the enriched posts and mentions.

    Example
    -------
    >>> import suara, tempfile
    >>> issue_series(suara.init(tempfile.mkdtemp()))["weekly"]
    []
    """
    u, e = _mention_issues(ws)
    weekly = (u.mutate(week=u.local.truncate("W").date())
              .group_by(["week", "candidate", "issue"]).agg(mentions=ibis._.count())
              .order_by(["week", "candidate", "issue"]).execute())   # one order on every run
    out: dict[str, Any] = {"weekly": [], "emerging": [], "resonance": []}
    weekly["week"] = weekly["week"].astype(str)
    out["weekly"] = weekly.to_dict("records")
    out["emerging"] = emerging_issues(ws, u)
    r = e.mutate(issue=e.issues.unnest())
    res = (r.group_by("issue").agg(posts=r.count(), mean_interactions=r.inter.mean(),
                                   positive_share=(r.sentiment == "positive").mean())
           .order_by(ibis.desc("mean_interactions")).execute())
    out["resonance"] = res.to_dict("records")
    return out
