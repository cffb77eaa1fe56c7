"""Chart helpers shared by the report and the web app: Plotly figures rendered offline.

The Plotly JavaScript bundle ships inside the plotly package; pages include it once
(:func:`plotly_js`) and each chart is a ``<div>`` (:func:`figure_div`). No CDN is used.

Example
-------
>>> import plotly.graph_objects as go
>>> html = figure_div(go.Figure(go.Bar(x=["1", "2"], y=[3, 4])))
>>> "<div" in html and "Plotly.register" in html   # the Indonesian locale comes along
True
"""
from __future__ import annotations

from functools import lru_cache

import json

import plotly.graph_objects as go
import plotly.io as pio

from suara.config.formats import plotly_locale, separators

__all__ = ["plotly_js", "figure_div", "candidate_colours", "locale_script", "LAYOUT"]

LAYOUT = dict(template="plotly_white", margin=dict(l=40, r=20, t=40, b=40), height=360,
              font=dict(family="Inter, Segoe UI, Roboto, sans-serif", size=12),
              legend=dict(orientation="h", y=-0.2))


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The full plotly.js source (offline), to inline once per page."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


@lru_cache(maxsize=4)
def locale_script(lang: str) -> str:
    """A ``<script>`` registering the language's Plotly locale (month names, decimal marks)
    once per page; charts of that language name it in their config."""
    mod = json.dumps(plotly_locale(lang), ensure_ascii=True).replace("<", "\\u003c").replace("/", "\\/")
    return ('<script type="text/javascript">(function(){if(window.Plotly&&!(window.__suaraLocales||{})["'
            + lang + '"]){Plotly.register(' + mod + ');(window.__suaraLocales=window.__suaraLocales||{})["'
            + lang + '"]=1;}})();</script>')


def figure_div(fig: go.Figure, div_id: str | None = None, lang: str = "id") -> str:
    """A chart as an HTML ``<div>`` that needs plotly.js on the page (with PNG download), in
    ``lang``: its separators (``,.`` in Indonesian) and month names on date axes."""
    fig.update_layout(**{k: v for k, v in LAYOUT.items() if k not in fig.layout.to_plotly_json()})
    if fig.layout.separators is None:
        fig.update_layout(separators=separators(lang))
    return locale_script(lang) + pio.to_html(
        fig, include_plotlyjs=False, full_html=False, div_id=div_id,
        config={"displaylogo": False, "responsive": True, "locale": lang,
                "toImageButtonOptions": {"format": "png", "scale": 2}})


def candidate_colours(election) -> dict[str, str]:
    """Ballot -> colour from the election config."""
    return {c.ballot: c.colour for c in election.candidates}
