"""Reading the radar's alerts: the list newest first (:func:`list_alerts`) and the ``alerts``
section. The radar run that writes them is the detect stage (:mod:`suara.detect.radar`).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> list_alerts(ws), alerts_section(ws)["count"]
([], 0)
"""
from __future__ import annotations

import json
from typing import Any

import ibis
import pandas as pd

from suara.analyse.base import pair_label
from suara.analyse.section import Section, posts_link, register
from suara.analyse.wording import reason
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["list_alerts", "alerts_section", "Alerts", "SEVERITIES", "ALERT_TYPES"]

ALERT_TYPES = ("hoax", "black_campaign", "sara_hate", "opponent_attack", "organic_criticism",
               "positive_surge", "volume_spike")
SEVERITIES = ("low", "medium", "high", "critical")


def _none(v):
    return None if v is None or (isinstance(v, float) and v != v) else v


def list_alerts(ws, limit: int | None = None, min_severity: str = "low") -> list[dict]:
    """Alerts newest first (by detection time) as JSON-able dicts.

    Example
    -------
    >>> import suara, tempfile
    >>> list_alerts(suara.init(tempfile.mkdtemp()))
    []
    """
    t = ws.store.table("alerts")
    lvl = SEVERITIES.index(min_severity) if min_severity in SEVERITIES else 0
    t = t.filter(t.severity.isin(list(SEVERITIES[lvl:])))
    t = t.order_by([ibis.desc("detected_at"), ibis.desc("severity_score"), "alert_id"])
    if limit:
        t = t.limit(limit)
    df = t.execute()
    out = []
    for _, r in df.iterrows():
        out.append({
            "id": r["alert_id"], "kind": r["kind"], "candidate": _none(r["candidate"]),
            "issue": _none(r["issue"]),
            "type": r["type"], "severity": r["severity"],
            "severity_score": float(r["severity_score"]) if r["severity_score"] == r["severity_score"] else None,
            "onset_at": None if pd.isna(r["onset_at"]) else pd.Timestamp(r["onset_at"]).isoformat(),
            "detected_at": None if pd.isna(r["detected_at"]) else pd.Timestamp(r["detected_at"]).isoformat(),
            "metric": r["metric"], "posts": int(r["posts"]) if r["posts"] == r["posts"] else 0,
            "top_accounts": json.loads(r["top_accounts"] or "[]"), "status": r["status"],
            "reason": json.loads(r["evidence"] or "{}").get("reason"),
        })
    return out


def alerts_section(ws) -> dict[str, Any]:
    """The ``alerts`` section: how many alerts, by type, and the 50 newest (read-only: the
    radar run is `ws.detect()` / `suara detect radar`).

    Example
    -------
    >>> import suara, tempfile
    >>> alerts_section(suara.init(tempfile.mkdtemp()))["count"]
    0
    """
    alerts = list_alerts(ws)
    by_type: dict[str, int] = {}
    for a in alerts:
        by_type[a["type"]] = by_type.get(a["type"], 0) + 1
    return {"count": len(alerts), "by_type": by_type, "alerts": alerts[:50]}


def _num(v: Any) -> str:
    return formats.integer(v) if isinstance(v, int) else ("" if v is None else str(v))


@register
class Alerts(Section):
    """Radar alerts: counts by type and the newest ones."""

    id = "alerts"
    title = "radar.title"
    explain = "radar.explain"
    requires = ("alerts",)
    pages = ("overview", "isu")

    def compute(self, ws, **options) -> dict[str, Any]:
        return alerts_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("radar", lang), texts("ui", lang)
        rows = result["alerts"][:20]
        rep = ("report",)
        blocks: list[dict] = [
            {"type": "table", "faces": rep, "columns": list(t["cols"]),
             "rows": [[_local(a.get("detected_at"), election), pair_label(election, a["candidate"]) if a.get("candidate")
                       else "-", _issue(a.get("issue"), election, lang), ui.get("enum_" + str(a["type"]), a["type"]),
                       ui.get("enum_" + str(a["severity"]), a["severity"]), formats.integer(a["posts"]),
                       ", ".join(a["top_accounts"][:3])] for a in rows]}
            if rows else {"type": "text", "faces": rep, "text": t["none"]}]
        kp = [{"value": formats.integer(result.get('count', 0)), "label": ui["alerts"], "href": "/radar"}]
        for typ, n in sorted((result.get("by_type") or {}).items(), key=lambda x: -x[1]):
            kp.append({"value": formats.integer(n), "label": ui.get("enum_" + typ, typ.replace("_", " ")), "href": "/radar"})
        blocks.append({"type": "kpis", "id": "alerts", "title": ui["alerts"], "explain": ui["alerts_explain"],
                       "items": kp, "faces": ("web",), "pages": ("overview",)})
        narr = [a for a in result.get("alerts") or [] if a.get("kind") == "narrative"][:30]
        if narr:
            blocks.append({"type": "table", "id": "narratives", "title": ui["narratives"],
                           "explain": ui["narratives_explain"], "faces": ("web",), "pages": ("isu",),
                           "columns": [ui["type"], ui["candidate"], ui["onset"], ui["n_posts"], ui["reason"]],
                           "rows": [[ui.get("enum_" + str(a.get("type")), a.get("type")), pair_label(election, a["candidate"]) if a.get("candidate") else "",
                                     _local(a.get("onset_at"), election),
                                     {"text": _num(a.get("posts")),
                                      "href": posts_link(alert=a.get("id"))},
                                     reason(a.get("reason"), lang)] for a in narr]})
        return blocks


def _local(v, election) -> str:
    """A stored UTC time in the election's zone, with its label (WITA...)."""
    if not v or election is None:
        return (v or "")[:16]
    return formats.local_datetime(v, election.timezone)


def _issue(issue, election, lang: str) -> str:
    if not issue:
        return "-"
    names = {i.id: (i.label_id if lang == "id" else i.label_en) for i in getattr(election, "issues", [])}
    return names.get(issue, issue)
