"""The ``meta`` section: workspace facts every consumer needs (election, counts, time range,
enrichment version, flagged accounts), and the overview page's headline numbers.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> meta_section(ws)["election"]
'kaltim-2024'
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from suara.analyse.base import current_version
from suara.analyse.section import Section, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["meta_section", "Meta"]


def _iso(v) -> str | None:
    return None if v is None or v != v else str(v)


def meta_section(ws) -> dict[str, Any]:
    """Election, counts of posts, accounts, quarantined rows and flagged accounts, first and
    last post, the enrichment version analyses read, and how many posts it has not read yet
    (``unenriched_posts``: imported since the last `suara enrich`)."""
    s = ws.store
    p = s.table("posts")
    rng = p.aggregate(first=p.created_at.min(), last=p.created_at.max()).execute().iloc[0]
    sc = s.table("account_scores")
    posts, version = s.count("posts"), current_version(ws)
    enriched = 0
    if version is not None and posts:
        e = s.table("enrichments")
        enriched = int(e.filter(e.version == version).count().execute())
    return {
        "election": ws.election.id,
        "election_name": ws.election.name,
        "candidates": {c.ballot: {"name": c.name, "short": c.short, "colour": c.colour}
                       for c in ws.election.candidates},
        "posts": posts,
        "accounts": s.count("accounts"),
        "quarantined": s.count("quarantine"),
        "first_post": _iso(rng["first"]),
        "last_post": _iso(rng["last"]),
        "enrich_version": version,
        # posts that `suara enrich` has not read yet: no figure built on mentions counts them
        "unenriched_posts": max(0, posts - enriched),
        "flagged_accounts": int(sc.filter(sc.flagged).count().execute()),
    }


@register
class Meta(Section):
    """Workspace facts; the report's overview and the overview page's counters."""

    id = "meta"
    title = "report.overview"
    explain = "report.overview_explain"
    requires = ("posts", "accounts", "quarantine", "account_scores")
    pages = ("overview",)

    def compute(self, ws, **options) -> dict[str, Any]:
        return meta_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("report", lang), texts("ui", lang)
        last = result.get("last_post")
        ref = dt.date.fromisoformat(last[:10]) if last else dt.date.today()
        vote = election.dates.vote_day if election is not None else ref
        days = (vote - ref).days
        today = dt.date.today()
        web_days = (vote - max(ref, today if today < vote else ref)).days
        n = {k: formats.integer(result.get(k, 0)) for k in ("posts", "accounts", "flagged_accounts", "quarantined")}
        waiting = int(result.get("unenriched_posts") or 0)
        note = [{"type": "text", "id": "unenriched", "faces": ("report", "web"),
                 "text": ui["unenriched"].format(n=formats.integer(waiting))}] if waiting else []
        return note + [
            {"type": "kpis", "faces": ("report",), "items": [
                {"value": n["posts"], "label": t["posts"]}, {"value": n["accounts"], "label": t["accounts"]},
                {"value": n["flagged_accounts"], "label": t["flagged"]},
                {"value": n["quarantined"], "label": t["quarantined"]},
                {"value": str(max(days, 0)), "label": t["days_to_vote"]}]},
            {"type": "kpis", "faces": ("web",), "id": "kpis", "title": ui["volume"], "explain": ui["volume_explain"],
             "items": [{"value": n["posts"], "label": ui["n_posts"], "href": "/posts"},
                       {"value": n["accounts"], "label": ui["accounts"], "href": "/posts"},
                       {"value": n["flagged_accounts"], "label": ui["buzzer"], "href": "/posts?buzzer=only"},
                       {"value": str(max(web_days, 0)), "label": ui["days_to_vote"] + f" ({vote})"}]}]
