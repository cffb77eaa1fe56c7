"""Region maps: a ``map`` block (:mod:`suara.analyse.section`) as an offline Plotly choropleth.

The boundaries come from the package (:mod:`suara.config.geo`, keyed by BPS code), inline in
the page: no tile server, no network. Each layer of the block becomes one trace (a scale) or
one trace per category (a legend entry), all on top of a grey base of every mapped region
("no data"); a dropdown picks the layer. The geometry is written once per map and shared by
the traces in the browser; a click on a region opens its drill-down link (the block's
``href``), hovering shows the region's name and figures; up to :data:`LABEL_MAX` regions
carry their name inside their largest part (the boundary's ``label`` point; the config's
``lat``/``lon`` seat when a boundary has none).

Example
-------
>>> b = {"type": "map", "regions": [{"code": "6472", "name": "Samarinda", "href": "/posts?region=6472",
...      "hover": ["Unggahan: 3"]}], "layers": [{"id": "lead", "label": "Unggul", "kind": "category",
...      "categories": [{"value": "1", "label": "01", "colour": "#1f77b4"}], "values": {"6472": "1"}}]}
>>> fig = map_figure(b)
>>> [t.type for t in fig.data], list(fig.data[1].locations), fig.layout.geo.fitbounds
(['choropleth', 'choropleth', 'scattergeo'], ['6472'], 'locations')
>>> '"/posts?region=6472"' in map_html(b, "m1").replace("\\\\/", "/")
True
"""
from __future__ import annotations

import html
from functools import lru_cache

import orjson

import plotly.graph_objects as go

from suara.config.geo import boundaries

__all__ = ["map_spec", "map_figure", "map_html", "GEO_REF", "LABEL_MAX"]

#: placeholder for the shared geometry in a trace's ``geojson`` (replaced in the browser)
GEO_REF = "#suara-geo"
_LINE = dict(color="#5f6b7a", width=0.6)
#: region names are written on the map up to this many regions
LABEL_MAX = 16


def _hover(region: dict, line: str | None, no_data: str) -> str:
    _, head, common = _parts(region)
    return "<br>".join(x for x in (head, html.escape(line or no_data), common) if x)


def _parts(region: dict) -> list[str]:
    """[href, escaped heading, escaped common hover lines] of one region."""
    return [region.get("href") or "", f"<b>{html.escape(region['name'])}</b> ({html.escape(region['code'])})",
            "<br>".join(html.escape(x) for x in region.get("hover") or [])]


def map_spec(b: dict, geojson=GEO_REF, compact: bool = False) -> dict:
    """The map block as a plain Plotly figure ``{"data", "layout"}`` (no validation pass: it
    is built on every page view); ``geojson`` defaults to the placeholder that
    :func:`map_html` fills (pass a FeatureCollection for a self-contained figure).

    ``compact``: each trace carries only its layer's hover line per region (``_lines``); the
    page joins it with the region's heading and common lines, written once per region (a
    national map by kabupaten/kota would otherwise repeat them in every layer)."""
    fc, _ = boundaries([r["code"] for r in b["regions"]])
    feats = {f["id"]: f for f in fc["features"]}
    regions = [r for r in b["regions"] if r["code"] in feats]
    by_code = {r["code"]: r for r in regions}
    no_data = b.get("no_data", "–")
    layers = b.get("layers") or []
    data: list[dict] = []
    line = _LINE if len(regions) <= 60 else {**_LINE, "width": 0.25}    # thin borders on a national map
    owner: list[int] = []                        # trace -> layer index (-1 = always shown)

    def choropleth(li: int, codes: list, z: list, customdata: list, **kw) -> None:
        if compact:
            kw["_lines"] = [html.escape(x[1]) for x in customdata]
        else:
            kw["customdata"] = [[by_code[c].get("href") or "", _hover(by_code[c], x[1], no_data)]
                                for c, x in zip(codes, customdata)]
        data.append({"type": "choropleth", "geojson": geojson, "featureidkey": "id", "locations": codes, "z": z,
                     "marker": {"line": line}, "hovertemplate": "%{customdata[1]}<extra></extra>", **kw})
        owner.append(li)

    # the base: every mapped region, grey
    choropleth(-1, [r["code"] for r in regions], [0] * len(regions), showscale=False,
               colorscale=[[0, "#e3e6ea"], [1, "#e3e6ea"]], name=no_data, showlegend=False,
               customdata=[[r["code"], no_data] for r in regions])
    for li, lay in enumerate(layers):
        vals = {c: v for c, v in (lay.get("values") or {}).items() if c in by_code and v is not None}
        text = lay.get("text") or {}

        def cd(codes: list) -> list:
            return [[c, text.get(c) or no_data] for c in codes]
        if lay.get("kind") == "category":
            for cat in lay.get("categories") or []:
                codes = [c for c, v in vals.items() if v == cat["value"]]
                if codes:
                    colour = cat.get("colour") or "#888888"
                    choropleth(li, codes, [1] * len(codes), name=cat["label"], showscale=False, showlegend=True,
                               colorscale=[[0, colour], [1, colour]], legendgroup=lay["id"], customdata=cd(codes))
        elif vals:
            codes = list(vals)
            cb = {"title": {"text": lay.get("colorbar") or lay.get("label", ""), "side": "right"},
                  "thickness": 14, "len": 0.8}
            if lay.get("tickformat"):
                cb["tickformat"] = lay["tickformat"]
            if lay.get("tickvals"):
                cb.update(tickmode="array", tickvals=lay["tickvals"], ticktext=lay.get("ticktext") or lay["tickvals"])
            extra = {"zmid": lay["zmid"]} if lay.get("zmid") is not None else {}
            choropleth(li, codes, [vals[c] for c in codes], name=lay.get("label", ""), showlegend=False,
                       colorscale=lay.get("colorscale") or "Blues", zmin=lay.get("zmin"), zmax=lay.get("zmax"),
                       colorbar=cb, customdata=cd(codes), **extra)
    # names inside the regions while they stay readable
    seats = [(r["name"], *(feats[r["code"]]["properties"].get("label") or (r.get("lon"), r.get("lat"))))
             for r in regions]
    seats = [x for x in seats if x[1] is not None and x[2] is not None]
    if seats and len(regions) <= LABEL_MAX:
        data.append({"type": "scattergeo", "lon": [x[1] for x in seats], "lat": [x[2] for x in seats],
                     "mode": "text", "text": [x[0] for x in seats], "hoverinfo": "skip", "showlegend": False,
                     "name": "", "textfont": {"size": 10, "color": "#1d2733"}})
        owner.append(-1)
    for tr, o in zip(data, owner):           # the first layer shows first
        tr["visible"] = o in (-1, 0)
    buttons = [{"label": lay.get("label", lay.get("id")), "method": "update",
                "args": [{"visible": [o in (-1, li) for o in owner]}]} for li, lay in enumerate(layers)]
    layout = {"height": 560, "margin": {"l": 0, "r": 0, "t": 48, "b": 0}, "dragmode": False,
              "modebar": {"bgcolor": "rgba(255,255,255,0.8)", "color": "#7a8796", "activecolor": "#123b5d"},
              "separators": b.get("separators") or ".,", "paper_bgcolor": "rgba(0,0,0,0)",
              "font": {"family": "Inter, Segoe UI, Roboto, sans-serif", "size": 12},
              "legend": {"orientation": "h", "y": -0.02, "x": 0},
              "geo": {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"},
                      "scope": "world", "resolution": 110, "bgcolor": "rgba(0,0,0,0)"}}
    if len(buttons) > 1:
        layout["updatemenus"] = [{"type": "dropdown", "buttons": buttons, "x": 0, "y": 1.08, "xanchor": "left",
                                  "yanchor": "top", "showactive": True, "active": 0}]
    return {"data": data, "layout": layout}


