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
    "kandidat": ["share_of_voice", "engagement"],
    "isu": ["alerts", "recommendations"],
    "wilayah": ["regions", "segments"],
    "influencer": ["influencers", "exposure", "segments"],
    "jaringan": [],
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
        kpis.append({"value": _pct(a.get('share')), "label": f"{c.ballot} {c.short} · {t['share_of_voice']}",
                     "href": _posts_link(candidate=c.ballot)})
        kpis.append({"value": _signed(a.get('net_sentiment')), "label": f"{c.short} · {t['net_sentiment']}",
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
                       _pct(all_.get(c.ballot, {}).get('share')),
                       f"{all_.get(c.ballot, {}).get('unique_accounts', 0):,}",
                       _signed(all_.get(c.ballot, {}).get('net_sentiment')),
                       {"text": _pct(filt.get(c.ballot, {}).get('share')),
                        "href": _posts_link(candidate=c.ballot, buzzer="exclude")}] for c in cands]}
    blocks.append({"id": "sov-chart", "title": t["all_accounts"] + " / " + t["filtered"],
                   "chart": figure_div(fig, "chart-sov-chart"), "table": table,
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
        blocks.append({"id": "sov-daily", "title": t["mentions"], "chart": figure_div(fig, "chart-sov-daily")})
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
        mentions = v.get("mentions")
        v = v.get("pairs", v) if isinstance(v.get("pairs"), dict) else v
        shares = {b: (v.get(b, {}) or {}).get("share", 0) if isinstance(v.get(b), dict) else v.get(b)
                  for b in el.ballots}
        shares = {b: s for b, s in shares.items() if isinstance(s, (int, float))}
        mentions = mentions or sum((v.get(b, {}) or {}).get("mentions", 0) for b in el.ballots
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
    return {"id": "region-map", "title": t["regions"], "explain": t["map_explain"], "chart": figure_div(fig, "chart-region-map")}


def blocks_for(page: str, ws, doc: dict, t: dict, extra: dict | None = None) -> list[dict]:
    """Blocks of one page from the analysis document (``extra`` holds web-only data such as
    the issue series and the network graph, see :func:`suara.serve.data.web_extras`).

    Example
    -------
    >>> blocks_for("radar", None, {}, {})
    []
    """
    extra = extra or {}
    fn = _PAGE_FUNCS.get(page)
    if fn is None:
        return []
    blocks: list[dict] = []
    for sec in PAGES.get(page, []):
        data = doc.get(sec)
        if isinstance(data, dict) and "error" in data and len(data) == 1:
            blocks.append({"id": sec, "title": sec, "error": data["error"]})
    try:
        blocks.extend(fn(ws, doc, t, extra))
    except Exception as e:  # noqa: BLE001 - one odd section must not take the page down
        blocks.append({"id": f"{page}-error", "title": page, "error": f"{type(e).__name__}: {e}"})
    return blocks


def _g(d: Any, *path, default=None):
    for k in path:
        if not isinstance(d, dict):
            return default
        d = d.get(k)
    return default if d is None else d


def _cname(ws, ballot: str) -> str:
    c = next((c for c in ws.election.candidates if c.ballot == str(ballot)), None)
    return f"{ballot} {c.short}" if c else str(ballot)


def _signed(v: Any) -> str:
    return f"{v:+.2f}" if isinstance(v, (int, float)) and v == v else "–"


def _pct(v: Any) -> str:
    return f"{v:.1%}" if isinstance(v, (int, float)) else ""


def _num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v:,}" if isinstance(v, int) else ("" if v is None else str(v))


def _table(columns: list[str], rows: list[list], csv: str | None = None) -> dict:
    return {"columns": columns, "rows": rows, **({"csv": csv} if csv else {})}


# ---------------------------------------------------------------------------------- pages
def _overview(ws, doc, t, extra) -> list[dict]:
    meta = doc.get("meta", {})
    last = meta.get("last_post")
    ref = dt.date.fromisoformat(last[:10]) if last else dt.date.today()
    today = dt.date.today()
    days = (ws.election.dates.vote_day - max(ref, today if today < ws.election.dates.vote_day else ref)).days
    blocks = [{"id": "kpis", "title": t["volume"], "explain": t["volume_explain"], "kpis": [
        {"value": f"{meta.get('posts', 0):,}", "label": t["n_posts"], "href": "/posts"},
        {"value": f"{meta.get('accounts', 0):,}", "label": t["accounts"], "href": "/posts"},
        {"value": f"{meta.get('flagged_accounts', 0):,}", "label": t["buzzer"], "href": "/posts?buzzer=only"},
        {"value": str(max(days, 0)), "label": t["days_to_vote"] + f" ({ws.election.dates.vote_day})"}]}]
    sov = doc.get("share_of_voice")
    if isinstance(sov, dict) and "all" in sov:
        blocks.extend(_sov_blocks(ws, sov, t))
    al = doc.get("alerts")
    if isinstance(al, dict):
        kp = [{"value": f"{al.get('count', 0):,}", "label": t["alerts"], "href": "/radar"}]
        for typ, n in sorted((al.get("by_type") or {}).items(), key=lambda x: -x[1]):
            kp.append({"value": f"{n:,}", "label": typ.replace("_", " "), "href": "/radar"})
        blocks.append({"id": "alerts", "title": t["alerts"], "explain": t["alerts_explain"], "kpis": kp})
    return blocks


def _kandidat(ws, doc, t, extra) -> list[dict]:
    blocks: list[dict] = []
    sov = doc.get("share_of_voice") or {}
    colours = candidate_colours(ws.election)
    cands = ws.election.candidates
    days = _g(sov, "by_day", "all", default={})
    if days:
        xs = sorted(days)
        fig = go.Figure()
        fig2 = go.Figure()
        for c in cands:
            fig.add_scatter(x=xs, y=[_g(days, d, c.ballot, "mentions", default=0) for d in xs], mode="lines",
                            name=_cname(ws, c.ballot), line=dict(color=colours.get(c.ballot)))
            fig2.add_scatter(x=xs, y=[_g(days, d, c.ballot, "net_sentiment") for d in xs], mode="lines",
                             name=_cname(ws, c.ballot), line=dict(color=colours.get(c.ballot)))
        for d in ws.election.dates.debates:
            fig.add_vline(x=str(d.date), line_dash="dot", line_color="#999")
        fig.update_layout(title=t["mentions_per_day"], height=360)
        fig2.update_layout(title=t["sentiment_per_day"], height=320, yaxis_range=[-1, 1])
        blocks.append({"id": "pairs-daily", "title": t["pairs_over_time"], "explain": t["pairs_explain"],
                       "chart": figure_div(fig, "chart-pairs-daily") + figure_div(fig2, "chart-pairs-sentiment"),
                       "csv": "/api/v1/analysis/share_of_voice.csv"})
    eng = _g(doc, "engagement", "all", default={})
    fmt = eng.get("by_format") or {}
    if fmt:
        rows = sorted(fmt.items(), key=lambda kv: -(kv[1].get("mean_interactions") or 0))
        fig = go.Figure(go.Bar(x=[k for k, _ in rows], y=[v.get("mean_interactions") for _, v in rows],
                               text=[f"{v.get('posts', 0):,}" for _, v in rows]))
        fig.update_layout(title=t["formats_title"], height=320)
        blocks.append({"id": "formats", "title": t["formats_title"], "explain": t["formats_explain"],
                       "chart": figure_div(fig, "chart-formats"),
                       "table": _table([t["format"], t["n_posts"], t["mean_interactions"], t["engagement_rate"]],
                                       [[{"text": k, "href": _posts_link(kind=None, media_type=k)} if False else k,
                                         _num(v.get("posts")), _num(v.get("mean_interactions")),
                                         _pct(v.get("engagement_rate"))] for k, v in rows]),
                       "csv": "/api/v1/analysis/engagement.csv?part=all&sub=by_format"})
    hours = eng.get("by_hour") or {}
    if hours:
        hs = sorted(hours, key=lambda h: int(h))
        fig = go.Figure(go.Bar(x=[int(h) for h in hs], y=[hours[h].get("mean_interactions") for h in hs],
                               text=[f"{hours[h].get('posts', 0):,}" for h in hs]))
        fig.update_layout(title=t["hours_title"].format(tz=_tzname(ws)), height=320,
                          xaxis=dict(title=t["hour_local"].format(tz=_tzname(ws)), dtick=1))
        best = eng.get("best_times") or []
        blocks.append({"id": "hours", "title": t["hours_title"].format(tz=_tzname(ws)), "explain": t["hours_explain"],
                       "chart": figure_div(fig, "chart-hours"),
                       "table": _table([t["day"], t["hour_local"].format(tz=_tzname(ws)), t["n_posts"], t["mean_interactions"]],
                                       [[b.get("day"), b.get("hour"), _num(b.get("posts")), _num(b.get("mean_interactions"))]
                                        for b in best])})
    top = eng.get("top_posts") or {}
    rows = []
    for ballot, posts in top.items():
        for p in posts or []:
            rows.append([_cname(ws, ballot), p.get("created_at") or "", p.get("author") or "", p.get("format") or "",
                         {"text": _num(p.get("interactions")),
                          "href": _posts_link(platform=p.get("platform"), q=None, post=p.get("post_id"))},
                         p.get("why") or ""])
    if rows:
        blocks.append({"id": "top-posts", "title": t["top_posts"], "explain": t["top_posts_explain"],
                       "table": _table([t["candidate"], t["time"], t["author"], t["format"], t["engagement"], t["why"]], rows)})
    return blocks


def _tzname(ws) -> str:
    return {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Jayapura": "WIT"}.get(ws.election.timezone,
                                                                                      ws.election.timezone)


def _isu(ws, doc, t, extra) -> list[dict]:
    blocks: list[dict] = []
    iss = extra.get("issues") or {}
    labels = {i.id: (i.label_id if t.get("_lang") == "id" else i.label_en) for i in ws.election.issues}
    weekly = iss.get("weekly") or []
    if weekly:
        for c in ws.election.candidates:
            fig = go.Figure()
            rows = [r for r in weekly if r["candidate"] == c.ballot]
            for issue in sorted({r["issue"] for r in rows}):
                rr = sorted((r for r in rows if r["issue"] == issue), key=lambda r: r["week"])
                fig.add_scatter(x=[r["week"] for r in rr], y=[r["mentions"] for r in rr], mode="lines+markers",
                                name=labels.get(issue, issue))
            fig.update_layout(title=f"{_cname(ws, c.ballot)} · {t['issues_over_time']}", height=340)
            blocks.append({"id": f"issues-{c.ballot}", "title": f"{_cname(ws, c.ballot)} · {t['issues_over_time']}",
                           "explain": t["issues_explain"], "chart": figure_div(fig, f"chart-issues-{c.ballot}")})
    em = iss.get("emerging") or []
    if em:
        blocks.append({"id": "emerging", "title": t["emerging"], "explain": t["emerging_explain"],
                       "table": _table([t["issue"], t["candidate"], t["last7"], t["prev7"], t["growth"]],
                                       [[{"text": labels.get(r["issue"], r["issue"]), "href": _posts_link(issue=r["issue"])},
                                         _cname(ws, r["candidate"]),
                                         {"text": _num(r["last7"]), "href": _posts_link(issue=r["issue"], candidate=r["candidate"], since=r["since"])},
                                         _num(r["prev7"]), _pct(r["growth"])] for r in em])})
    res = iss.get("resonance") or []
    if res:
        blocks.append({"id": "resonance", "title": t["resonance"], "explain": t["resonance_explain"],
                       "table": _table([t["issue"], t["n_posts"], t["mean_interactions"], t["positive_share"]],
                                       [[{"text": labels.get(r["issue"], r["issue"]), "href": _posts_link(issue=r["issue"])},
                                         {"text": _num(r["posts"]), "href": _posts_link(issue=r["issue"])},
                                         _num(r["mean_interactions"]), _pct(r["positive_share"])] for r in res])})
    narr = [a for a in _g(doc, "alerts", "alerts", default=[]) if a.get("kind") == "narrative"][:30]
    if narr:
        blocks.append({"id": "narratives", "title": t["narratives"], "explain": t["narratives_explain"],
                       "table": _table([t["type"], t["candidate"], t["onset"], t["n_posts"], t["reason"]],
                                       [[a.get("type"), _cname(ws, a.get("candidate")) if a.get("candidate") else "",
                                         (a.get("onset_at") or "")[:16],
                                         {"text": _num(a.get("posts")), "href": _posts_link(candidate=a.get("candidate"), since=(a.get("onset_at") or "")[:10])},
                                         a.get("reason") or ""] for a in narr])})
    recs = _g(doc, "recommendations", "filtered", "recommendations", default=[])
    if recs:
        key = "text_id" if t.get("_lang") == "id" else "text_en"
        blocks.append({"id": "recommendations", "title": t["recommendations"], "explain": t["recommendations_explain"],
                       "table": _table([t["issue"], t["segment"], t["format"], "lift", t["text"]],
                                       [[{"text": labels.get(r.get("issue"), r.get("issue")), "href": _posts_link(issue=r.get("issue"))},
                                         r.get("group"), r.get("format"), _num(r.get("lift_shrunk")), r.get(key)] for r in recs[:20]]),
                       "csv": "/api/v1/analysis/recommendations.csv?part=filtered&sub=recommendations"})
    return blocks


def _wilayah(ws, doc, t, extra) -> list[dict]:
    blocks: list[dict] = []
    regs = _g(doc, "regions", "all", "regions", default={})
    regs_f = _g(doc, "regions", "filtered", "regions", default={})
    m = _region_map(ws, regs, t)
    if m:
        blocks.append(m)
    cands = ws.election.candidates
    if regs:
        rows = []
        for code, r in sorted(regs.items(), key=lambda kv: -(kv[1].get("mentions") or 0)):
            row = [{"text": r.get("name") or code, "href": _posts_link(region=code)}, _num(r.get("dpt")),
                   _pct(r.get("dpt_weight")), {"text": _num(r.get("mentions")), "href": _posts_link(region=code)},
                   _num(r.get("accounts"))]
            for c in cands:
                pr = _g(r, "pairs", c.ballot, default={})
                row += [{"text": _pct(pr.get("share")), "href": _posts_link(region=code, candidate=c.ballot)},
                        _pct(_g(regs_f, code, "pairs", c.ballot, "share")),
                        _signed(pr.get("net_sentiment")), _num(pr.get("voice_index"))]
            rows.append(row)
        cols = [t["region"], "DPT", t["dpt_weight"], t["mentions"], t["accounts"]]
        for c in cands:
            cols += [f"{c.ballot} {t['share']}", f"{c.ballot} {t['share']} · {t['filtered_short']}",
                     f"{c.ballot} {t['net_sentiment']}", f"{c.ballot} voice index"]
        blocks.append({"id": "region-table", "title": t["regions"], "explain": t["regions_table_explain"],
                       "table": _table(cols, rows), "csv": "/api/v1/analysis/regions.csv?part=all&sub=regions"})
    gaps = _g(doc, "regions", "all", "gaps", default={})
    for ballot, items in gaps.items():
        if items:
            blocks.append({"id": f"gaps-{ballot}", "title": f"{t['dpt_gaps']} · {_cname(ws, ballot)}",
                           "explain": t["gaps_explain"],
                           "table": _table([t["region"], "voice index", t["dpt_weight"]],
                                           [[{"text": g.get("name"), "href": _posts_link(region=g.get("region"), candidate=ballot)},
                                             _num(g.get("voice_index")), _pct(g.get("dpt_weight"))] for g in items])})
    sbr = _g(doc, "segments", "all", "stance_by_region", default={})
    if sbr:
        rows = []
        for ballot, by in sbr.items():
            for code, st in by.items():
                rows.append([_cname(ws, ballot), {"text": _g(regs, code, "name", default=code), "href": _posts_link(region=code, candidate=ballot)},
                             _num(st.get("supporter")), _num(st.get("opponent")), _num(st.get("persuadable")), _num(st.get("silent"))])
        blocks.append({"id": "audience-region", "title": t["audience_region"], "explain": t["audience_explain"],
                       "table": _table([t["candidate"], t["region"], "supporter", "opponent", "persuadable", "silent"], rows)})
    return blocks


def _influencer(ws, doc, t, extra) -> list[dict]:
    blocks: list[dict] = []
    inf = _g(doc, "influencers", "all", default={})
    for key, title in (("top", t["top_influencers"]), ("rising", t["rising"])):
        items = inf.get(key) or []
        if not items:
            continue
        rows = [[r.get("account"), r.get("platform"), r.get("type"), _num(r.get("followers")),
                 {"text": _num(r.get("posts")), "href": _posts_link(platform=r.get("platform"))},
                 _num(r.get("engagement")), _num(r.get("estimated_reach")), _num(r.get("influence")),
                 "; ".join(f"{_cname(ws, b)}: {v.get('stance')}" for b, v in (r.get("toward") or {}).items())]
                for r in items]
        blocks.append({"id": f"influencers-{key}", "title": title, "explain": t["influence_explain"],
                       "table": _table([t["author"], t["platform"], t["type"], t["followers"], t["n_posts"], t["engagement"],
                                        t["reach"], "influence", t["stance"]], rows),
                       "csv": f"/api/v1/analysis/influencers.csv?part=all&sub={key}"})
    bt = inf.get("by_type") or {}
    if bt:
        blocks.append({"id": "by-type", "title": t["by_type"], "explain": t["by_type_explain"],
                       "table": _table([t["type"], t["accounts"], t["engagement"], t["share"]],
                                       [[k, _num(v.get("accounts")), _num(v.get("engagement")), _pct(v.get("engagement_share"))]
                                        for k, v in bt.items()])})
    seg = _g(doc, "segments", "all", default={})
    groups = seg.get("groups") or {}
    if groups:
        fig = go.Figure(go.Bar(x=list(groups), y=list(groups.values())))
        fig.update_layout(title=t["segments"], height=320)
        blocks.append({"id": "segments", "title": t["segments"], "explain": t["segments_explain"],
                       "chart": figure_div(fig, "chart-segments"),
                       "table": _table([t["segment"], t["accounts"]], [[k, _num(v)] for k, v in groups.items()])})
    pers = seg.get("persuadables")
    tab = generic_table(pers) if pers else None
    if tab:
        blocks.append({"id": "persuadables", "title": "Persuadables", "explain": t["segments_explain"], "table": tab})
    exp = _g(doc, "exposure", "all", default={})
    if exp:
        bands = _g(doc, "exposure", "bands", default=[])
        rows = [[_cname(ws, b), _num(v.get("mentions")), _pct(v.get("tiny_accounts_share")),
                 _pct(_g(v, "new_accounts", "share"))] + [_num(_g(v, "bands", bd)) for bd in bands]
                for b, v in exp.items() if isinstance(v, dict)]
        blocks.append({"id": "exposure", "title": t["exposure"], "explain": t["exposure_explain"],
                       "table": _table([t["candidate"], t["mentions"], t["tiny_share"], t["new_share"]] + list(bands), rows)})
    return blocks


def _jaringan(ws, doc, t, extra) -> list[dict]:
    blocks: list[dict] = []
    net = extra.get("network") or {}
    nodes, edges = net.get("nodes") or [], net.get("edges") or []
    if nodes:
        fig = go.Figure()
        ex, ey = [], []
        pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
        for e in edges:
            a, b = pos.get(e["source"]), pos.get(e["target"])
            if a and b:
                ex += [a[0], b[0], None]
                ey += [a[1], b[1], None]
        fig.add_scatter(x=ex, y=ey, mode="lines", line=dict(width=0.6, color="#aaa"), hoverinfo="skip", showlegend=False)
        for cl in sorted({str(n["cluster"]) for n in nodes}):
            ns = [n for n in nodes if str(n["cluster"]) == cl]
            fig.add_scatter(x=[n["x"] for n in ns], y=[n["y"] for n in ns], mode="markers", name=cl,
                            marker=dict(size=[8 + 14 * (n.get("score") or 0) for n in ns], line=dict(width=1, color="#333")),
                            hovertext=[f"{n['label']} ({n['platform']})<br>score {n.get('score') or 0:.2f}" for n in ns],
                            hoverinfo="text")
        fig.update_layout(title=t["network_graph"], height=560, xaxis=dict(visible=False), yaxis=dict(visible=False))
        blocks.append({"id": "network-graph", "title": t["network_graph"], "explain": t["network_explain"],
                       "chart": figure_div(fig, "chart-network-graph")})
    elif net.get("note"):
        blocks.append({"id": "network-graph", "title": t["network_graph"], "html": f"<p>{html.escape(net['note'])}</p>"})
    nets = net.get("networks") or []
    if nets:
        blocks.append({"id": "networks", "title": t["networks"], "explain": t["networks_explain"],
                       "table": _table([t["cluster"], t["size"], t["candidate"], t["stance"], t["from"], t["to"]],
                                       [[n.get("cluster"), _num(n.get("size")),
                                         _cname(ws, n.get("candidate")) if n.get("candidate") else "", n.get("stance") or "",
                                         (n.get("first_activity") or "")[:16], (n.get("last_activity") or "")[:16]] for n in nets])})
    acc = net.get("accounts") or []
    if acc:
        blocks.append({"id": "account-scores", "title": t["account_scores"], "explain": t["scores_explain"],
                       "table": _table([t["author"], t["platform"], t["cluster"], "buzzer score", t["reasons"]],
                                       [[{"text": a["label"], "href": _posts_link(account=a["account_ref"])}, a["platform"], a.get("cluster") or "",
                                         f"{a.get('score') or 0:.2f}", a.get("reasons") or ""] for a in acc]),
                       "csv": "/api/v1/network.csv"})
    return blocks


def _mobilisasi(ws, doc, t, extra) -> list[dict]:
    blocks: list[dict] = []
    acts = (_g(doc, "actions", "registered", default=[]) or []) + (_g(doc, "actions", "detected", default=[]) or [])
    if acts:
        blocks.append({"id": "actions", "title": t["actions"], "explain": t["actions_explain"],
                       "table": _table([t["name"], t["candidate"], t["from"], t["to"], t["n_posts"], t["accounts"],
                                        t["coordinated_share"], t["reach"]],
                                       [[a.get("name"), _cname(ws, a.get("candidate")) if a.get("candidate") else "",
                                         a.get("starts_local") or "", a.get("ends_local") or "",
                                         {"text": _num(a.get("posts")), "href": _posts_link(q="#" + str(a.get("target") or "") if a.get("kind") == "hashtag" else None,
                                                                                          since=(a.get("starts_at") or "")[:10])},
                                         _num(_g(a, "accounts", "total")), _pct(_g(a, "accounts", "coordinated_share")),
                                         _num(a.get("reach"))] for a in acts]),
                       "csv": "/api/v1/analysis/actions.csv?part=detected"})
    ses = _g(doc, "live", "sessions", default=[])
    if ses:
        blocks.append({"id": "live", "title": t["live"], "explain": t["live_explain"],
                       "table": _table([t["platform"], t["time"], "min", t["comments"], t["comments_per_min"]],
                                       [[s.get("platform"), s.get("started_local"), _num(s.get("minutes")), _num(s.get("comments")),
                                         _num(s.get("comments_per_minute"))] for s in ses[:50]]),
                       "csv": "/api/v1/analysis/live.csv?part=sessions"})
    pairs = _g(doc, "enthusiasm", "pairs", default={})
    if pairs:
        fig = go.Figure()
        colours = candidate_colours(ws.election)
        rows = []
        for b, v in pairs.items():
            a = v.get("all") or {}
            fig.add_scatter(y=a.get("weekly") or [], mode="lines+markers", name=_cname(ws, b), line=dict(color=colours.get(b)))
            rows.append([_cname(ws, b), _num(a.get("active")), _num(a.get("previous")), _pct(a.get("growth")), _num(a.get("index"))])
        fig.update_layout(title=t["enthusiasm"], height=320, xaxis_title=t["week"])
        blocks.append({"id": "enthusiasm", "title": t["enthusiasm"], "explain": t["enthusiasm_explain"],
                       "chart": figure_div(fig, "chart-enthusiasm"),
                       "table": _table([t["candidate"], t["active"], t["previous"], t["growth"], "index"], rows)})
    vol = extra.get("volunteers")
    if vol:
        blocks.append({"id": "volunteers", "title": t["volunteers"], "table": generic_table(vol)})
    fnd = _g(doc, "law_watch", "findings", default=[])
    if fnd:
        key = "description_id" if t.get("_lang") == "id" else "description_en"
        blocks.append({"id": "law-watch", "title": t["law_watch"], "explain": t["law_explain"],
                       "table": _table([t["rule"], t["severity"], t["candidate"], t["platform"], t["author"], "n", t["from"]],
                                       [[f.get(key) or f.get("rule"), f.get("severity"),
                                         _cname(ws, f.get("candidate")) if f.get("candidate") else "", f.get("platform"),
                                         f.get("handle") or "", _num(f.get("count")), (f.get("first_at") or "")[:16]] for f in fnd[:100]]),
                       "csv": "/api/v1/analysis/law_watch.csv?part=findings"})
    fc = doc.get("forecast") or {}
    if isinstance(fc, dict) and fc.get("overall"):
        iv = _g(fc, "interval", "overall", default={})
        kp = [{"value": _pct(v), "label": f"{_cname(ws, b)} · {t['forecast']}"
               + (f" ({_pct(iv[b][0])}–{_pct(iv[b][1])})" if b in iv else "")} for b, v in fc["overall"].items()]
        rows = [[{"text": ws.election.region(code).name if _has_region(ws, code) else code, "href": _posts_link(region=code)}]
                + [_pct(v.get(c.ballot)) for c in ws.election.candidates] for code, v in (fc.get("regions") or {}).items()]
        cav = fc.get("caveats_id" if t.get("_lang") == "id" else "caveats") or []
        blocks.append({"id": "forecast", "title": t["forecast"], "explain": t["forecast_explain"] + " " + " ".join(map(str, cav))[:600],
                       "kpis": kp, "table": _table([t["region"]] + [_cname(ws, c.ballot) for c in ws.election.candidates], rows)})
    return blocks


def _has_region(ws, code) -> bool:
    try:
        ws.election.region(code)
        return True
    except Exception:  # noqa: BLE001
        return False


_PAGE_FUNCS = {"overview": _overview, "kandidat": _kandidat, "isu": _isu, "wilayah": _wilayah,
               "influencer": _influencer, "jaringan": _jaringan, "mobilisasi": _mobilisasi}


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
