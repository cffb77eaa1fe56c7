"""The enthusiasm index: growth of distinct, non-coordinated accounts that speak positively
about a pair, per pair and region, week by week (definition in docs/mobilisation.md); the
``enthusiasm`` section.

Example
-------
>>> import suara, tempfile
>>> enthusiasm_section(suara.init(tempfile.mkdtemp()))["pairs"]
{}
"""
from __future__ import annotations

from typing import Any

import ibis
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.base import candidate_mentions, pair_label
from suara.analyse.section import Section, colours, figure, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["enthusiasm", "enthusiasm_section", "Enthusiasm"]


def enthusiasm(ws, as_of=None, weeks: int = 8, min_accounts: int = 5) -> pd.DataFrame:
    """Enthusiasm per pair and region (and ``all``) by week.

    ``active`` = distinct non-coordinated accounts with at least one positive mention of the
    pair that week (weeks end at ``as_of``, default the newest post). ``growth`` = (this week
    − previous week) / previous week; ``index`` = 100 × this week / previous week (100 = as
    many enthusiasts as the week before). Cells with fewer than ``min_accounts`` in both
    weeks are marked ``low_n``.

    Example
    -------
    >>> import suara, tempfile
    >>> enthusiasm(suara.init(tempfile.mkdtemp())).empty
    True
    """
    m = candidate_mentions(ws, True)   # the run's materialised mentions, coordinated accounts removed
    m = m.filter((m.sentiment == "positive") & m.created_at.notnull())
    if as_of is None:
        posts = ws.store.table("posts")
        last = posts.created_at.max().execute()
        if last is None or pd.isna(last):
            return pd.DataFrame(columns=["candidate", "region", "week", "week_end", "active"])
        as_of = pd.Timestamp(last) + pd.Timedelta(seconds=1)
        # the weeks' end from the newest post inside the query (a subquery, the whole seconds
        # of the literal it replaces), not as a literal: the same SQL after every import, so
        # it is compiled once and read ahead by the next run
        end = (posts.created_at.max() + ibis.interval(seconds=1)).epoch_seconds().floor()
    else:
        end = ibis.literal(int(pd.Timestamp(as_of).timestamp()))
    as_of = pd.Timestamp(as_of)
    m = m.mutate(week=((end - m.created_at.epoch_seconds()) / 604800).floor().cast("int64"))
    m = m.filter((m.week >= 0) & (m.week < weeks))
    m = m.mutate(region=ibis.coalesce(m.region, ibis.literal("unknown")))
    by_r = m.group_by(["candidate", "region", "week"]).aggregate(active=m.account_id.nunique())
    by_all = m.group_by(["candidate", "week"]).aggregate(active=m.account_id.nunique()).mutate(
        region=ibis.literal("all"))
    df = pd.concat([by_r.execute(), by_all.execute()], ignore_index=True)
    if df.empty:
        return df
    df["week_end"] = [(as_of - pd.Timedelta(weeks=int(w))).isoformat() for w in df["week"]]
    return df.sort_values(["candidate", "region", "week"]).reset_index(drop=True)


def enthusiasm_section(ws, weeks: int = 8, min_accounts: int = 5) -> dict[str, Any]:
    """`suara analyse` section ``enthusiasm``: per pair, overall and per region, the active
    enthusiasts this week and last week, growth, index and the weekly series (oldest first).

    Example
    -------
    >>> import suara, tempfile
    >>> enthusiasm_section(suara.init(tempfile.mkdtemp()))["pairs"]
    {}
    """
    df = enthusiasm(ws, weeks=weeks, min_accounts=min_accounts)
    names = {r.code: r.name for r in ws.election.regions}
    pairs: dict[str, Any] = {}
    for (cand, reg), g in (df.groupby(["candidate", "region"]) if len(df) else []):
        s = g.set_index("week")["active"]
        cur, prev = int(s.get(0, 0)), int(s.get(1, 0))
        series = [int(s.get(w, 0)) for w in range(weeks - 1, -1, -1)]
        cell = {"name": names.get(reg, reg), "active": cur, "previous": prev,
                "growth": round((cur - prev) / prev, 3) if prev else None,
                "index": round(100 * cur / prev, 1) if prev else None,
                "low_n": max(cur, prev) < min_accounts, "weekly": series}
        pairs.setdefault(str(cand), {"all": None, "regions": {}})
        if reg == "all":
            pairs[str(cand)]["all"] = cell
        else:
            pairs[str(cand)]["regions"][reg] = cell
    return {"pairs": pairs, "weeks": weeks,
            "definition": "active = distinct accounts (coordinated ones removed) with >= 1 positive mention "
                          "of the pair in a 7-day week ending at the newest post; index = 100 x this week / "
                          "previous week; growth = index/100 - 1"}



_num = formats.number
_p = formats.percent_cell


@register
class Enthusiasm(Section):
    """Weekly active enthusiasts per pair and region, with growth and index."""

    id = "enthusiasm"
    title = "mobilise.enth"
    explain = "mobilise.enth_explain"
    requires = ("posts", "mentions", "enrichments", "account_regions", "account_scores")
    options = {"weeks": 8, "min_accounts": 5}
    pages = ("mobilisasi",)

    def compute(self, ws, weeks: int = 8, min_accounts: int = 5) -> dict[str, Any]:
        return enthusiasm_section(ws, weeks=weeks, min_accounts=min_accounts)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        pairs = result.get("pairs") or {}
        if not pairs:
            return []
        t, ui = texts("mobilise", lang), texts("ui", lang)
        e = election
        col = colours(e)
        fig = go.Figure()
        w = result["weeks"]
        for b, v in sorted(pairs.items()):
            if v.get("all"):
                fig.add_scatter(x=[f"{t['week']}{-i}" if i else "0" for i in range(w - 1, -1, -1)], y=v["all"]["weekly"],
                                name=pair_label(e, b), marker_color=col.get(b), mode="lines+markers")
        fig.update_layout(title=t["enth"])
        rows = []
        for r in e.regions:
            row = [r.name]
            for b in e.ballots:
                c = pairs.get(b, {}).get("regions", {}).get(r.code)
                row.append("–" if not c else f"{formats.integer(c['active'])} ({formats.decimal(c['index'], digits=1)})")
            rows.append(row)
        rep = ("report",)
        web_fig = go.Figure()
        web_rows = []
        for b, v in pairs.items():
            a = v.get("all") or {}
            web_fig.add_scatter(y=a.get("weekly") or [], mode="lines+markers", name=pair_label(e, b),
                                line=dict(color=col.get(b)))
            web_rows.append([pair_label(e, b), _num(a.get("active")), _num(a.get("previous")), _p(a.get("growth")),
                             _num(a.get("index"))])
        web_fig.update_layout(title=ui["enthusiasm"], height=320, xaxis_title=ui["week"])
        return [
            {"type": "chart", "faces": rep, "figure": figure(fig)},
            {"type": "table", "faces": rep, "columns": [t["region"],
                                                       *[pair_label(e, b) for b in e.ballots]], "rows": rows},
            {"type": "chart", "id": "enthusiasm", "title": ui["enthusiasm"], "explain": ui["enthusiasm_explain"],
             "faces": ("web",), "figure": figure(web_fig)},
            {"type": "table", "faces": ("web",),
             "columns": [ui["candidate"], ui["active"], ui["previous"], ui["growth"], ui["index_100"]], "rows": web_rows}]
