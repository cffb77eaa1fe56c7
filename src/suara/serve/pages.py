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
from suara.analyse.section import Section, figure, generic_table, posts_link
from suara.analyse.section import sections as registered
from suara.render import cards

__all__ = ["PAGES", "PAGE_ORDER", "blocks_for", "generic_table"]

#: the war room's analysis pages, in navigation order (radar, posts and import have their own views)
PAGE_ORDER = ("overview", "kandidat", "isu", "wilayah", "influencer", "jaringan", "radar", "mobilisasi")


class _Pages(Mapping):
    """page id -> ids of the sections shown there, read from the section registry."""

    def __getitem__(self, page: str) -> list[str]:
        if page not in PAGE_ORDER:
            raise KeyError(page)
        return [sid for sid, s in registered().items() if page in s.pages]

    def __iter__(self) -> Iterator[str]:
        return iter(PAGE_ORDER)

    def __len__(self) -> int:
        return len(PAGE_ORDER)


PAGES: Mapping[str, list[str]] = _Pages()


def _num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v:,}" if isinstance(v, int) else ("" if v is None else str(v))


def _pct(v: Any) -> str:
    return f"{v:.1%}" if isinstance(v, (int, float)) else ""


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
                            name=labels.get(issue, issue))
        title = f"{pair_label(el, c.ballot)} · {t['issues_over_time']}"
        fig.update_layout(title=title, height=340)
        blocks.append({"type": "chart", "id": f"issues-{c.ballot}", "title": title, "explain": t["issues_explain"],
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


def _network_panel(ws, t: dict, extra: dict) -> list[dict]:
    net = extra.get("network") or {}
    nodes, edges = net.get("nodes") or [], net.get("edges") or []
    blocks: list[dict] = []
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
        blocks.append({"type": "chart", "id": "network-graph", "title": t["network_graph"], "explain": t["network_explain"],
                       "figure": figure(fig)})
    elif net.get("note"):
        blocks.append({"type": "text", "id": "network-graph", "title": t["network_graph"], "text": net["note"]})
    nets = net.get("networks") or []
    if nets:
        blocks.append({"type": "table", "id": "networks", "title": t["networks"], "explain": t["networks_explain"],
                       "columns": [t["cluster"], t["size"], t["candidate"], t["stance"], t["from"], t["to"]],
                       "rows": [[n.get("cluster"), _num(n.get("size")),
                                 pair_label(ws.election, n["candidate"]) if n.get("candidate") else "",
                                 n.get("stance") or "", (n.get("first_activity") or "")[:16],
                                 (n.get("last_activity") or "")[:16]] for n in nets]})
    acc = net.get("accounts") or []
    if acc:
        blocks.append({"type": "table", "id": "account-scores", "title": t["account_scores"],
                       "explain": t["scores_explain"], "csv": "/api/v1/network.csv",
                       "columns": [t["author"], t["platform"], t["cluster"], "buzzer score", t["reasons"]],
                       "rows": [[{"text": a["label"], "href": posts_link(account=a["account_ref"])}, a["platform"],
                                 a.get("cluster") or "", f"{a.get('score') or 0:.2f}", a.get("reasons") or ""]
                                for a in acc]})
    return blocks


def _volunteers_panel(ws, t: dict, extra: dict) -> list[dict]:
    tab = generic_table(extra.get("volunteers")) if extra.get("volunteers") else None
    return [{**tab, "id": "volunteers", "title": t["volunteers"]}] if tab else []


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
        return cards(blocks, sec.id, title, csv_label=t.get("download_csv", "CSV"))
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
    panel_cards = cards(panel(ws, t, extra), page, page, csv_label=csv) if panel else []
    out = list(panel_cards) if first else []
    for sid in PAGES[page]:
        if sid in doc:
            out += _section_cards(registered()[sid], page, ws, doc, t)
    return out if first else out + panel_cards