def map_figure(b: dict, geojson=GEO_REF) -> go.Figure:
    """The map block as a (validated) Plotly figure, e.g. for a PNG export or a notebook."""
    return go.Figure(map_spec(b, geojson))


def _js(data) -> str:
    """JSON safe inside a <script> element."""
    s = orjson.dumps(data).decode("utf-8")
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("/", "\\/")


@lru_cache(maxsize=16)
def _geo_js(codes: tuple[str, ...]) -> str:
    """The boundaries of ``codes`` as script-safe JSON (the same regions on every page view)."""
    return _js(boundaries(codes)[0])


def map_html(b: dict, div_id: str) -> str:
    """The map as ``<div>`` + one ``<script>`` (plotly.js must be on the page), with its notes
    (missing boundaries, data credit) below."""
    fc, _ = boundaries([r["code"] for r in b["regions"]])
    notes = "".join(f"<small>{html.escape(n)}</small><br>" for n in b.get("notes") or [])
    if not fc["features"]:
        return f'<div class="map-notes">{notes}</div>'
    fig = map_spec(b, compact=True)
    regions = {r["code"]: _parts(r) for r in b["regions"]}
    # a fixed map (no drag: a phone scrolls the page through it); PNG download stays
    cfg = {"displaylogo": False, "responsive": True, "scrollZoom": False,
           "modeBarButtonsToRemove": ["pan2d", "select2d", "lasso2d", "zoomInGeo", "zoomOutGeo", "resetGeo"],
           "toImageButtonOptions": {"format": "png", "scale": 2}}
    did = html.escape(div_id)
    script = (
        "(function(){var g=" + _geo_js(tuple(r["code"] for r in b["regions"])) + ",f=" + _js({"data": fig["data"], "layout": fig["layout"]}) +
        ",d=document.getElementById(" + _js(div_id) + ");"
        "var R=" + _js(regions) + ";"
        "f.data.forEach(function(t){if(t.geojson===" + _js(GEO_REF) + ")t.geojson=g;"
        "if(t._lines){t.customdata=t.locations.map(function(c,i){var r=R[c];"
        "return [r[0],[r[1],t._lines[i],r[2]].filter(Boolean).join('<br>')];});delete t._lines;}});"
        # plotly.js fetches its world base map from a CDN for any geo subplot, even a hidden one:
        # an empty base map in its asset cache keeps the page offline (nothing of it is drawn)
        "var A=window.PlotlyGeoAssets||(window.PlotlyGeoAssets={topojson:{}}),o={};"
        "['land','ocean','lakes','rivers','countries','subunits','coastlines'].forEach(function(k)"
        "{o[k]={type:'GeometryCollection',geometries:[]};});"
        "A.topojson=A.topojson||{};if(!A.topojson.world_110m)A.topojson.world_110m={type:'Topology',arcs:[],objects:o};"
        # the map's own click handler (the report has no suara.js); the web's generic one skips it
        "d.__suaraClick=true;"
        "Plotly.newPlot(d,f.data,f.layout," + _js(cfg) + ").then(function(){"
        "d.on('plotly_click',function(e){var p=e&&e.points&&e.points[0],h=p&&p.customdata&&p.customdata[0];"
        "if(h){window.location.href=h;}});});})();")
    return (f'<div id="{did}" class="plotly-graph-div suara-map" style="height:560px;width:100%"></div>'
            f'<script type="text/javascript">{script}</script><div class="map-notes">{notes}</div>')
