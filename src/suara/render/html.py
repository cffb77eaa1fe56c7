"""Blocks to HTML, one implementation for the daily brief and the web pages.

A section renders neutral blocks (:mod:`suara.analyse.section`); this module turns each into
escaped HTML: KPI tiles, tables (cells may link to the posts explorer), Plotly charts from
their plain-data figure, region maps and text. The report shows the blocks of a section in
sequence under its heading (:func:`section_html`); a web page groups them into cards, a card
per titled block (:func:`cards`).

Example
-------
>>> block_html({"type": "table", "columns": ["a"], "rows": [["<b>"]]})
'<table class="data"><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
>>> block_html({"type": "kpis", "items": [{"value": "12", "label": "posts", "href": "/posts"}]})
'<div class="kpis"><a class="kpi" href="/posts"><b>12</b><span>posts</span></a></div>'
"""
from __future__ import annotations

import html
import itertools
from typing import Any, Iterable

import plotly.graph_objects as go

from suara.analyse.section import check_blocks
from suara.config import formats
from suara.render.charts import figure_div
from suara.render.maps import map_html

__all__ = ["block_html", "blocks_html", "section_html", "cards", "for_face", "error_block"]

_ids = itertools.count(1)
_E = html.escape


def for_face(blocks: Iterable[dict], face: str) -> list[dict]:
    """The blocks one face shows (``report`` or ``web``)."""
    return [b for b in check_blocks(blocks) if face in b.get("faces", ("report", "web"))]


def error_block(error: str, label: str) -> dict:
    """A visible error in place of a section that could not be computed."""
    return {"type": "text", "style": "error", "text": f"{label}: {error}"}


def _cell(c: Any, lang: str = "id") -> str:
    """A table cell: text as given (escaped); a bare number written in ``lang``
    (:func:`suara.config.formats.number`: ``0,96``, ``20.644``)."""
    if isinstance(c, dict):
        t = _text(c.get("text"), lang)
        return f'<a href="{_E(c["href"])}">{t}</a>' if c.get("href") else t
    return _text(c, lang)


def _text(v: Any, lang: str) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool) or hasattr(v, "dtype"):
        return _E(formats.number(v, lang))
    return _E(str(v))


def _long(c: Any) -> str:
    """A class for a cell of running text (reasons, post texts): on a phone it keeps a readable
    width and its table scrolls sideways instead of squeezing it into a narrow column."""
    t = c.get("text") if isinstance(c, dict) else c
    return ' class="long"' if isinstance(t, str) and len(t) > 60 else ""


def _map_figure(b: dict) -> go.Figure:
    pts = b["points"]
    fig = go.Figure(go.Scatter(
        x=[p["lon"] for p in pts], y=[p["lat"] for p in pts], mode="markers+text",
        text=[p["name"] for p in pts], textposition="top center", hovertext=[p.get("hover", p["name"]) for p in pts],
        hoverinfo="text", customdata=[p["code"] for p in pts],
        marker=dict(size=[p.get("size", 12) for p in pts], color=[p.get("colour", "#999") for p in pts],
                    line=dict(width=1, color="#333"))))
    fig.update_layout(title=b.get("title", ""), xaxis=dict(title="", showgrid=False, zeroline=False),
                      yaxis=dict(title="", showgrid=False, zeroline=False, scaleanchor="x"), height=520)
    return fig


def block_html(b: dict, div_id: str | None = None, csv_label: str = "CSV", lang: str = "id") -> str:
    """One block as HTML (charts need plotly.js on the page, and follow ``lang``'s number and
    date formats), with its CSV download link."""
    out = _content_html(b, div_id, lang)
    if b.get("csv"):
        out += f'<a class="dl" href="{_E(b["csv"])}">{_E(csv_label)}</a>'
    return out


def _content_html(b: dict, div_id: str | None, lang: str = "id") -> str:
    t = b["type"]
    if t == "kpis":
        tiles = []
        for k in b["items"]:
            inner = f"<b>{_text(k['value'], lang)}</b><span>{_E(str(k['label']))}</span>"
            tiles.append(f'<a class="kpi" href="{_E(k["href"])}">{inner}</a>' if k.get("href")
                         else f'<div class="kpi">{inner}</div>')
        return '<div class="kpis">' + "".join(tiles) + "</div>"
    if t == "table":
        head = "".join(f"<th>{_E(str(c))}</th>" for c in b["columns"])
        body = "".join("<tr>" + "".join(f"<td{_long(c)}>{_cell(c, lang)}</td>" for c in r) + "</tr>" for r in b["rows"])
        return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    if t == "chart":
        return f'<div class="chart">{figure_div(go.Figure(b["figure"]), div_id or f"chart-{next(_ids)}", lang)}</div>'
    if t == "map" and "regions" in b:
        return f'<div class="chart map">{map_html(b, div_id or f"map-{next(_ids)}")}</div>'
    if t == "map":   # the older form: region centres as points
        return f'<div class="chart">{figure_div(_map_figure(b), div_id or f"map-{next(_ids)}", lang)}</div>'
    style = b.get("style", "p")
    if style in ("list", "olist"):
        tag = "ol" if style == "olist" else "ul"
        return f"<{tag}>" + "".join(f"<li>{_E(str(i))}</li>" for i in b["items"]) + f"</{tag}>"
    if style == "links":  # a row of links (toggles, downloads): items are {"text", "href"}
        return '<p class="links">' + " · ".join(_cell(i, lang) for i in b["items"]) + "</p>"
    if style == "h3":
        return f"<h3>{_E(b['text'])}</h3>"
    if style == "error":
        return f'<p class="error">{_E(b["text"])}</p>'
    if style == "small":
        return f"<p><small>{_E(b['text'])}</small></p>"
    return f"<p>{_E(b['text'])}</p>"


def _chart_id(b: dict) -> str | None:
    return f"chart-{b['id']}" if b.get("id") and b["type"] in ("chart", "map") else None


def blocks_html(blocks: Iterable[dict], csv_label: str = "CSV", lang: str = "id") -> str:
    """Blocks in sequence; a titled block gets a sub-heading (the report's layout)."""
    parts = []
    for b in blocks:
        if b.get("title") and (b["type"] not in ("chart", "map") or "regions" in b):
            parts.append(f"<h3>{_E(b['title'])}</h3>")
        if b.get("explain") and b.get("title"):
            parts.append(f'<p class="explain">{_E(b["explain"])}</p>')
        parts.append(block_html(b, _chart_id(b), csv_label, lang))
    return "".join(parts)


def section_html(blocks: Iterable[dict], lang: str = "id") -> str:
    """The body of one report section: its report blocks in order."""
    return blocks_html(for_face(blocks, "report"), lang=lang)


def cards(blocks: Iterable[dict], sid: str, title: str, explain: str = "", csv_label: str = "CSV",
          lang: str = "id") -> list[dict]:
    """Web cards of one section: a titled block opens a card; untitled blocks join the card
    before them (the first one opens a card with the section's title). Each card is
    ``{"id", "title", "explain", "html"}``."""
    out: list[dict] = []
    for b in for_face(blocks, "web"):
        if b.get("title") or not out:
            out.append({"id": b.get("id") or (sid if not out else f"{sid}-{len(out)}"),
                        "title": b.get("title") or title,
                        "explain": b.get("explain") or ("" if b.get("title") else explain), "html": ""})
        out[-1]["html"] += block_html(b, _chart_id(b), csv_label, lang)
    return out
