"""Web pages from sections: each page shows the registered sections that name it in their
``pages`` (:mod:`suara.analyse.section`), as cards rendered by :mod:`suara.render` from the
sections' web blocks. Three web-only panels (issues over time, the coordination network,
the volunteer roster) come from data the app reads beside the analysis document.

Every number links to the posts explorer with its filter; a section that failed shows its
error in its card.

Example
-------
>>> blocks_for("radar", None, {}, {})
[]
>>> PAGES["mobilisasi"]
['actions', 'live', 'enthusiasm', 'law_watch', 'forecast']
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Iterator

import plotly.graph_objects as go

from suara.analyse.base import pair_label
from suara.analyse.run import failed
from suara.analyse.section import Section, figure, generic_table, period_link, posts_link
from suara.analyse.section import sections as registered
from suara.analyse.wording import reason
from suara.config import formats
from suara.render import cards

__all__ = ["PAGES", "PAGE_ORDER", "blocks_for", "generic_table"]

#: the war room's analysis pages, in navigation order (radar, posts and import have their own views)
PAGE_ORDER = ("overview", "kandidat", "isu", "wilayah", "influencer", "jaringan", "radar", "mobilisasi")


class _Pages(Mapping):
    """page id -> ids of the sections shown there, read from the section registry."""

    def __getitem__(self, page: str) -> list[str]:
        if page not in PAGE_ORDER:
            raise KeyError(page)
        ids = [sid for sid, s in registered().items() if page in s.pages]
        return sorted(ids, key=lambda sid: not getattr(registered()[sid], "lead", False))   # the brief first

    def __iter__(self) -> Iterator[str]:
        return iter(PAGE_ORDER)

    def __len__(self) -> int:
        return len(PAGE_ORDER)


PAGES: Mapping[str, list[str]] = _Pages()


_num = formats.number


def _pct(v: Any) -> str:
    return formats.percent(v)


# ------------------------------------------------------------------------ web-only panels
def _issues_panel(ws, t: dict, extra: dict) -> list[dict]:
    iss = extra.get("issues") or {}
    el = ws.election
    labels = {i.id: (i.label_id if t.get("_lang") == "id" else i.label_en) for i in el.issues}
    blocks: list[dict] = []
    weekly = iss.get("weekly") or []
    for c in el.candidates if weekly else []:
        fig = go.Figure()
        rows = [r for r in weekly if r["candidate"] == c.ballot]
        for issue in sorted({r["issue"] for r in rows}):
            rr = sorted((r for r in rows if r["issue"] == issue), key=lambda r: r["week"])
            fig.add_scatter(x=[str(r["week"]) for r in rr], y=[r["mentions"] for r in rr], mode="lines+markers",
                            name=labels.get(issue, issue),
                            customdata=[period_link(el, str(r["week"]), 7, candidate=c.ballot, issue=issue)
                                        for r in rr])
        title = f"{pair_label(el, c.ballot)} · {t['issues_over_time']}"
        fig.update_layout(title=title, height=340, hovermode="closest")
        blocks.append({"type": "chart", "id": f"issues-{c.ballot}", "title": title,
                       "explain": t["issues_explain"] + " " + t["click_hint"],
                       "figure": figure(fig)})
    em = iss.get("emerging") or []
    if em:
        blocks.append({"type": "table", "id": "emerging", "title": t["emerging"], "explain": t["emerging_explain"],
                       "columns": [t["issue"], t["candidate"], t["last7"], t["prev7"], t["growth"]],
                       "rows": [[{"text": labels.get(r["issue"], r["issue"]), "href": posts_link(issue=r["issue"])},
                                 pair_label(el, r["candidate"]),
                                 {"text": _num(r["last7"]), "href": posts_link(issue=r["issue"], candidate=r["candidate"],
                                                                               since=r["since"])},
                                 _num(r["prev7"]), _pct(r["growth"])] for r in em]})
    res = iss.get("resonance") or []
    if res:
        blocks.append({"type": "table", "id": "resonance", "title": t["resonance"], "explain": t["resonance_explain"],
                       "columns": [t["issue"], t["n_posts"], t["mean_interactions"], t["positive_share"]],
                       "rows": [[{"text": labels.get(r["issue"], r["issue"]), "href": posts_link(issue=r["issue"])},
                                 {"text": _num(r["posts"]), "href": posts_link(issue=r["issue"])},
                                 _num(r["mean_interactions"]), _pct(r["positive_share"])] for r in res]})
    return blocks


#: marker of a node by what its network (or the account) does to its pair
_STANCE_SYMBOL = {"push": "circle", "attack": "x", "mixed": "diamond"}


def _network_legend(ws, n: dict, t: dict) -> str:
    cand, stance = n.get("candidate"), n.get("stance")
    if not cand:
        return t["net_no_pair"]
    verb = {"push": t["net_push"], "attack": t["net_attack"]}.get(stance or "", t["net_mixed"])
    return f"{verb} {pair_label(ws.election, cand)}"


def _network_figure(ws, t: dict, net: dict) -> go.Figure:
    """Nodes coloured by the pair their network (or the account) pushes or attacks, one
    legend entry per pair and stance; edges drawn in three widths by weight, tinted by the
    pair when both ends share it. A click on a node opens the account's posts."""
    from suara.analyse.section import colours
    nodes, edges = net.get("nodes") or [], net.get("edges") or []
    col = colours(ws.election)
    pos = {n["id"]: n for n in nodes}
    fig = go.Figure()
    ws_ = sorted(float(e.get("weight") or 1) for e in edges)
    cuts = (ws_[len(ws_) // 2], ws_[(len(ws_) * 9) // 10]) if ws_ else (1, 1)
    groups: dict[tuple, tuple[list, list]] = {}
    for e in edges:
        a, b = pos.get(e["source"]), pos.get(e["target"])
        if not a or not b:
            continue
        w = float(e.get("weight") or 1)
        level = 2 if w > cuts[1] else 1 if w > cuts[0] else 0
        tint = a.get("candidate") if a.get("candidate") and a.get("candidate") == b.get("candidate") else None
        xs, ys = groups.setdefault((level, tint), ([], []))
        xs += [a["x"], b["x"], None]
        ys += [a["y"], b["y"], None]
    for (level, tint), (xs, ys) in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        fig.add_scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                        line=dict(width=(0.6, 1.4, 2.6)[level], color=col.get(tint, "#8a96a3") if tint else "#8a96a3"),
                        opacity=(0.25, 0.4, 0.6)[level])
    by: dict[tuple, list] = {}
    for n in nodes:
        by.setdefault((n.get("candidate") or "", n.get("stance") or ""), []).append(n)
    order = {"push": 0, "attack": 1, "mixed": 2}
    for (cand, stance), ns in sorted(by.items(), key=lambda kv: (kv[0][0] == "", kv[0][0], order.get(kv[0][1], 3))):
        sym = _STANCE_SYMBOL.get(stance, "circle")
        fig.add_scatter(
            x=[n["x"] for n in ns], y=[n["y"] for n in ns], mode="markers", name=_network_legend(ws, ns[0], t),
            marker=dict(size=[9 + 14 * float(n.get("score") or 0) for n in ns], color=col.get(cand, "#ffffff"),
                        symbol=sym, line=dict(width=[2.2 if n.get("flagged") else 0.8 for n in ns], color="#1d2733")),
            customdata=[posts_link(account=n.get("account_ref") or n["label"]) for n in ns],
            hovertext=[f"{n['label']} ({n['platform']})" + (f"<br>{t['cluster']} {n['cluster']}" if n.get("cluster")
                                                            and n["cluster"] != "?" else "")
                       + f"<br>{_network_legend(ws, n, t)}"
                       + (f"<br>{t.get('buzzer_score', 'buzzer')} {formats.decimal(n['score'])}" if n.get("score") is not None else "") for n in ns],
            hoverinfo="text")
    fig.update_layout(height=600, xaxis=dict(visible=False), yaxis=dict(visible=False),
                      legend=dict(orientation="h", y=-0.02), margin=dict(l=10, r=10, t=30, b=10),
                      plot_bgcolor="#fbfcfd", clickmode="event")
    return fig


def _when(v: Any) -> str:
    return v[:16] if isinstance(v, str) else ""


def _network_panel(ws, t: dict, extra: dict) -> list[dict]:
    net = extra.get("network") or {}
    whole = net.get("mode") == "all"
    scope = "all" if whole else "coordinated"
    nodes = net.get("nodes") or []
    blocks: list[dict] = []
    title = t["net_whole"] if whole else t["network_graph"]
    links = [{"text": t["net_show_coordinated"], "href": "/jaringan"} if whole else
             {"text": t["net_show_whole"].format(cap=net.get("cap") or 400), "href": "/jaringan?graph=all"},
             {"text": t["net_gexf"], "href": f"/api/v1/network.gexf?scope={scope}"},
             {"text": t["net_edges_csv"], "href": f"/api/v1/network/edges.csv?scope={scope}"}]
    explain = t["net_whole_explain"] if whole else t["network_explain"]
    blocks.append({"type": "text", "style": "links", "id": "network-graph", "title": title,
                   "explain": explain + " " + t["net_legend_explain"], "items": links})
    if nodes:
        fig = _network_figure(ws, t, net)
        blocks.append({"type": "chart", "id": "network", "figure": figure(fig)})
        if whole:
            blocks.append({"type": "text", "style": "small", "text": t["net_whole_cap"].format(
                shown=len(nodes), total=net.get("accounts_total") or len(nodes), cap=net.get("cap") or len(nodes),
                edges=len(net.get("edges") or []), edges_total=net.get("edges_total") or 0)})
    elif net.get("note"):
        blocks.append({"type": "text", "text": t["net_empty"]})
    nets = net.get("networks") or []
    if nets:
        blocks.append({"type": "table", "id": "networks", "title": t["networks"], "explain": t["networks_explain"],
                       "columns": [t["cluster"], t["size"], t["candidate"], t["stance"], t["from"], t["to"]],
                       "rows": [[n.get("cluster"), _num(n.get("size")),
                                 pair_label(ws.election, n["candidate"]) if n.get("candidate") else "",
                                 {"push": t["net_push"], "attack": t["net_attack"]}.get(n.get("stance") or "",
                                                                                        n.get("stance") or ""),
                                 _when(n.get("first_activity")), _when(n.get("last_activity"))] for n in nets]})
    acc = net.get("accounts") or []
    if acc:
        blocks.append({"type": "table", "id": "account-scores", "title": t["account_scores"],
                       "explain": t["scores_explain"], "csv": "/api/v1/network.csv",
                       "columns": [t["author"], t["platform"], t["cluster"], t.get("buzzer_score", "buzzer score"), t["reasons"]],
                       "rows": [[{"text": a["label"], "href": posts_link(account=a["account_ref"])}, a["platform"],
                                 a.get("cluster") or "", formats.decimal(a.get("score") or 0, t.get("_lang")), reason(a.get("reasons"), t.get("_lang"))]
                                for a in acc]})
    return blocks


def _volunteers_panel(ws, t: dict, extra: dict) -> list[dict]:
    """The roster (names for readers who may see identities, else how many and how many are
    active), its headings in the reader's language, consent times in the election's zone."""
    vols = extra.get("volunteers") or []
    if not vols:
        return []
    lang, tz = t.get("_lang"), ws.election.timezone
    if "volunteers" in vols[0]:          # the count only
        cols, rows = [t["vol_count"], t["vol_active"]], [[_num(v.get("volunteers")), _num(v.get("active"))] for v in vols]
    else:
        def when(v):
            return formats.local_datetime(v, tz, lang)
        cols = [t["name"], t["platform"], t["vol_consent_at"], t["vol_withdrawn_at"]]
        rows = [[v.get("name") or "", v.get("platform") or "", when(v.get("consent_at")), when(v.get("withdrawn_at"))]
                for v in vols]
    return [{"type": "table", "columns": cols, "rows": rows, "id": "volunteers", "title": t["volunteers"]}]


#: page -> (panel, shown before the sections?)
PANELS: dict[str, tuple[Callable[..., list[dict]], bool]] = {
    "isu": (_issues_panel, True), "jaringan": (_network_panel, True), "mobilisasi": (_volunteers_panel, False)}


# ------------------------------------------------------------------------------ the pages
def _section_cards(sec: Section, page: str, ws, doc: dict, t: dict) -> list[dict]:
    lang = t.get("_lang", "id")
    result = doc[sec.id]
    title = Section.heading(sec, None, lang)[0]
    err = failed(result)
    if err:
        return [{"id": sec.id, "title": title, "error": err}]
    try:
        blocks = [b for b in sec.render(result, lang, ws.election) if page in b.get("pages", (page,))]
        return cards(blocks, sec.id, title, csv_label=t.get("download_csv", "CSV"), lang=lang)
    except Exception as e:  # noqa: BLE001 - shown in its card, the rest of the page still renders
        return [{"id": sec.id, "title": title, "error": f"{type(e).__name__}: {e}"}]


def blocks_for(page: str, ws, doc: dict, t: dict, extra: dict | None = None) -> list[dict]:
    """The cards of one page (``{"id", "title", "explain", "html"}`` or ``{..., "error"}``)
    from the analysis document; ``extra`` holds the web-only panels' data (issue series,
    network graph, volunteers; see :mod:`suara.serve.data`)."""
    if page not in PAGE_ORDER:
        return []
    extra = extra or {}
    csv = t.get("download_csv", "CSV")
    panel, first = PANELS.get(page, (None, False))
    lang = t.get("_lang", "id")
    with formats.language(lang):
        panel_cards = cards(panel(ws, t, extra), page, page, csv_label=csv, lang=lang) if panel else []
    out = list(panel_cards) if first else []
    for sid in PAGES[page]:
        if sid in doc:
            out += _section_cards(registered()[sid], page, ws, doc, t)
    return out if first else out + panel_cards
