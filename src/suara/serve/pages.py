"""Page content: turn sections of the analysis document into blocks (KPIs, charts, tables)
for the HTML pages. Blocks are plain dicts rendered by ``templates/page.html``; every number
links to the posts explorer with its filter."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go

from suara.report.charts import candidate_colours, figure_div

__all__ = ["PAGES", "blocks_for", "generic_table"]

#: page id -> analysis sections shown there (in order)
PAGES: dict[str, list[str]] = {
    "overview": ["share_of_voice", "alerts"],
    "kandidat": ["share_of_voice", "engagement", "top_posts"],
    "isu": ["issues", "narratives", "recommendations"],
    "wilayah": ["regions"],
    "influencer": ["influencers", "exposure", "segments"],
    "jaringan": ["coordination"],
    "radar": [],
    "mobilisasi": ["actions", "live", "enthusiasm", "law_watch", "forecast"],
}


def _posts_link(**f) -> str:
    return "/posts?" + urlencode({k: v for k, v in f.items() if v not in (None, "")})


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmt(x)}" for k, x in list(v.items())[:6])
    return "" if v is None else str(v)


def generic_table(data: Any, max_rows: int = 50) -> dict | None:
    """A table from a list of records or a mapping of records; None when not tabular."""
    rows: list[dict] = []
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        rows = data
    elif isinstance(data, dict) and data and all(isinstance(x, dict) for x in data.values()):
        rows = [{"key": k, **v} for k, v in data.items()]
    if not rows:
        return None
    cols: list[str] = []
    for r in rows[:max_rows]:
        for c in r:
            if c not in cols:
                cols.append(c)
    cols = cols[:10]
    return {"columns": cols, "rows": [[_fmt(r.get(c)) for c in cols] for r in rows[:max_rows]]}


def _sov_blocks(ws, sov: dict, t: dict) -> list[dict]:
    colours = candidate_colours(ws.election)
    cands = ws.election.candidates
    all_, filt = sov.get("all", {}), sov.get("filtered", {})
    kpis = []
    for c in cands:
        a = all_.get(c.ballot, {})
        kpis.append({"value": f"{a.get('share', 0):.1%}", "label": f"{c.ballot} {c.short} · {t['share_of_voice']}",
                     "href": _posts_link(candidate=c.ballot)})
        kpis.append({"value": f"{a.get('net_sentiment', 0):+.2f}", "label": f"{c.short} · {t['net_sentiment']}",
                     "href": _posts_link(candidate=c.ballot, sentiment="negative")})
    blocks = [{"id": "sov-kpis", "title": t["share_of_voice"], "explain": t["sov_explain"] + " " + t["sentiment_explain"],
               "kpis": kpis}]
    fig = go.Figure()
    for label, part in ((t["all_accounts"], all_), (t["filtered"], filt)):
        fig.add_bar(name=label, x=[f"{c.ballot} {c.short}" for c in cands],
                    y=[part.get(c.ballot, {}).get("share", 0) for c in cands])
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", title=t["share_of_voice"])
    table = {"columns": [t["candidate"], t["mentions"], t["share"], t["unique_accounts"], t["net_sentiment"],
                         t["share"] + " · " + t["filtered"]],
             "rows": [[{"text": f"{c.ballot} {c.short}", "href": _posts_link(candidate=c.ballot)},
                       {"text": f"{all_.get(c.ballot, {}).get('mentions', 0):,}", "href": _posts_link(candidate=c.ballot)},
                       f"{all_.get(c.ballot, {}).get('share', 0):.1%}",
                       f"{all_.get(c.ballot, {}).get('unique_accounts', 0):,}",
                       f"{all_.get(c.ballot, {}).get('net_sentiment', 0):+.2f}",
                       {"text": f"{filt.get(c.ballot, {}).get('share', 0):.1%}",
                        "href": _posts_link(candidate=c.ballot, buzzer="exclude")}] for c in cands]}
    blocks.append({"id": "sov-chart", "title": t["all_accounts"] + " / " + t["filtered"],
                   "chart": figure_div(fig, "sov-chart"), "table": table,
                   "csv": "/api/v1/analysis/share_of_voice.csv"})
    by_day = sov.get("by_day")
    series = _by_time(by_day)
    if series:
        fig = go.Figure()
        for ballot, (xs, ys) in series.items():
            c = next((c for c in cands if c.ballot == ballot), None)
            fig.add_scatter(x=xs, y=ys, mode="lines", name=f"{ballot} {c.short if c else ''}",
                            line=dict(color=colours.get(ballot)))
        for d in ws.election.dates.debates:
            fig.add_vline(x=str(d.date), line_dash="dot", line_color="#999")
        fig.update_layout(title=t["volume"] + " / " + t["mentions"])
        blocks.append({"id": "sov-daily", "title": t["mentions"], "chart": figure_div(fig, "sov-daily")})
    return blocks


def _by_time(by_day: Any) -> dict[str, tuple[list, list]]:
    """Normalise a per-day share-of-voice structure to ballot -> (days, mentions)."""
    out: dict[str, tuple[list, list]] = {}
    if isinstance(by_day, dict) and "all" in by_day:
        by_day = by_day["all"]
    if isinstance(by_day, list):
        for r in by_day:
            if isinstance(r, dict) and "candidate" in r:
                day = r.get("day") or r.get("date") or r.get("period")
                out.setdefault(str(r["candidate"]), ([], []))
                out[str(r["candidate"])][0].append(str(day))
                out[str(r["candidate"])][1].append(r.get("mentions", 0))
    elif isinstance(by_day, dict):
        for k, v in by_day.items():
            if isinstance(v, dict) and all(isinstance(x, dict) for x in v.values()):
                for ballot, m in v.items():
                    out.setdefault(str(ballot), ([], []))
                    out[str(ballot)][0].append(str(k))
                    out[str(ballot)][1].append(m.get("mentions", 0))
    return out


def _region_map(ws, regions: Any, t: dict) -> dict | None:
    el = ws.election
    if not isinstance(regions, dict):
        return None
    data = regions.get("all", regions) if isinstance(regions.get("all", None), dict) else regions
    xs, ys, sizes, colours, texts, codes = [], [], [], [], [], []
    cc = candidate_colours(el)
    for r in el.regions:
        v = data.get(r.code)
        if r.lat is None or not isinstance(v, dict):
            continue
        shares = {b: (v.get(b, {}) or {}).get("share", 0) if isinstance(v.get(b), dict) else v.get(b)
                  for b in el.ballots}
        shares = {b: s for b, s in shares.items() if isinstance(s, (int, float))}
        mentions = v.get("mentions") or sum((v.get(b, {}) or {}).get("mentions", 0) for b in el.ballots
                                            if isinstance(v.get(b), dict))
        lead = max(shares, key=shares.get) if shares else None
        xs.append(r.lon); ys.append(r.lat); codes.append(r.code)
        sizes.append(max(12, min(60, (mentions or 1) ** 0.5)))
        colours.append(cc.get(lead, "#999"))
        texts.append(f"{r.name}<br>" + "<br>".join(f"{b}: {s:.0%}" for b, s in shares.items()))
    if not xs:
        return None
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="markers+text", text=[el.region(c).name for c in codes],
                               textposition="top center", hovertext=texts, hoverinfo="text",
                               marker=dict(size=sizes, color=colours, line=dict(width=1, color="#333")),
                               customdata=codes))
    fig.update_layout(title=t["regions"], xaxis=dict(title="", showgrid=False, zeroline=False),
                      yaxis=dict(title="", showgrid=False, zeroline=False, scaleanchor="x"), height=520)
    return {"id": "region-map", "title": t["regions"], "explain": t["map_explain"], "chart": figure_div(fig, "region-map")}


def blocks_for(page: str, ws, doc: dict, t: dict) -> list[dict]:
    """Blocks of one page from the analysis document."""
    blocks: list[dict] = []
    for sec in PAGES.get(page, []):
        data = doc.get(sec)
        if data is None:
            continue
        if isinstance(data, dict) and "error" in data and len(data) == 1:
            blocks.append({"id": sec, "title": sec, "error": data["error"]})
            continue
        if sec == "share_of_voice":
            blocks.extend(_sov_blocks(ws, data, t))
            continue
        if sec == "regions":
            m = _region_map(ws, data, t)
            if m:
                blocks.append(m)
        if sec == "alerts" and page == "overview":
            items = data if isinstance(data, list) else data.get("alerts", []) if isinstance(data, dict) else []
            blocks.append({"id": "alerts", "title": t["alerts"], "kpis": [
                {"value": f"{len(items):,}", "label": t["alerts"], "href": "/radar"}]})
            continue
        blocks.extend(_section_blocks(sec, data))
    if page == "overview":
        last = doc.get("meta", {}).get("last_post")
        ref = dt.date.fromisoformat(last[:10]) if last else dt.date.today()
        days = (ws.election.dates.vote_day - ref).days
        meta = doc.get("meta", {})
        blocks.insert(0, {"id": "kpis", "title": t["volume"], "kpis": [
            {"value": f"{meta.get('posts', 0):,}", "label": t["posts"], "href": "/posts"},
            {"value": f"{meta.get('flagged_accounts', 0):,}", "label": t["buzzer"], "href": "/posts?buzzer=only"},
            {"value": str(max(days, 0)), "label": t["days_to_vote"]}]})
    return blocks


def _section_blocks(sec: str, data: Any) -> list[dict]:
    """Generic rendering: one table per tabular part of a section."""
    out = []
    tab = generic_table(data)
    if tab:
        return [{"id": sec, "title": sec.replace("_", " ").title(), "table": tab,
                 "csv": f"/api/v1/analysis/{sec}.csv"}]
    if isinstance(data, dict):
        for k, v in data.items():
            tab = generic_table(v)
            if tab:
                out.append({"id": f"{sec}-{k}", "title": f"{sec.replace('_', ' ').title()} · {k}", "table": tab,
                            "csv": f"/api/v1/analysis/{sec}.csv?part={k}"})
        scalars = {k: v for k, v in data.items() if isinstance(v, (int, float, str))}
        if scalars:
            out.insert(0, {"id": f"{sec}-facts", "title": sec.replace("_", " ").title(),
                           "html": "<ul>" + "".join(f"<li><b>{html.escape(str(k))}</b>: {html.escape(_fmt(v))}</li>"
                                                    for k, v in scalars.items()) + "</ul>"})
    return out
