"""Vote-share forecast from the social signal, after Ibrahim et al. (2015), "Buzzer detection
and sentiment analysis for predicting presidential election results in a Twitter nation".

Steps:

1. **Remove buzzers**: accounts flagged by the coordination detector (``account_scores``),
   institutional accounts (typed official, party, media, city, or named so in the config) and
   the pairs' campaign accounts (:func:`suara.analyse.lawwatch.official_accounts`) do not
   vote as individuals.
2. **Count positive, distinct supporters**: an account supports the pair it has the highest
   net positive stance towards (positive minus negative mentions of that pair, plus negative
   mentions of the rival when there are exactly two pairs); ties and accounts with no positive
   stance are undecided and not counted. One account = one voice, however much it posts.
3. **Calibrate by region**: supporters are placed in their (exported or inferred) region.
   A region's raw share is shrunk towards the province-wide share with a pseudo-count
   ``prior_strength`` (few supporters -> closer to the provincial figure; by default estimated
   from the data by empirical Bayes, :func:`auto_prior_strength`), then blended with the
   provincial share in proportion to the offline population (``1 - online_penetration``: people
   we cannot see online are assumed to vote like the province's online average). The overall
   share weights each region by its DPT (registered voters), which corrects for cities being
   over-represented online.
4. **Uncertainty**: a bootstrap over supporter accounts (``n_boot`` resamples) gives a 95 %
   interval for every share. It covers sampling noise only, not the biases listed in
   ``caveats``.

Output (``suara analyse`` section ``forecast``)::

    {"overall": {"1": 0.44, "2": 0.56}, "regions": {"6472": {"1": 0.52, "2": 0.48}, ...},
     "interval": {"level": 0.95, "overall": {"1": [0.41, 0.47], ...}, "regions": {...}},
     "unfiltered": {...}, "supporters": {...}, "coverage": {...}, "caveats": [...]}

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> forecast(ws)["overall"]
{'1': 0.5, '2': 0.5}
"""
from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pandas as pd

from suara.analyse.base import candidate_mentions, flagged, memo, pair_label, pct
from suara.analyse.section import Section, colours, figure, posts_link, register
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["NON_VOTER_TYPES", "supporters", "supporter_counts", "auto_prior_strength", "estimate_shares",
           "forecast", "forecast_section", "mae", "Forecast"]

#: account types that speak for an institution, not a voter
NON_VOTER_TYPES = ("official", "party", "media", "city")

CAVEATS_EN = [
    "Social-media users are not a random sample of voters: they are younger, more urban and more "
    "partisan; silent voters are invisible.",
    "Sentiment models misread sarcasm and local slang; each error moves a supporter to the wrong pair or "
    "out of the count.",
    "Regions are known only for accounts that reveal them (profile location, place names); thin regions "
    "lean on the provincial figure.",
    "Buzzer removal depends on the coordination detector; undetected paid accounts inflate their pair.",
    "The interval covers sampling noise among the accounts we see, not these biases. Treat the forecast "
    "as one signal next to polls, never as a result.",
]
CAVEATS_ID = [
    "Pengguna media sosial bukan sampel acak pemilih: lebih muda, lebih urban, lebih partisan; pemilih "
    "yang diam tidak terlihat.",
    "Model sentimen bisa salah membaca sarkasme dan bahasa daerah; setiap kesalahan memindahkan pendukung "
    "ke paslon yang salah atau mengeluarkannya.",
    "Wilayah hanya diketahui untuk akun yang menunjukkannya (lokasi profil, nama tempat); wilayah yang "
    "datanya sedikit bersandar pada angka provinsi.",
    "Penyaringan buzzer bergantung pada detektor koordinasi; akun bayaran yang lolos menggelembungkan "
    "paslonnya.",
    "Rentang ketidakpastian hanya mencakup variasi sampel akun yang terlihat, bukan bias di atas. Pakai "
    "prakiraan ini sebagai satu sinyal di samping survei, bukan sebagai hasil.",
]


