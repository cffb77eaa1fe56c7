"""Share of voice: per pair, mentions, share, unique accounts, share of citizens, net
sentiment, sentiment-weighted share and trust; by day, week and region; all accounts and
coordinated accounts removed. Definitions in docs/analytics.md.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> share_of_voice_section(ws)["all"]["1"]["mentions"]
0
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.base import VIEWS, account_daily, memo, pair_label, pct, safe_float, signed, wilson_lower
from suara.analyse.section import Section, colours, figure, period_link, posts_link, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["share_of_voice", "share_of_voice_section", "ShareOfVoice"]


def _sov_block(df: pd.DataFrame, ballots: list[str]) -> dict[str, dict[str, Any]]:
    """Per-ballot metrics for one group (rows of one key value)."""
    rows = {str(r.candidate): r for r in df.itertuples(index=False)}
    tot_m = float(df.mentions.sum()) if len(df) else 0.0
    tot_u = float(df.unique_accounts.sum()) if len(df) else 0.0
    tot_w = float(df.weighted.sum()) if len(df) else 0.0
    out = {}
    for b in ballots:
        r = rows.get(b)
        if r is None:
            out[b] = {"mentions": 0, "share": 0.0, "unique_accounts": 0, "share_of_citizens": 0.0,
                      "net_sentiment": None, "sentiment_weighted_share": 0.0, "positive": 0,
                      "negative": 0, "neutral": 0, "favourable_accounts": 0,
                      "unfavourable_accounts": 0, "trust": None, "engagement": 0}
            continue
        n = int(r.mentions)
        pos, neg = int(r.positive), int(r.negative)
        fav, unf = int(r.favourable or 0), int(r.unfavourable or 0)
        out[b] = {
            "mentions": n,
            "share": safe_float(n / tot_m if tot_m else 0.0),
            "unique_accounts": int(r.unique_accounts),
            "share_of_citizens": safe_float(r.unique_accounts / tot_u if tot_u else 0.0),
            "net_sentiment": safe_float((pos - neg) / n if n else None),
            "sentiment_weighted_share": safe_float(r.weighted / tot_w if tot_w else 0.0),
            "positive": pos, "negative": neg, "neutral": n - pos - neg,
            "favourable_accounts": fav, "unfavourable_accounts": unf,
            "trust": safe_float(wilson_lower(fav, fav + unf)),
            "engagement": int(r.engagement or 0),
        }
    return out


def _sov_by(df: pd.DataFrame, key: str, ballots: list[str]) -> dict[str, Any]:
    if not len(df):
        return {}
    out = {}
    for k, sub in df.groupby(key, sort=True, dropna=False):
        if k is None or (isinstance(k, float) and math.isnan(k)):
            name = "unknown"
        elif isinstance(k, (pd.Timestamp, dt.datetime)):
            name = k.date().isoformat()
        else:
            name = k.isoformat() if hasattr(k, "isoformat") else str(k)
        out[name] = _sov_block(sub, ballots)
    return out


_SUMS = ("mentions", "positive", "negative", "weighted", "engagement")


def _sov_pandas(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The figures per ``keys`` and pair — mentions, positive, negative, weighted,
    engagement, unique, favourable and unfavourable accounts — from the per-account daily
    frame (:func:`account_daily`): the rows summed per account first, then per key (two
    group-bys for every figure, not four and a join)."""
    if not len(df):
        return pd.DataFrame()
    by = [*keys, "candidate"]
    a = df.groupby([*by, "acct"], sort=False, dropna=False)[[*_SUMS, "score_sum"]].sum()
    ms = a.score_sum / a.mentions
    # ``acct``: the account's code (-1: no account), see `share_of_voice`
    a = a.assign(unique_accounts=(a.index.get_level_values("acct") >= 0).astype("int64"),
                 favourable=(ms > 0.05).astype("int64"), unfavourable=(ms < -0.05).astype("int64"))
    cols = [*_SUMS, "unique_accounts", "favourable", "unfavourable"]
    return a.groupby(level=by, sort=False, dropna=False)[cols].sum().reset_index()


def _account_codes(ws, df: pd.DataFrame) -> np.ndarray:
    """Each row's account (platform and id) as a whole number in order of first appearance,
    -1 when it has none: once per run for both views. The group-bys below are over these
    codes, not over "platform:id" text (hashing 185,000 strings per group-by was most of
    the section's time); groups come out in the same order, so the figures are the same."""
    def build() -> np.ndarray:
        codes, _ = pd.factorize(df.platform + ":" + df.account_id)
        return codes
    return memo(ws, ("account_daily_codes",), build, copy=False)


