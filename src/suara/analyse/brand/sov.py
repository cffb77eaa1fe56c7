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

from suara.analyse.base import VIEWS, account_codes, account_daily, memo, pair_label, pct, safe_float, signed, wilson_lower
from suara.analyse.section import Section, colours, figure, period_link, posts_link, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["share_of_voice", "share_of_voice_section", "ShareOfVoice"]


def _sov_block(df: pd.DataFrame, ballots: list[str]) -> dict[str, dict[str, Any]]:
    """Per-ballot metrics for one group (rows of one key value)."""
    # rows as plain dicts: ``itertuples`` builds a named-tuple class per call, and this runs
    # for every day, week and region of both views; ``tolist`` gives the same Python numbers
    cols = list(df.columns)
    rows = {str(r["candidate"]): r for r in (dict(zip(cols, v)) for v in zip(*(df[c].tolist() for c in cols)))}
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
        n = int(r["mentions"])
        pos, neg = int(r["positive"]), int(r["negative"])
        fav, unf = int(r["favourable"] or 0), int(r["unfavourable"] or 0)
        out[b] = {
            "mentions": n,
            "share": safe_float(n / tot_m if tot_m else 0.0),
            "unique_accounts": int(r["unique_accounts"]),
            "share_of_citizens": safe_float(r["unique_accounts"] / tot_u if tot_u else 0.0),
            "net_sentiment": safe_float((pos - neg) / n if n else None),
            "sentiment_weighted_share": safe_float(r["weighted"] / tot_w if tot_w else 0.0),
            "positive": pos, "negative": neg, "neutral": n - pos - neg,
            "favourable_accounts": fav, "unfavourable_accounts": unf,
            "trust": safe_float(wilson_lower(fav, fav + unf)),
            "engagement": int(r["engagement"] or 0),
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
_KEYS = ("day", "week", "region_key")


def _group(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by whole-number codes (each >= 0): the group of each row, numbered in
    order of first appearance (the order of ``groupby(sort=False)``), and the first row of
    each group."""
    key = codes[0].astype("int64")
    for c in codes[1:]:
        key = key * (int(c.max(initial=0)) + 1) + c
    g, _ = pd.factorize(key)
    # numbered in order of appearance, a group starts where its number exceeds every earlier one
    new = np.ones(len(g), dtype=bool)
    new[1:] = g[1:] > np.maximum.accumulate(g)[:-1]
    return g, np.flatnonzero(new)


def _sov_pandas(df: pd.DataFrame, codes: dict[str, np.ndarray], key: str | None,
                per_account: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The figures per ``key`` (None: all rows) and pair — mentions, positive, negative,
    weighted, engagement, unique, favourable and unfavourable accounts — from the per-account
    daily frame (:func:`account_daily`): the rows summed per account first
    (:func:`_per_account`, or ``per_account`` when given), then per key.

    Both sums group whole-number codes (:func:`_run_codes`), not text and dates: hashing
    185,000 dates and strings per group-by was most of the section's time. Groups are
    numbered in order of first appearance and each group's rows are summed in row order, as
    ``groupby(sort=False)`` over the values would, so the float sums (pandas' compensated
    sums) are the same to the last bit."""
    if not len(df):
        return pd.DataFrame()
    by = [codes["candidate"]] if key is None else [codes[key], codes["candidate"]]
    a = _per_account(df, codes, key) if per_account is None else per_account
    first1 = a["first"]
    g2, first2 = _group(*(c[first1] for c in by))
    out = _sums(a, g2, len(first2), _PER_ACCOUNT, ("weighted",))
    rows = first1[first2]
    head = {} if key is None else {key: codes[key + "_values"][codes[key][rows]]}
    head["candidate"] = codes["candidate_values"][codes["candidate"][rows]]
    return pd.DataFrame({**head, **{c: out[c] for c in (*_SUMS, "unique_accounts", "favourable", "unfavourable")}})


#: the whole-number figures per (key, pair, account) that are summed per (key, pair)
_PER_ACCOUNT = ("mentions", "positive", "negative", "engagement", "unique_accounts", "favourable", "unfavourable")


def _per_account(df: pd.DataFrame, codes: dict[str, np.ndarray], key: str | None) -> dict[str, np.ndarray]:
    """The rows summed per (``key``, pair, account), groups in order of first appearance:
    the sums, ``unique_accounts``, ``favourable`` and ``unfavourable`` (the account's mean
    score above 0.05 / below -0.05), ``first`` (each group's first row) and ``flagged`` (how
    many of the group's rows are of a flagged account)."""
    by = [codes["candidate"]] if key is None else [codes[key], codes["candidate"]]
    acct = codes["acct"]
    # ``acct``: the account's code (-1: no account), see `_run_codes`
    g1, first1 = _group(*by, acct + 1)
    a = _sums(df, g1, len(first1), ("mentions", "positive", "negative", "engagement"), ("weighted", "score_sum"))
    with np.errstate(divide="ignore", invalid="ignore"):
        ms = a.pop("score_sum") / a["mentions"]
    a["unique_accounts"] = (acct[first1] >= 0).astype("int64")
    a["favourable"], a["unfavourable"] = (ms > 0.05).astype("int64"), (ms < -0.05).astype("int64")
    a["first"] = first1
    a["flagged"] = np.bincount(g1, weights=df.flagged.to_numpy(dtype="float64"), minlength=len(first1))
    a["rows"] = np.bincount(g1, minlength=len(first1))
    return a


def _per_account_views(ws, df: pd.DataFrame, codes: dict[str, np.ndarray], key: str | None,
                       filtered: bool) -> dict[str, np.ndarray] | None:
    """:func:`_per_account` of all rows, once per run for both views. The filtered view takes
    the groups of unflagged accounts: a group's rows are all of one account, so its sums are
    the same in both views and come in the same order. None when a group mixes flagged and
    unflagged rows (the filtered view then sums its own rows)."""
    a = memo(ws, ("share_of_voice_accounts", key), lambda: _per_account(df, codes, key), copy=False)
    if not filtered:
        return a
    clean = a["flagged"] == 0
    if clean.all():
        return a
    if not ((a["flagged"] == a["rows"]) | clean).all():
        return None
    return {c: v[clean] for c, v in a.items()}


def _sums(df, g: np.ndarray, n: int, ints: tuple, floats: tuple) -> dict[str, np.ndarray]:
    """Per group ``g`` (0..n-1) of the rows of ``df`` (a frame, or a dict of arrays): the sums
    of the whole-number columns ``ints`` (exact below 2**53) and of the float columns
    ``floats`` through pandas' group-by, whose compensated sum adds each group's rows in row
    order (a plain or pairwise sum could differ in the last digits)."""
    cols = {c: _values(df[c]) for c in (*ints, *floats)}
    # numpy whole numbers by bincount; a column with gaps (a nullable type) goes through pandas
    exact = [c for c in ints if isinstance(cols[c], np.ndarray) and cols[c].dtype.kind in "iub"]
    out = {c: np.bincount(g, weights=cols[c].astype("float64"), minlength=n).astype("int64") for c in exact}
    rest = [c for c in (*ints, *floats) if c not in out]
    f = pd.DataFrame({c: cols[c] for c in rest}).groupby(g, sort=True).sum()
    out.update({c: _values(f[c]) for c in rest})
    return out


def _values(v):
    """A column's values by position: a numpy array, or the extension array of a nullable type."""
    if isinstance(v, pd.Series):
        return v.to_numpy() if isinstance(v.dtype, np.dtype) else v.array
    return v


def _run_codes(ws, df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Whole-number codes of the per-account daily frame's group keys, made once per run for
    both views: ``acct`` (the account, platform and id, -1 when it has none), ``candidate``,
    ``day``, ``week`` (the Monday of the day) and ``region_key`` (the region, "unknown" when
    missing), each with its values (``<key>_values``, indexed by the code)."""
    def build() -> dict[str, np.ndarray]:
        out = {"acct": account_codes(ws)}   # shared with the other sections of the run
        for name, col in (("candidate", df.candidate), ("day", df.day),
                          ("region_key", df.region.fillna("unknown"))):
            c, values = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=False)
            out[name], out[name + "_values"] = c, np.asarray(values, dtype=object)
        # a week per distinct day (dozens), not per row
        days = pd.to_datetime(pd.Series(out["day_values"], dtype=object))
        mondays = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date.to_numpy(dtype=object)
        weeks = pd.Series(mondays, dtype=object).where(days.notna().to_numpy(), None).to_numpy(dtype=object)
        w, values = pd.factorize(weeks, use_na_sentinel=False)
        out["week"], out["week_values"] = w[out["day"]], np.asarray(values, dtype=object)
        return out
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
    codes = _run_codes(ws, df)
    keep = ~df.flagged.to_numpy() if filtered else None

    def figures(key):
        if not len(df) or (keep is not None and not keep.any()):
            return pd.DataFrame()
        a = _per_account_views(ws, df, codes, key, filtered)
        if a is not None:   # each group's first row indexes the whole frame, as do the codes
            return _sov_pandas(df, codes, key, a)
        return _sov_pandas(df[keep], {k: v if k.endswith("_values") else v[keep] for k, v in codes.items()}, key)
    return {"total": _sov_block(figures(None), ballots),
            **{f"by_{k if k != 'region_key' else 'region'}": _sov_by(figures(k), k, ballots) for k in _KEYS}}


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