def supporters(ws, filtered: bool = True) -> ibis.Table:
    """One row per supporter account: (platform, account_id, candidate, region, net).

    ``net`` is the account's net stance towards the pair it supports (see module doc).

    Example
    -------
    >>> import suara, tempfile
    >>> supporters(suara.init(tempfile.mkdtemp())).count().execute()
    0
    """
    # the run's materialised mentions (every mention is of one of the election's pairs: the
    # tagger knows no other), not a second join of mentions, posts and regions
    m = candidate_mentions(ws, filtered).select("platform", "account_id", "candidate", "sentiment", "region")
    acc = ws.store.table("accounts").select("platform", "account_id", "handle", "account_type")
    inst = acc.filter(acc.account_type.isin(list(NON_VOTER_TYPES))).select("platform", "account_id")
    m = m.anti_join(inst, ["platform", "account_id"])
    # accounts the election config names as institutions, typed in the data or not
    named = [(t.platform, t.handle.lstrip("@").lower()) for t in ws.election.tracked_accounts
             if t.account_type in NON_VOTER_TYPES]
    named += [(plat, h.lstrip("@").lower()) for c in ws.election.candidates
              for plat, hs in c.official_accounts.items() for h in hs]
    from suara.analyse.lawwatch import official_table, pair_key
    if named:   # literals in the query: the same SQL in every run (see lawwatch.official_accounts)
        keys = [pair_key(p, h) for p, h in sorted(set(named))]
        cfg = acc.filter(pair_key(acc.platform, acc.handle.lower()).isin(keys)).select("platform", "account_id")
        m = m.anti_join(cfg, ["platform", "account_id"])
    # a pair's own campaign accounts (config, account type or handle naming a pair and a role)
    m = m.anti_join(official_table(ws).select("platform", "account_id"), ["platform", "account_id"])
    m = m.filter(m.account_id.notnull() & m.sentiment.isin(["positive", "negative"]))
    pos = (m.sentiment == "positive").cast("int64")
    neg = (m.sentiment == "negative").cast("int64")
    per = m.group_by(["platform", "account_id", "candidate"]).aggregate(
        pos=pos.sum(), neg=neg.sum(), region=m.region.arbitrary())
    ballots = ws.election.ballots
    per = per.mutate(net=per.pos - per.neg)
    if len(ballots) == 2:
        # in a two-pair race, attacking the rival is support for the other pair
        swap = ibis.cases((per.candidate == ballots[0], ballots[1]), else_=ballots[0])
        rival = per.select("platform", "account_id", candidate=swap, rival_neg=per.neg)
        per = per.left_join(rival, ["platform", "account_id", "candidate"])
        per = per.drop(*[c for c in per.columns if c.endswith("_right")])
        per = per.mutate(net=per.net + per.rival_neg.fill_null(0))
    w = ibis.window(group_by=[per.platform, per.account_id])
    per = per.mutate(best=per.net.max().over(w), any_region=per.region.max().over(w))
    per = per.mutate(is_best=(per.net == per.best).cast("int64"))
    per = per.mutate(n_best=per.is_best.sum().over(ibis.window(group_by=[per.platform, per.account_id])))
    win = per.filter((per.net == per.best) & (per.n_best == 1) & (per.net > 0) & (per.pos > 0))
    return win.select("platform", "account_id", "candidate", region=win.any_region, net=win.net)


def supporter_counts(ws, filtered: bool = True) -> pd.DataFrame:
    """Supporters per (region, candidate); region ``None`` for accounts with no known region.

    Example
    -------
    >>> import suara, tempfile
    >>> supporter_counts(suara.init(tempfile.mkdtemp())).empty
    True
    """
    # an account's stance depends only on its own mentions, so the supporters without
    # coordinated accounts are the supporters minus those accounts: one query, both views,
    # shared by the section's two calls
    def both() -> pd.DataFrame:
        s = supporters(ws, False)
        fl = flagged(ws).distinct().mutate(_flagged=ibis.literal(1))
        j = s.left_join(fl, ["platform", "account_id"])
        return j.group_by(["region", "candidate"]).aggregate(
            n=j.account_id.count(), n_filtered=j._flagged.isnull().cast("int64").sum()).execute()
    df = memo(ws, ("supporter_counts",), both)
    if filtered:
        df = df[df.n_filtered > 0].assign(n=df.n_filtered)
    return df.drop(columns="n_filtered").reset_index(drop=True)


def _point(counts: np.ndarray, unloc: np.ndarray, dpt: np.ndarray, prior_strength: float,
           penetration: float) -> tuple[np.ndarray, np.ndarray]:
    """Regional and overall shares from counts [region x pair] (+ unlocated counts [pair]).

    Works on a stack of resamples too: counts [..., region, pair].
    """
    total = counts.sum(axis=-2) + unloc                                 # [..., pair]
    k = counts.shape[-1]
    prov = (total + 0.5) / (total.sum(axis=-1, keepdims=True) + 0.5 * k)   # Jeffreys-smoothed province share
    n_r = counts.sum(axis=-1, keepdims=True)                             # [..., region, 1]
    shrunk = (counts + prior_strength * prov[..., None, :]) / (n_r + prior_strength)
    reg = penetration * shrunk + (1 - penetration) * prov[..., None, :]
    w = dpt / dpt.sum() if dpt.sum() > 0 else np.full(len(dpt), 1 / len(dpt))
    overall = (reg * w[:, None]).sum(axis=-2)
    return reg, overall