def share_of_voice(ws, filtered: bool = False) -> dict[str, Any]:
    """Share of voice of one view (all accounts, or coordinated accounts removed).

    Returns ``{"total": {...per ballot...}, "by_day": {date: {...}}, "by_week": {monday:
    {...}}, "by_region": {bps_code|"unknown": {...}}}``.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> share_of_voice(ws)["total"]["2"]["share"]
    0.0
    """
    ballots = list(ws.election.ballots)
    # one frame per run (the pre-aggregated per-account daily mentions), not 8 queries
    df = account_daily(ws)
    acct = _account_codes(ws, df)
    if filtered:
        keep = ~df.flagged
        df, acct = df[keep], acct[keep.to_numpy()]
    day = pd.to_datetime(df.day)
    week = (day - pd.to_timedelta(day.dt.weekday, unit="D")).dt.date.to_numpy(dtype=object)
    df = df.assign(acct=acct,
                   week=pd.Series(week, index=df.index, dtype=object).where(day.notna(), None),
                   region_key=df.region.fillna("unknown"))
    total = _sov_pandas(df, [])
    by_day = _sov_pandas(df, ["day"])
    by_week = _sov_pandas(df, ["week"])
    by_region = _sov_pandas(df, ["region_key"])
    return {"total": _sov_block(total, ballots), "by_day": _sov_by(by_day, "day", ballots),
            "by_week": _sov_by(by_week, "week", ballots),
            "by_region": _sov_by(by_region, "region_key", ballots)}


def share_of_voice_section(ws) -> dict[str, Any]:
    """The ``share_of_voice`` section of `suara analyse`.

    ``{"all": {ballot: metrics}, "filtered": {...}, "by_day": {"all": ..., "filtered": ...},
    "by_week": {...}, "by_region": {...}}`` — ``share`` is the fraction of all candidate
    mentions; see docs/analytics.md for every metric.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> sorted(share_of_voice_section(ws))
    ['all', 'by_day', 'by_region', 'by_week', 'filtered']
    """
    views = {v: share_of_voice(ws, v == "filtered") for v in VIEWS}
    out: dict[str, Any] = {v: views[v]["total"] for v in VIEWS}
    for k in ("by_day", "by_week", "by_region"):
        out[k] = {v: views[v][k] for v in VIEWS}
    return out


