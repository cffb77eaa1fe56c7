"""Chart helpers shared by the report and the web app: Plotly figures rendered offline.

The Plotly JavaScript bundle ships inside the plotly package; pages include it once
(:func:`plotly_js`) and each chart is a ``<div>`` (:func:`figure_div`). No CDN is used.

Example
-------
>>> import plotly.graph_objects as go
>>> html = figure_div(go.Figure(go.Bar(x=["1", "2"], y=[3, 4])))
>>> html.startswith("<div")
True
"""
from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["plotly_js", "figure_div", "candidate_colours", "LAYOUT"]

LAYOUT = dict(template="plotly_white", margin=dict(l=40, r=20, t=40, b=40), height=360,
              font=dict(family="Inter, Segoe UI, Roboto, sans-serif", size=12),
              legend=dict(orientation="h", y=-0.2))


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The full plotly.js source (offline), to inline once per page."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


def figure_div(fig: go.Figure, div_id: str | None = None) -> str:
    """A chart as an HTML ``<div>`` that needs plotly.js on the page (with PNG download)."""
    fig.update_layout(**{k: v for k, v in LAYOUT.items() if k not in fig.layout.to_plotly_json()})
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True,
                               "toImageButtonOptions": {"format": "png", "scale": 2}})


def candidate_colours(election) -> dict[str, str]:
    """Ballot -> colour from the election config."""
    return {c.ballot: c.colour for c in election.candidates}
