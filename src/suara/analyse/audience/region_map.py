"""The region map: a neutral ``map`` block (one choropleth layer per metric) built from the
``regions`` section's result, for the war room's /wilayah page and the daily brief.

Layers, each a colouring of the configured regions (BPS codes) that the reader picks:

- ``lead``: the pair with the largest share of located mentions (the pair's colour);
- ``margin``: the leader's share minus the runner-up's, in percentage points;
- ``lead-filtered``: the leading pair once coordinated (buzzer) accounts are removed;
- ``share-<ballot>``: a pair's share of voice in the region (white → the pair's colour);
- ``net-<ballot>``: a pair's net sentiment, (positive − negative) / mentions, −1..+1;
- ``coverage``: the conversation index, the region's share of mentions divided by its share
  of the DPT (1 = as loud online as its voters weigh; needs ``dpt`` in the config), coloured
  on a log2 scale around 1.

Every region carries a hover card (name, posts, mentions, DPT, shares all and without
coordinated accounts) with numbers in the reader's locale (``20.644``, ``54,1%`` in
Indonesian), and a drill-down link to the posts explorer that opens exactly the posts the
hover counts. Regions without a shipped boundary are listed in the block's ``missing``.

Example
-------
>>> from suara.config import load_election
>>> e = load_election("kaltim-2024")
>>> b = map_block({"all": {"regions": {}}, "filtered": {"regions": {}}}, e, "id")
>>> b["type"], len(b["regions"]), b["missing"], [l["id"] for l in b["layers"]][:2]
('map', 10, [], ['lead', 'margin'])
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import format_decimal

from suara.analyse.base import pair_label
from suara.analyse.section import colours, posts_link
from suara.config.geo import ATTRIBUTION, boundaries
from suara.config.i18n import texts

__all__ = ["map_block", "fmt_int", "fmt_pct", "fmt_num"]

_LOCALE = {"id": "id_ID", "en": "en_US"}
#: diverging scale for net sentiment and the conversation index (red = negative / under-heard)
DIVERGING = [[0.0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"], [1.0, "#2166ac"]]
SEQUENTIAL = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [1.0, "#08306b"]]


def _loc(lang: str) -> str:
    return _LOCALE.get(lang, "id_ID")


@lru_cache(maxsize=8)
def _symbols(lang: str) -> dict[int, str]:
    """str.translate table from Python's "," and "." to the locale's group and decimal signs
    (Babel's CLDR data, read once: formatting hundreds of regions with Babel itself is slow)."""
    sym = Locale.parse(_loc(lang)).number_symbols
    sym = sym.get("latn") or sym      # Babel >= 2.14 keys the symbols by numbering system
    return str.maketrans({",": sym.get("group", ","), ".": sym.get("decimal", ".")})


def fmt_int(v: Any, lang: str = "id") -> str:
    """A count in the reader's locale.

    >>> fmt_int(20644, "id"), fmt_int(20644, "en"), fmt_int(None)
    ('20.644', '20,644', '–')
    """
    return f"{int(v):,}".translate(_symbols(lang)) if isinstance(v, (int, float)) else "–"


def fmt_pct(v: Any, lang: str = "id") -> str:
    """A share as a percentage with one decimal.

    >>> fmt_pct(0.5412, "id"), fmt_pct(0.5412, "en"), fmt_pct(None)
    ('54,1%', '54.1%', '–')
    """
    return f"{100 * v:,.1f}%".translate(_symbols(lang)) if isinstance(v, (int, float)) else "–"


def fmt_num(v: Any, lang: str = "id", signed: bool = False) -> str:
    """A ratio with two decimals (signed for sentiment).

    >>> fmt_num(-0.234, "id", signed=True), fmt_num(1.5, "en"), fmt_num(1234.5, "id")
    ('-0,23', '1.50', '1.234,50')
    """
    if not isinstance(v, (int, float)) or v != v:
        return "–"
    return (f"{v:+,.2f}" if signed else f"{v:,.2f}").translate(_symbols(lang))


def _pair_scale(colour: str) -> list:
    return [[0.0, "#ffffff"], [1.0, colour or "#444444"]]


def _lead(pairs: dict, ballots: list) -> tuple[str, float, float] | None:
    """(leading ballot or "tie", its share, the runner-up's share) of one region's pairs.

    >>> _lead({"1": {"share": 0.6}, "2": {"share": 0.4}}, ["1", "2"])
    ('1', 0.6, 0.4)
    >>> _lead({"1": {"share": 0.5}, "2": {"share": 0.5}}, ["1", "2"])[0]
    'tie'
    """
    ranked = sorted((((pairs.get(b) or {}).get("share") or 0.0), b) for b in ballots)
    if not ranked:
        return None
    top_share, top = ranked[-1]
    second = ranked[-2][0] if len(ranked) > 1 else 0.0
    return ("tie" if len(ranked) > 1 and top_share == second else top), top_share, second


def map_block(result: dict, election, lang: str = "id") -> dict:
    """The choropleth ``map`` block of the regions section (see the module docstring)."""
    t = texts("map", lang)
    e = election
    regs = (result.get("all") or {}).get("regions") or {}
    regs_f = (result.get("filtered") or {}).get("regions") or {}
    cc = colours(e)
    ballots = list(e.ballots)
    _, missing = boundaries([r.code for r in e.regions])
    regions, lead, margin, coverage = [], {}, {}, {}
    share = {b: {} for b in ballots}
    net = {b: {} for b in ballots}
    lead_txt, margin_txt, cov_txt = {}, {}, {}
    lead_f, lead_f_txt = {}, {}
    share_txt = {b: {} for b in ballots}
    net_txt = {b: {} for b in ballots}
    for r in e.regions:
        v = regs.get(r.code) or {}
        vf = regs_f.get(r.code) or {}
        pairs = v.get("pairs") or {}
        mentions = v.get("mentions") or 0
        lines = [f"{t['posts']}: {fmt_int(v.get('posts', 0), lang)}",
                 f"{t['mentions']}: {fmt_int(mentions, lang)}"]
        if r.dpt:
            lines.append(f"DPT: {fmt_int(r.dpt, lang)}")
        for b in ballots:
            p = pairs.get(b) or {}
            pf = (vf.get("pairs") or {}).get(b) or {}
            lines.append(f"{pair_label(e, b)}: {fmt_pct(p.get('share'), lang)} "
                         f"({t['filtered']} {fmt_pct(pf.get('share'), lang)})")
            if mentions:
                share[b][r.code] = p.get("share") or 0.0
                share_txt[b][r.code] = f"{t['share']} {pair_label(e, b)}: {fmt_pct(p.get('share'), lang)}"
            if isinstance(p.get("net_sentiment"), (int, float)):
                net[b][r.code] = p["net_sentiment"]
                net_txt[b][r.code] = (f"{t['net']} {pair_label(e, b)}: {fmt_num(p['net_sentiment'], lang, True)} "
                                      f"({fmt_int(p.get('mentions'), lang)} {t['mentions'].lower()})")
        ld = _lead(pairs, ballots) if mentions else None
        if ld:
            who, top_share, second = ld
            lead[r.code] = who
            lead_txt[r.code] = (f"{t['lead']}: {t['tie']}" if who == "tie"
                                else f"{t['lead']}: {pair_label(e, who)} ({fmt_pct(top_share, lang)})")
            margin[r.code] = top_share - second
            margin_txt[r.code] = (f"{t['margin']}: {fmt_num(100 * (top_share - second), lang)} {t['points']}"
                                  + (f" ({pair_label(e, who)})" if who != "tie" else ""))
        ldf = _lead(vf.get("pairs") or {}, ballots) if vf.get("mentions") else None
        if ldf:
            who, top_share, _ = ldf
            lead_f[r.code] = who
            lead_f_txt[r.code] = (f"{t['lead']} ({t['filtered']}): "
                                  + (t["tie"] if who == "tie" else f"{pair_label(e, who)} ({fmt_pct(top_share, lang)})"))
        ci = v.get("conversation_index")
        if isinstance(ci, (int, float)):
            coverage[r.code] = ci
            cov_txt[r.code] = f"{t['coverage']}: {fmt_num(ci, lang)}"
        regions.append({"code": r.code, "name": r.name, "hover": lines,
                        "href": posts_link(region=r.code, candidate="any"), "posts": int(v.get("posts") or 0),
                        **({"lat": r.lat, "lon": r.lon} if r.lat is not None and r.lon is not None else {})})
    cats = [{"value": b, "label": pair_label(e, b), "colour": cc.get(b) or "#888888"} for b in ballots]
    if "tie" in lead.values() or "tie" in lead_f.values():
        cats.append({"value": "tie", "label": t["tie"], "colour": "#bdbdbd"})
    layers: list[dict] = [
        {"id": "lead", "label": t["lead"], "kind": "category", "categories": cats, "values": lead, "text": lead_txt},
        {"id": "margin", "label": t["margin"], "kind": "scale", "values": {c: 100 * m for c, m in margin.items()},
         "text": margin_txt, "colorscale": SEQUENTIAL, "zmin": 0.0,
         "zmax": max([100 * m for m in margin.values()] + [1.0]), "colorbar": t["points"]},
        {"id": "lead-filtered", "label": f"{t['lead']} · {t['filtered']}", "kind": "category", "categories": cats,
         "values": lead_f, "text": lead_f_txt}]
    for b in ballots:
        layers.append({"id": f"share-{b}", "label": f"{t['share']} · {pair_label(e, b)}", "kind": "scale",
                       "values": share[b], "text": share_txt[b], "colorscale": _pair_scale(cc.get(b)),
                       "zmin": 0.0, "zmax": max(list(share[b].values()) + [0.01]), "tickformat": ".0%",
                       "colorbar": t["share"]})
    for b in ballots:
        lim = max([abs(x) for x in net[b].values()] + [0.05])
        layers.append({"id": f"net-{b}", "label": f"{t['net']} · {pair_label(e, b)}", "kind": "scale",
                       "values": net[b], "text": net_txt[b], "colorscale": DIVERGING,
                       "zmin": -lim, "zmax": lim, "colorbar": t["net"]})
    notes = []
    if coverage:
        # a ratio: coloured on a log2 scale, so 0,5 and 2 are equally far from 1 (white)
        logs = {c: math.log2(min(max(v, 1 / 8), 8.0)) for c, v in coverage.items()}
        lim = max([abs(x) for x in logs.values()] + [1.0])
        ticks = [k for k in range(-3, 4) if abs(k) <= lim]
        layers.append({"id": "coverage", "label": t["coverage"], "kind": "scale", "values": logs,
                       "text": cov_txt, "colorscale": DIVERGING, "zmin": -lim, "zmax": lim,
                       "colorbar": t["coverage_short"], "tickvals": ticks,
                       "ticktext": [format_decimal(2.0 ** k, "#,##0.###", locale=_loc(lang)) for k in ticks]})
    else:
        notes.append(t["coverage_needs_dpt"])
    if missing:
        names = {r.code: r.name for r in e.regions}
        notes.append(t["missing"].format(regions=", ".join(f"{names.get(c, c)} ({c})" for c in missing)))
    if not regions:
        notes.append(t["no_regions"])
    notes.append(t["credit"].format(source=ATTRIBUTION))
    return {"type": "map", "id": "region-map", "title": t["title"], "explain": t["explain"],
            "regions": regions, "layers": layers, "missing": missing, "notes": notes,
            "no_data": t["no_data"],
            "separators": ",." if lang == "id" else ".,"}