def auto_prior_strength(counts: np.ndarray, lo: float = 1.0, hi: float = 1000.0) -> float:
    """Empirical-Bayes pseudo-count from counts [region x pair]: how strongly the data say the
    regions really differ. Method of moments on each pair's regional shares: the spread of raw
    shares minus the spread sampling alone would give estimates the true between-region variance
    tau^2; the pseudo-count is p(1-p)/tau^2 (a beta prior with that variance), clipped to
    [lo, hi]. Regions that barely differ beyond noise -> large pseudo-count -> estimates near the
    provincial share.

    Example
    -------
    >>> auto_prior_strength(np.array([[50, 50], [50, 50], [51, 49]]))
    1000.0
    >>> auto_prior_strength(np.array([[900, 100], [100, 900], [500, 500]])) < 5
    True
    """
    n = counts.sum(axis=1)
    keep = n > 0
    if keep.sum() < 2:
        return hi
    c, n = counts[keep], n[keep]
    ks = []
    for j in range(c.shape[1]):
        p = c[:, j] / n
        pbar = c[:, j].sum() / n.sum()
        w = n / n.sum()
        var_obs = float((w * (p - pbar) ** 2).sum())
        var_noise = float((w * pbar * (1 - pbar) / n).sum())
        tau2 = var_obs - var_noise
        ks.append(hi if tau2 <= 0 else pbar * (1 - pbar) / tau2)
    return float(np.clip(np.mean(ks), lo, hi))


def _sum1(v: np.ndarray, ballots: list[str], nd: int = 4) -> dict[str, float]:
    """Round to ``nd`` decimals keeping the sum exactly 1."""
    r = [round(float(x), nd) for x in v]
    r[-1] = round(1 - sum(r[:-1]), nd)
    return dict(zip(ballots, r))


def estimate_shares(counts: pd.DataFrame, election, prior_strength: float | str = "auto",
                    penetration: float | None = None, n_boot: int = 500, level: float = 0.95,
                    seed: int = 0) -> dict[str, Any]:
    """Vote shares per region and overall from supporter counts (columns region, candidate, n).

    Example
    -------
    >>> from suara.config import load_election
    >>> e = load_election("kaltim-2024")
    >>> c = pd.DataFrame({"region": ["6472", "6472"], "candidate": ["1", "2"], "n": [40, 60]})
    >>> r = estimate_shares(c, e, n_boot=50)
    >>> round(sum(r["overall"].values()), 6), r["regions"]["6472"]["2"] > 0.5
    (1.0, True)
    """
    ballots = list(election.ballots)
    codes = [r.code for r in election.regions]
    pen = election.online_penetration if penetration is None else penetration
    pen = 1.0 if pen is None else float(pen)
    dpt = np.array([float(r.dpt or 0) for r in election.regions]) if codes else np.zeros(0)
    c = counts.copy()
    c["candidate"] = c["candidate"].astype(str)
    c = c[c["candidate"].isin(ballots)]
    loc = c[c["region"].isin(codes)]
    M = np.zeros((len(codes), len(ballots)))
    for r in loc.itertuples():
        M[codes.index(r.region), ballots.index(r.candidate)] += r.n
    U = np.zeros(len(ballots))
    for r in c[~c["region"].isin(codes)].itertuples():
        U[ballots.index(r.candidate)] += r.n
    k_used = auto_prior_strength(M) if prior_strength == "auto" else float(prior_strength)
    if not codes:   # an election without regions: one pool
        codes_out: list[str] = []
        prov = (U + 0.5) / (U.sum() + 0.5 * len(ballots))
        reg, overall = np.zeros((0, len(ballots))), prov
    else:
        codes_out = codes
        reg, overall = _point(M, U, dpt, k_used, pen)
    out: dict[str, Any] = {"overall": _sum1(overall, ballots),
                           "regions": {code: _sum1(reg[i], ballots) for i, code in enumerate(codes_out)}}
    # bootstrap over accounts: resampling N supporters with replacement = a multinomial draw
    # over the (region, pair) cells, which is exact and needs no per-account loop
    N = int(M.sum() + U.sum())
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    if N > 0 and n_boot > 0:
        rng = np.random.default_rng(seed)
        cells = np.concatenate([M.ravel(), U]) / N
        draws = rng.multinomial(N, cells, size=n_boot)
        bM = draws[:, :M.size].reshape(n_boot, *M.shape)
        bU = draws[:, M.size:]
        if codes_out:
            breg, bov = _point(bM, bU, dpt, k_used, pen)
        else:
            breg = np.zeros((n_boot, 0, len(ballots)))
            bov = (bU + 0.5) / (bU.sum(axis=1, keepdims=True) + 0.5 * len(ballots))
        q_ov = np.quantile(bov, [lo_q, hi_q], axis=0)
        q_reg = np.quantile(breg, [lo_q, hi_q], axis=0)
        out["interval"] = {
            "level": level, "method": f"bootstrap over supporter accounts ({n_boot} resamples)",
            "overall": {b: [round(float(q_ov[0, j]), 4), round(float(q_ov[1, j]), 4)] for j, b in enumerate(ballots)},
            "regions": {code: {b: [round(float(q_reg[0, i, j]), 4), round(float(q_reg[1, i, j]), 4)]
                               for j, b in enumerate(ballots)} for i, code in enumerate(codes_out)}}
    else:
        out["interval"] = {"level": level, "method": "no supporters: no interval",
                           "overall": {b: [0.0, 1.0] for b in ballots},
                           "regions": {code: {b: [0.0, 1.0] for b in ballots} for code in codes_out}}
    total_dpt = float(dpt.sum()) or 1.0
    out["supporters"] = {
        "total": N, "located": int(M.sum()), "unlocated": int(U.sum()),
        "by_pair": {b: int(M[:, j].sum() + U[j]) for j, b in enumerate(ballots)},
        "by_region": {code: {b: int(M[i, j]) for j, b in enumerate(ballots)} for i, code in enumerate(codes_out)}}
    out["coverage"] = {
        "online_penetration": pen,
        "regions": {code: {"supporters": int(M[i].sum()), "dpt": int(dpt[i]),
                           "online_voters": int(dpt[i] * pen),
                           "per_10k_online_voters": round(1e4 * M[i].sum() / (dpt[i] * pen), 2) if dpt[i] else None,
                           "dpt_weight": round(dpt[i] / total_dpt, 4)}
                    for i, code in enumerate(codes_out)}}
    out["parameters"] = {"prior_strength": prior_strength, "prior_strength_used": round(k_used, 2),
                         "penetration": pen, "n_boot": n_boot, "seed": seed}
    return out