@register
class ShareOfVoice(Section):
    """Share of voice per pair, all accounts and coordinated accounts removed."""

    id = "share_of_voice"
    title = "brand.sov"
    explain = "brand.sov_explain"
    requires = ("posts", "accounts", "mentions", "enrichments", "account_regions", "account_scores")
    pages = ("overview", "kandidat")

    def compute(self, ws, **options) -> dict[str, Any]:
        return share_of_voice_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        e = election
        t, ui = texts("brand", lang), texts("ui", lang)
        col = colours(e)
        ballots = list(e.ballots)
        label = {b: pair_label(e, b) for b in ballots}
        all_, filt = result["all"], result["filtered"]
        rows = [[label[b], formats.integer(all_.get(b, {}).get('mentions', 0)), pct(all_.get(b, {}).get("share")),
                 pct(filt.get(b, {}).get("share")), pct(all_.get(b, {}).get("share_of_citizens")),
                 signed(all_.get(b, {}).get("net_sentiment")), pct(all_.get(b, {}).get("sentiment_weighted_share")),
                 pct(all_.get(b, {}).get("trust"))] for b in ballots]
        bars = go.Figure()
        for view, pattern in (("all", ""), ("filtered", "/")):
            bars.add_bar(x=[label[b] for b in ballots], y=[result[view].get(b, {}).get("share", 0) for b in ballots],
                         name=t["all"] if view == "all" else t["nobuzz"],
                         marker=dict(color=[col.get(b) for b in ballots], pattern_shape=pattern))
        bars.update_layout(barmode="group", yaxis_tickformat=".0%", title=t["share"])
        days = (result.get("by_day") or {}).get("all") or {}
        xs = sorted(days)
        blocks: list[dict] = [
            {"type": "table", "faces": ("report",),
             "columns": [t["pair"], t["mentions"], t["share"], f"{t['share']} ({t['nobuzz']})", t["citizens"],
                         t["net"], t["weighted"], t["trust"]], "rows": rows},
            {"type": "chart", "faces": ("report",), "figure": figure(bars)}]
        if xs:
            line = go.Figure()
            for b in ballots:
                line.add_scatter(x=xs, y=[days[d].get(b, {}).get("share") for d in xs], mode="lines",
                                 name=label[b], line=dict(color=col.get(b)))
            line.update_layout(yaxis_tickformat=".0%", title=t["daily"])
            blocks.append({"type": "chart", "faces": ("report",), "figure": figure(line)})
        return blocks + self._web(result, ui, e, col, xs, days)

    def _web(self, sov: dict, t: dict, e, col: dict, xs: list, days: dict) -> list[dict]:
        """The overview page's share-of-voice cards and the candidates page's daily charts."""
        cands = e.candidates
        all_, filt = sov.get("all", {}), sov.get("filtered", {})
        kpis = []
        for c in cands:
            a = all_.get(c.ballot, {})
            kpis.append({"value": _pct(a.get("share")), "label": f"{c.ballot} {c.short} · {t['share_of_voice']}",
                         "href": posts_link(candidate=c.ballot)})
            kpis.append({"value": _signed(a.get("net_sentiment")), "label": f"{c.short} · {t['net_sentiment']}",
                         "href": posts_link(candidate=c.ballot, sentiment="negative")})
        web = {"faces": ("web",), "pages": ("overview",)}
        blocks = [{"type": "kpis", "id": "sov-kpis", "title": t["share_of_voice"],
                   "explain": t["sov_explain"] + " " + t["sentiment_explain"], "items": kpis, **web}]
        fig = go.Figure()
        for lab, part, buzzer in ((t["all_accounts"], all_, None), (t["filtered"], filt, "exclude")):
            fig.add_bar(name=lab, x=[f"{c.ballot} {c.short}" for c in cands],
                        y=[part.get(c.ballot, {}).get("share", 0) for c in cands],
                        customdata=[posts_link(candidate=c.ballot, buzzer=buzzer) for c in cands])
        fig.update_layout(barmode="group", yaxis_tickformat=".0%", title=t["share_of_voice"], hovermode="closest")
        blocks.append({"type": "chart", "id": "sov-chart", "title": t["all_accounts"] + " / " + t["filtered"],
                       "figure": figure(fig), **web})
        blocks.append({"type": "table", **web, "csv": "/api/v1/analysis/share_of_voice.csv",
                       "columns": [t["candidate"], t["mentions"], t["share"], t["unique_accounts"], t["net_sentiment"],
                                   t["share"] + " · " + t["filtered"]],
                       "rows": [[{"text": f"{c.ballot} {c.short}", "href": posts_link(candidate=c.ballot)},
                                 {"text": formats.integer(all_.get(c.ballot, {}).get('mentions', 0)),
                                  "href": posts_link(candidate=c.ballot)},
                                 _pct(all_.get(c.ballot, {}).get("share")),
                                 formats.integer(all_.get(c.ballot, {}).get('unique_accounts', 0)),
                                 _signed(all_.get(c.ballot, {}).get("net_sentiment")),
                                 {"text": _pct(filt.get(c.ballot, {}).get("share")),
                                  "href": posts_link(candidate=c.ballot, buzzer="exclude")}] for c in cands]})
        if xs:
            fig = go.Figure()
            for c in cands:  # a click on a day opens that day's posts of the pair (local day)
                fig.add_scatter(x=xs, y=[days[d].get(c.ballot, {}).get("mentions", 0) for d in xs], mode="lines",
                                name=f"{c.ballot} {c.short}", line=dict(color=col.get(c.ballot)),
                                customdata=[period_link(e, d, candidate=c.ballot) for d in xs])
            debates = go.Figure(fig)
            for d in e.dates.debates:
                debates.add_vline(x=str(d.date), line_dash="dot", line_color="#999")
            debates.update_layout(title=t["volume"] + " / " + t["mentions"], hovermode="closest")
            blocks.append({"type": "chart", "id": "sov-daily", "title": t["mentions"], "figure": figure(debates),
                           **web})
            web = {"faces": ("web",), "pages": ("kandidat",)}
            fig.update_layout(title=t["mentions_per_day"], height=360, hovermode="closest")
            for d in e.dates.debates:
                fig.add_vline(x=str(d.date), line_dash="dot", line_color="#999")
            fig2 = go.Figure()
            for c in cands:
                fig2.add_scatter(x=xs, y=[days[d].get(c.ballot, {}).get("net_sentiment") for d in xs], mode="lines",
                                 name=f"{c.ballot} {c.short}", line=dict(color=col.get(c.ballot)),
                                 customdata=[period_link(e, d, candidate=c.ballot) for d in xs])
            fig2.update_layout(title=t["sentiment_per_day"], height=320, yaxis_range=[-1, 1], hovermode="closest")
            blocks.append({"type": "chart", "id": "pairs-daily", "title": t["pairs_over_time"],
                           "explain": t["pairs_explain"] + " " + t["click_hint"],
                           "figure": figure(fig), **web})
            blocks.append({"type": "chart", "id": "pairs-sentiment", "figure": figure(fig2),
                           "csv": "/api/v1/analysis/share_of_voice.csv", **web})
            for c in cands:  # per pair: positive / neutral / negative mentions a day, each bar opens its posts
                sfig = go.Figure()
                for sent, colour in (("positive", "#2e7d32"), ("neutral", "#b0bec5"), ("negative", "#c62828")):
                    sfig.add_bar(x=xs, y=[days[d].get(c.ballot, {}).get(sent, 0) for d in xs], marker_color=colour,
                                 name=t.get(f"enum_{sent}", sent),
                                 customdata=[period_link(e, d, candidate=c.ballot, sentiment=sent) for d in xs])
                stitle = f"{c.ballot} {c.short} · {t['sentiment_mentions_per_day']}"
                sfig.update_layout(barmode="stack", height=300, title=stitle, hovermode="closest")
                blocks.append({"type": "chart", "id": f"pair-sentiment-days-{c.ballot}", "figure": figure(sfig),
                               "title": stitle,
                               "explain": t["pairs_explain"] + " " + t["click_hint"], **web})
        return blocks


def _pct(v: Any) -> str:
    return formats.percent(v)


_signed = formats.signed
