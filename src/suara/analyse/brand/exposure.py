"""Exposure profile: per pair, the share of mentions from authors in each follower band and
from accounts created during the campaign. A crowd of tiny, new accounts is the mark of buzzers.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> exposure_section(ws)["all"]["1"]["mentions"]
0
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import plotly.graph_objects as go

from suara.analyse.base import VIEWS, candidate_mentions, flagged, pair_label, pct, safe_float, tz_offset_minutes
from suara.analyse.section import Section, figure, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["exposure_section", "Exposure", "FOLLOWER_BANDS"]

#: follower bands of the exposure profile: (label, lowest, highest inclusive)
FOLLOWER_BANDS = [("0-3", 0, 3), ("4-25", 4, 25), ("26-100", 26, 100), ("101-1k", 101, 1000),
                  ("1k-10k", 1001, 10000), ("10k+", 10001, None)]


def _band_expr(f):
    cases = [(f.isnull(), "unknown")]
    for label, lo, hi in FOLLOWER_BANDS:
        cases.append(((f >= lo) if hi is None else ((f >= lo) & (f <= hi)), label))
    return ibis.cases(*cases, else_="unknown")


def exposure_section(ws) -> dict[str, Any]:
    """The ``exposure`` section: per pair, the share of mentions from authors in each
    follower band (0-3, 4-25, 26-100, 101-1k, 1k-10k, 10k+, unknown) and from accounts
    created on or after the campaign start ("new_accounts"). Twice: all and filtered.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> exposure_section(ws)["all"]["1"]["mentions"]
    0
    """
    start = dt.datetime.combine(ws.election.dates.campaign_start, dt.time())
    # campaign start at local midnight, in UTC
    start = start - dt.timedelta(minutes=tz_offset_minutes(ws.election))
    labels = [b[0] for b in FOLLOWER_BANDS] + ["unknown"]
    out: dict[str, Any] = {"bands": labels, "campaign_start": ws.election.dates.campaign_start.isoformat()}
    # one query for both views: an account is flagged or not, so the distinct accounts of the
    # whole view are the flagged ones plus the others
    t = candidate_mentions(ws, False)
    a = ws.store.table("accounts").select("platform", "account_id", "followers", acreated=ibis._.created_at)
    fl = flagged(ws).distinct().mutate(_fl=ibis.literal(1))
    j = t.left_join(a, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    j = j.left_join(fl, ["platform", "account_id"])
    j = j.drop(*[c for c in j.columns if c.endswith("_right")])
    j = j.mutate(band=_band_expr(j.followers), flagged=j._fl.notnull(),
                 new=(j.acreated.notnull() & (j.acreated >= start)).ifelse(1, 0),
                 known=j.acreated.notnull().ifelse(1, 0))
    both = j.group_by(["candidate", "band", "flagged"]).aggregate(
        n=j.count(), new=j.new.sum(), known=j.known.sum(), acc=j.acct.nunique()).execute()
    for v in VIEWS:
        df = both[~both.flagged.astype(bool)] if v == "filtered" else both
        df = df.groupby(["candidate", "band"], as_index=False)[["n", "new", "known", "acc"]].sum()
        res = {}
        for b in ws.election.ballots:
            sub = df[df.candidate == b]
            n = int(sub.n.sum())
            bands = {lab: {"mentions": int(sub[sub.band == lab].n.sum()),
                           "share": safe_float(sub[sub.band == lab].n.sum() / n if n else 0.0),
                           "accounts": int(sub[sub.band == lab].acc.sum())} for lab in labels}
            known = int(sub.known.sum())
            new = int(sub.new.sum())
            small = sum(bands[k]["mentions"] for k in ("0-3", "4-25"))
            res[b] = {"mentions": n, "bands": bands,
                      "new_accounts": {"mentions": new,
                                       "share": safe_float(new / n if n else 0.0),
                                       "share_of_known_age": safe_float(new / known if known else None)},
                      "tiny_accounts_share": safe_float(small / n if n else 0.0)}
        out[v] = res
    return out


def _num(v: Any) -> str:
    return formats.integer(v) if isinstance(v, int) else ("" if v is None else str(v))


_p = formats.percent_cell


@register
class Exposure(Section):
    """Follower-band and new-account shares of each pair's mentions."""

    id = "exposure"
    title = "brand.exp"
    explain = "brand.exp_explain"
    requires = ("posts", "accounts", "mentions", "enrichments", "account_scores")
    pages = ("influencer",)

    def compute(self, ws, **options) -> dict[str, Any]:
        return exposure_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("brand", lang), texts("ui", lang)
        ballots = list(election.ballots)
        xs, keys = [], []
        for b in ballots:
            for v in VIEWS:
                xs.append(f"{pair_label(election, b)}<br>{t['all'] if v == 'all' else t['nobuzz']}")
                keys.append((v, b))
        fig = go.Figure()
        for band in result.get("bands", []):
            fig.add_bar(x=xs, y=[result[v][b]["bands"][band]["share"] for v, b in keys],
                        name=ui.get("enum_unknown", band) if band == "unknown" else band)
        fig.update_layout(barmode="stack", yaxis_tickformat=".0%", title=ui["exposure_chart"], height=380,
                          legend_title_text=ui.get("followers", ""))
        a, f = result["all"], result["filtered"]
        rep = ("report",)
        bands = result.get("bands", [])
        return [
            {"type": "chart", "figure": figure(fig), "faces": ("report", "web")},
            {"type": "table", "faces": rep,
             "columns": [t["pair"], t["new"], f"{t['new']} ({t['nobuzz']})", t["tiny"], f"{t['tiny']} ({t['nobuzz']})"],
             "rows": [[pair_label(election, b), pct(a[b]["new_accounts"]["share"]), pct(f[b]["new_accounts"]["share"]),
                       pct(a[b]["tiny_accounts_share"]), pct(f[b]["tiny_accounts_share"])] for b in ballots]},
            {"type": "table", "id": "exposure", "title": ui["exposure"], "explain": ui["exposure_explain"],
             "faces": ("web",), "columns": [ui["candidate"], ui["mentions"], ui["tiny_share"], ui["new_share"],
                                     *[ui.get("enum_unknown", bd) if bd == "unknown" else bd for bd in bands]],
             "rows": [[pair_label(election, b), _num(v.get("mentions")), _p(v.get("tiny_accounts_share")),
                       _p((v.get("new_accounts") or {}).get("share"))]
                      + [_num(((v.get("bands") or {}).get(bd) or {}).get("mentions")
                              if isinstance((v.get("bands") or {}).get(bd), dict) else (v.get("bands") or {}).get(bd))
                         for bd in bands]
                      for b, v in a.items() if isinstance(v, dict)]}]