def _trust(res: dict) -> dict[str, Any]:
    n = res["supporters"]["total"]
    width = max((hi - lo for hi, lo in ((v[1], v[0]) for v in res["interval"]["overall"].values())), default=1.0)
    if n < 200 or width > 0.15:
        level = "low"
    elif n < 2000 or width > 0.06:
        level = "medium"
    else:
        level = "moderate"   # never "high": the biases in the caveats are not measured by the interval
    return {"level": level, "supporters": n, "interval_width": round(width, 4)}


def forecast(ws, prior_strength: float | str = "auto", n_boot: int = 500, seed: int = 0, filtered: bool = True,
             unfiltered: bool = True) -> dict[str, Any]:
    """The forecast document (see module doc); ``unfiltered`` adds the same estimate without
    buzzer removal, side by side.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> sorted(forecast(ws, n_boot=10))[:4]
    ['caveats', 'caveats_id', 'coverage', 'filtered']
    """
    e = ws.election
    res = estimate_shares(supporter_counts(ws, filtered=filtered), e, prior_strength=prior_strength,
                          n_boot=n_boot, seed=seed)
    res["filtered"] = filtered
    if unfiltered and filtered:
        u = estimate_shares(supporter_counts(ws, filtered=False), e, prior_strength=prior_strength,
                            n_boot=0, seed=seed)
        res["unfiltered"] = {"overall": u["overall"], "regions": u["regions"], "supporters": u["supporters"]["total"]}
    res["trust"] = _trust(res)
    res["caveats"] = CAVEATS_EN
    res["caveats_id"] = CAVEATS_ID
    res["method"] = ("Ibrahim et al. (2015): buzzers removed, distinct positive supporters per pair and region, "
                     "shrunk to the provincial share (pseudo-count prior_strength), offline share assumed "
                     "provincial, regions weighted by DPT; bootstrap interval over accounts")
    return res


def forecast_section(ws) -> dict[str, Any]:
    """`suara analyse` section ``forecast``.

    Example
    -------
    >>> import suara, tempfile
    >>> forecast_section(suara.init(tempfile.mkdtemp()))["overall"]
    {'1': 0.5, '2': 0.5}
    """
    return forecast(ws)


def mae(pred: dict[str, dict[str, float]], truth: dict[str, dict[str, float]]) -> float:
    """Mean absolute error (in share points, 0..1) over regions x pairs present in both.

    Example
    -------
    >>> mae({"a": {"1": 0.5, "2": 0.5}}, {"a": {"1": 0.4, "2": 0.6}})
    0.1
    """
    errs = [abs(pred[r][b] - truth[r][b]) for r in pred if r in truth for b in pred[r] if b in truth[r]]
    return round(float(np.mean(errs)), 6) if errs else float("nan")


@register
class Forecast(Section):
    """Experimental vote-share estimate from filtered supporter accounts, with intervals."""

    id = "forecast"
    title = "forecast.title"
    explain = "forecast.explain"
    requires = ("posts", "accounts", "mentions", "enrichments", "account_regions", "account_scores")
    pages = ("mobilisasi",)

    def compute(self, ws, **options) -> dict[str, Any]:
        return forecast_section(ws)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        import plotly.graph_objects as go
        f, e = result, election
        t, ui = texts("forecast", lang), texts("ui", lang)
        en = lang == "en"
        col = colours(e)
        ballots = list(e.ballots)
        fig = go.Figure()
        for b in ballots:
            lo, hi = f["interval"]["overall"][b]
            v = f["overall"][b]
            fig.add_bar(x=[pair_label(e, b)], y=[v], marker_color=col.get(b), name=pair_label(e, b),
                        error_y=dict(type="data", symmetric=False, array=[hi - v], arrayminus=[v - lo]))
        fig.update_layout(title=t["overall"], yaxis_tickformat=".0%", showlegend=False)
        fig2 = go.Figure()
        names = {r.code: r.name for r in e.regions}
        codes = list(f["regions"])
        for b in ballots:
            fig2.add_bar(x=[names.get(c, c) for c in codes], y=[f["regions"][c][b] for c in codes],
                         name=pair_label(e, b), marker_color=col.get(b))
        fig2.update_layout(barmode="stack", yaxis_tickformat=".0%", title=t["by_region"])
        rows = [[names.get(c, c), *[pct(f["regions"][c][b]) for b in ballots],
                 *[f"{pct(f['interval']['regions'][c][b][0])}–{pct(f['interval']['regions'][c][b][1])}"
                   for b in ballots[:1]],
                 f["supporters"]["by_region"].get(c, {}) and sum(f["supporters"]["by_region"][c].values())]
                for c in codes]
        trust = f.get("trust", {})
        cav = f["caveats"] if en else f.get("caveats_id", f["caveats"])
        rep = ("report",)
        blocks = [{"type": "text", "faces": rep,
                   "text": f"{t['trust']}: {trust.get('level', '?')} ({formats.integer(trust.get('supporters', 0))} {t['counted']})"}]
        unf = f.get("unfiltered")
        if unf:
            blocks.append({"type": "text", "faces": rep, "text": t["unfiltered"] + ", ".join(
                f"{pair_label(e, b)} {pct(unf['overall'][b])}" for b in ballots)})
        blocks += [{"type": "chart", "faces": rep, "figure": figure(fig)},
                   {"type": "chart", "faces": rep, "figure": figure(fig2)},
                   {"type": "table", "faces": rep,
                    "columns": [t["region"], *[pair_label(e, b) for b in ballots], f"95% {pair_label(e, ballots[0])}",
                                t["supporters"]], "rows": rows},
                   {"type": "text", "style": "list", "faces": rep, "items": list(cav)}]
        if f.get("overall"):
            iv = (f.get("interval") or {}).get("overall") or {}
            kp = [{"value": _p(v), "label": f"{pair_label(e, b)} · {ui['forecast']}"
                   + (f" ({_p(iv[b][0])}–{_p(iv[b][1])})" if b in iv else "")} for b, v in f["overall"].items()]
            web_rows = [[{"text": names.get(code, code), "href": posts_link(region=code)}]
                        + [_p(v.get(c.ballot)) for c in e.candidates] for code, v in (f.get("regions") or {}).items()]
            blocks.append({"type": "kpis", "id": "forecast", "title": ui["forecast"], "faces": ("web",),
                           "explain": ui["forecast_explain"] + " " + " ".join(map(str, cav))[:600], "items": kp})
            blocks.append({"type": "table", "faces": ("web",),
                           "columns": [ui["region"]] + [pair_label(e, c.ballot) for c in e.candidates], "rows": web_rows})
        return blocks


_p = formats.percent_cell
