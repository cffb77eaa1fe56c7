"""Influencers and public figures: who moves the conversation (engagement, estimated reach,
PageRank in the reply/mention/share network), their stance toward each pair, account type,
and rising voices. Citizens are pseudonymised.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> influencers_section(ws)["all"]["top"]
[]
"""
from __future__ import annotations

import contextlib
from typing import Any

import ibis
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.accounts import account_profiles, account_stances, flagged_accounts, interaction_edges
from suara.analyse.base import (ORGANIC_REACH, VIEWS, candidate_mentions, flagged, import_igraph, memo, objcols,
                                 safe_float)
from suara.analyse.privacy import Pseudonymiser, is_public
from suara.analyse.section import Section, figure, posts_link, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["influencers_section", "Influencers"]


def _pagerank(n_codes: int, src: np.ndarray, dst: np.ndarray, n: np.ndarray) -> np.ndarray:
    """PageRank of every account in the directed, weighted edge list (``src``/``dst``: account
    codes below ``n_codes``, ``n``: weights), as an array indexed by account code (0 where an
    account has no edge); scaled so that 1.0 is an average node.

    Self-loops are dropped. Nodes are numbered in order of first appearance among the
    sources, then the destinations, and the edges keep their order: the graph is the same,
    node for node, as one built from "platform:id" text, so the figures are the same bits."""
    out = np.zeros(n_codes, dtype="float64")
    keep = src != dst
    src, dst, n = src[keep], dst[keep], n[keep]
    if not len(src):
        return out
    ig = import_igraph()
    m = len(src)
    codes, names = pd.factorize(np.concatenate([src, dst]))
    g = ig.Graph(n=len(names), directed=True)
    g.add_edges(np.column_stack([codes[:m], codes[m:]]))
    with _one_thread():
        pr = np.asarray(g.pagerank(weights=n.astype(float).tolist(), directed=True), dtype="float64")
    out[names] = pr * len(names)
    return out


def _one_thread():
    """igraph's PageRank (PRPACK) on one OpenMP thread: a campaign's graph takes ~10 ms on
    one, while two threads that wait on each other took up to half a second on a busy
    machine, and their sums come out in a varying order (the last digits changed from one
    call to the next)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:   # installed with scikit-learn; without it, igraph's own threads
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="openmp")


def _rank_pct(s: pd.Series) -> pd.Series:
    return s.rank(pct=True, method="average") if len(s) else s


#: per view, the columns of the 7-day windows in :func:`_accounts` (suffix ``_a``: all
#: accounts, ``_f``: flagged accounts removed, each with its own last post time)
_WINDOWED = ("eng_last7", "eng_prev7", "posts_last7", "last")


def _accounts(ws) -> ibis.Table:
    """Posts that mention a pair, per account (platform, account_id): posts, engagement,
    estimated reach as whole views and followers (so that sums are exact), whether the
    author is flagged, and for each view the engagement and posts of the 7 days up to the
    view's last post and of the 7 days before — one query for both views (an unflagged
    account's posts are the same in both; only the last post time differs)."""
    t = candidate_mentions(ws, False)
    a = ws.store.table("accounts").select("platform", "account_id", "followers")
    fl = flagged(ws).distinct().mutate(_fl=ibis.literal(1))
    t2 = t.left_join(a, ["platform", "account_id"])
    t2 = t2.drop(*[c for c in t2.columns if c.endswith("_right")])
    t2 = t2.left_join(fl, ["platform", "account_id"])
    t2 = t2.drop(*[c for c in t2.columns if c.endswith("_right")])
    seen = ibis.coalesce(t2.views, 0) > 0
    t2 = t2.mutate(rv=seen.ifelse(t2.views, 0), rf=seen.ifelse(0, ibis.coalesce(t2.followers, 0)))
    pp = t2.group_by(["platform", "account_id", "post_id"]).aggregate(
        eng=t2.eng.max(), rv=t2.rv.max(), rf=t2.rf.max(), created_at=t2.created_at.max(), fl=t2._fl.max())
    whole = ibis.window()
    pp = pp.mutate(last_a=pp.created_at.max().over(whole),
                   last_f=pp.fl.isnull().ifelse(pp.created_at, ibis.null(pp.created_at.type())).max().over(whole))
    figures = {}
    for v in ("a", "f"):
        last = pp[f"last_{v}"]
        lo7, lo14 = last - ibis.interval(days=7), last - ibis.interval(days=14)
        new, prev = pp.created_at > lo7, (pp.created_at > lo14) & (pp.created_at <= lo7)
        figures.update({f"eng_last7_{v}": new.ifelse(pp.eng, 0).sum(),
                        f"eng_prev7_{v}": prev.ifelse(pp.eng, 0).sum(),
                        f"posts_last7_{v}": new.ifelse(1, 0).sum(), f"last_{v}": last.max()})
    return pp.group_by(["platform", "account_id"]).aggregate(
        posts=pp.count(), engagement=pp.eng.sum(), rv=pp.rv.sum(), rf=pp.rf.sum(), flagged=pp.fl.max(),
        **figures)


def _run(ws) -> dict[str, Any]:
    """What both views read, made once per run: the per-account figures (:func:`_accounts`),
    the interaction edges, the profiles, and every account (platform, id) as one whole number
    (``code``) shared by all of them, so that joins, filters and PageRank work on numbers."""
    def build() -> dict[str, Any]:
        acc = objcols(_accounts(ws).execute())
        acc["account_id"] = acc.account_id.astype(str).astype(object)
        ie = interaction_edges(ws)
        edges = objcols(ie.group_by(["platform", "src", "dst"]).aggregate(n=ie.n.sum()).execute())
        fl = flagged_accounts(ws)
        prof = account_profiles(ws)[["platform", "account_id", "type", "display", "followers"]]
        parts = [(acc.platform, acc.account_id), (edges.platform, edges.src), (edges.platform, edges.dst),
                 (prof.platform, prof.account_id), (fl.platform, fl.account_id)]
        sizes = np.cumsum([0, *(len(p) for p, _ in parts)])
        # one factorisation of all the (platform, id) pairs; every id column holds text already
        # (the engine's strings, or made so above and in account_profiles)
        pc, _ = pd.factorize(np.concatenate([p.to_numpy(dtype=object) for p, _ in parts]), use_na_sentinel=False)
        ic, _ = pd.factorize(np.concatenate([i.to_numpy(dtype=object) for _, i in parts]), use_na_sentinel=False)
        code, _ = pd.factorize(pc.astype("int64") * (int(ic.max(initial=0)) + 1) + ic)
        code = [code[sizes[k]:sizes[k + 1]] for k in range(len(parts))]
        n_codes = int(max((int(c.max(initial=-1)) for c in code), default=-1)) + 1
        prow = np.full(n_codes, -1, dtype="int64")
        prow[code[3]] = np.arange(len(prof))
        types = np.full(n_codes, "citizen", dtype=object)
        ptype = prof["type"].to_numpy(dtype=object)
        types[code[3]] = np.where(pd.isna(ptype), "citizen", ptype)
        type_code, type_names = pd.factorize(types)
        bad = np.zeros(n_codes, dtype=bool)
        bad[code[4]] = True
        acc["_code"] = code[0]
        return {"acc": acc, "src": code[1], "dst": code[2], "n": edges.n.to_numpy(), "n_codes": n_codes,
                "prow": prow, "types": types, "type_code": type_code, "type_names": list(type_names), "bad": bad,
                "prof": {c: prof[c].to_numpy(dtype=object) for c in ("type", "display", "followers")},
                "pagerank": {}}
    return memo(ws, ("influencer_run",), build, copy=False)


def _view_pagerank(run: dict, filtered: bool) -> np.ndarray:
    """PageRank per account code for one view: the filtered view drops the edges of flagged
    accounts; when none of its edges touches one, the graph is the same and so is PageRank."""
    src, dst, n = run["src"], run["dst"], run["n"]
    keep = None
    if filtered and len(src):
        keep = ~(run["bad"][src] | run["bad"][dst])
        if keep.all():
            keep = None
    key = "all" if keep is None else "filtered"
    if key not in run["pagerank"]:
        if keep is not None:
            src, dst, n = src[keep], dst[keep], n[keep]
        run["pagerank"][key] = _pagerank(run["n_codes"], src, dst, n)
    return run["pagerank"][key]


def _influencers_view(ws, filtered: bool, top: int, run: dict) -> dict[str, Any]:
    base = run["acc"]
    v = "f" if filtered else "a"
    if filtered:
        base = base[base.flagged.isnull().to_numpy()]
    last = base[f"last_{v}"].max() if len(base) else None
    if last is None or pd.isna(last):
        return {"top": [], "rising": [], "by_type": {}}
    acc = pd.DataFrame({"platform": base.platform, "account_id": base.account_id, "posts": base.posts,
                        "engagement": base.engagement,
                        **{c: base[f"{c}_{v}"] for c in _WINDOWED if c != "last"},
                        "reach": base.rv.astype("float64") + base.rf.astype("float64") * ORGANIC_REACH,
                        "_code": base._code}).reset_index(drop=True)
    codes = acc._code.to_numpy()
    acc["pagerank"] = _view_pagerank(run, filtered)[codes]
    acc["influence"] = (0.4 * _rank_pct(acc.engagement) + 0.3 * _rank_pct(acc.reach)
                        + 0.3 * _rank_pct(acc.pagerank))
    # ties in a fixed order (platform, account), whatever order the engine returned; only the
    # accounts at or above the top-th influence can be among the top, so only they are sorted
    infl = acc.influence.to_numpy()
    cand = acc
    if len(acc) > top > 0 and not np.isnan(infl).any():
        cand = acc[infl >= np.partition(infl, len(infl) - top)[len(infl) - top]]
    topdf = cand.sort_values(["influence", "engagement", "platform", "account_id"],
                             ascending=[False, False, True, True]).head(top)
    ris = acc[(acc.posts_last7 >= 2) & (acc.eng_last7 >= 10)].copy()
    ris["growth"] = (ris.eng_last7 + 1) / (ris.eng_prev7 + 1)
    ris = ris[ris.growth >= 2].copy()
    ris["rise"] = ris.growth.clip(upper=50) * np.log1p(ris.eng_last7)
    ris = ris.sort_values(["rise", "platform", "account_id"], ascending=[False, True, True]).head(10)
    # profiles and stances only for the accounts shown
    shown = set(zip(topdf.platform, topdf.account_id)) | set(zip(ris.platform, ris.account_id))
    st = account_stances(ws, filtered)
    ids = {i for _, i in shown}
    st = st[st.account_id.isin(ids).to_numpy()]
    st = st[[k in shown for k in zip(st.platform.tolist(), st.account_id.tolist())]]
    # pairs in ballot order: the engine returns the stances in any order (two runs listed an
    # account's pairs differently)
    st = st.sort_values(["platform", "account_id", "candidate"], kind="mergesort")
    stance: dict = {}
    for r in st.itertuples(index=False):
        stance.setdefault((r.platform, r.account_id), {})[str(r.candidate)] = {
            "mentions": int(r.n), "sentiment": safe_float(r.ms, 3), "stance": r.stance}
    ps = Pseudonymiser(ws)

    def decorate(df):
        # each account's profile row by its code (a left join: none when it has no profile)
        rows = run["prow"][df._code.to_numpy()]
        have = rows >= 0
        df = df.copy()
        for c in ("type", "display", "followers"):
            df[c] = np.where(have, run["prof"][c][rows], np.nan)
        df["type"] = df["type"].fillna("citizen")
        df["display"] = [d if isinstance(d, str) else ps("citizen", p, i, None)
                         for d, p, i in zip(df.display, df.platform, df.account_id)]
        return df

    def rec(r):
        return {"account": r.display, "platform": r.platform, "type": r.type,
                "named": is_public(r.type),
                # what the posts explorer's account filter takes: the public id, or the pseudonym
                "ref": str(r.account_id) if is_public(r.type) else ps("citizen", r.platform, r.account_id, None),
                "followers": None if r.followers is None or r.followers != r.followers else int(r.followers),
                "posts": int(r.posts), "engagement": int(r.engagement),
                "estimated_reach": int(r.reach or 0), "pagerank": safe_float(r.pagerank, 3),
                "influence": safe_float(r.influence, 3),
                "toward": stance.get((r.platform, r.account_id), {})}
    rising = []
    for r in decorate(ris).itertuples(index=False):
        d = rec(r)
        d.update({"engagement_last7": int(r.eng_last7), "engagement_prev7": int(r.eng_prev7),
                  "growth": safe_float(r.growth, 2)})
        rising.append(d)
    return {"top": [rec(r) for r in decorate(topdf).itertuples(index=False)], "rising": rising,
            "by_type": _by_type(acc, codes, run)}


def _by_type(acc: pd.DataFrame, codes: np.ndarray, run: dict) -> dict[str, dict[str, Any]]:
    """Accounts and engagement per account type, types in name order: counted over the run's
    type codes (a handful) rather than grouped by type text over every account."""
    eng = acc.engagement.to_numpy()
    if eng.dtype.kind not in "iu":   # engagement with gaps: pandas' sums
        by = acc.assign(type=run["types"][codes]).groupby("type").agg(
            accounts=("account_id", "size"), engagement=("engagement", "sum"))
        rows = [(k, r.accounts, r.engagement) for k, r in by.iterrows()]
    else:
        tc, names = run["type_code"][codes], run["type_names"]
        n = np.bincount(tc, minlength=len(names))
        # whole numbers, exact below 2**53
        e = np.bincount(tc, weights=eng.astype("float64"), minlength=len(names)).astype("int64")
        rows = [(names[k], n[k], e[k]) for k in sorted(np.flatnonzero(n), key=lambda k: names[k])]
    tot = sum(e for _, _, e in rows) if rows else 0
    return {k: {"accounts": int(a), "engagement": int(e), "engagement_share": safe_float(e / tot if tot else 0)}
            for k, a, e in rows}


def influencers_section(ws, top: int = 25) -> dict[str, Any]:
    """The ``influencers`` section: top accounts by influence (0.4 x engagement percentile +
    0.3 x estimated reach percentile + 0.3 x PageRank percentile in the reply/mention/share
    network), their stance and mean sentiment toward each pair, type, and rising voices
    (engagement in the last 7 days at least twice the 7 days before). Citizens are
    pseudonymised. Twice: all and filtered (flagged accounts and their edges removed).

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> influencers_section(ws)["all"]["top"]
    []
    """
    run = _run(ws)
    return {v: _influencers_view(ws, v == "filtered", top, run) for v in VIEWS}


def _toward(d: dict) -> str:
    return ", ".join(f"{b}: {label('st', v['stance'])} ({formats.signed(v['sentiment'])})" for b, v in d.items()
                     if v.get("sentiment") is not None)


_num = formats.number


@register
class Influencers(Section):
    """Top accounts by influence, rising voices, engagement by account type."""

    id = "influencers"
    title = "brand.inf"
    explain = "brand.inf_explain"
    requires = ("posts", "accounts", "mentions", "enrichments", "account_scores")
    options = {"top": 25}
    pages = ("influencer",)

    def compute(self, ws, top: int = 25) -> dict[str, Any]:
        return influencers_section(ws, top=top)

    def render(self, result: dict, lang: str = "id", election=None) -> list[dict]:
        t, ui = texts("brand", lang), texts("ui", lang)
        f = result["filtered"]
        rep = ("report",)
        bt = result["all"].get("by_type", {})
        fig = go.Figure(go.Pie(labels=list(bt), values=[v["engagement"] for v in bt.values()], hole=0.45))
        fig.update_layout(title=f"{t['inter']} / {t['type']} ({t['all']})")
        blocks = [
            {"type": "text", "text": f"({t['nobuzz']})", "faces": rep},
            {"type": "table", "faces": rep,
             "columns": [t["account"], "platform", t["type"], t["inter"], "reach", "PageRank", t["influence"], t["toward"]],
             "rows": [[r["account"], r["platform"], ui.get(f"enum_{r['type']}", r["type"]), formats.integer(r['engagement']),
                       formats.integer(r['estimated_reach']), formats.decimal(r["pagerank"], digits=4),
                       formats.decimal(r["influence"]), _toward(r["toward"])] for r in f.get("top", [])[:15]]},
            {"type": "table", "title": t["rising"], "faces": rep,
             "columns": [t["account"], t["type"], t["inter"], t["growth"]],
             "rows": [[r["account"], ui.get(f"enum_{r['type']}", r["type"]), formats.integer(r['engagement_last7']),
                       formats.ratio(r['growth'])]
                      for r in f.get("rising", [])]},
            {"type": "chart", "figure": figure(fig), "faces": rep}]
        inf = result.get("all") or {}
        web = {"faces": ("web",)}
        for key, title in (("top", ui["top_influencers"]), ("rising", ui["rising"])):
            items = inf.get(key) or []
            if not items:
                continue
            blocks.append({"type": "table", "id": f"influencers-{key}", "title": title, "explain": ui["influence_explain"],
                           "csv": f"/api/v1/analysis/influencers.csv?part=all&sub={key}", **web,
                           "columns": [ui["author"], ui["platform"], ui["type"], ui["followers"], ui["n_posts"],
                                       ui["engagement"], ui["reach"], texts("brand", lang)["influence"], ui["stance"]],
                           "rows": [[r.get("account"), r.get("platform"), ui.get(f"enum_{r.get('type')}", r.get("type")),
                                     _num(r.get("followers")),
                                     {"text": _num(r.get("posts")), "href": posts_link(
                                         platform=r.get("platform"), account=r.get("ref") or r.get("account"),
                                         candidate="any")},
                                     _num(r.get("engagement")), _num(r.get("estimated_reach")), _num(r.get("influence")),
                                     "; ".join(f"{_cname(election, b)}: {label('st', v.get('stance'), lang)}"
                                               for b, v in (r.get("toward") or {}).items())] for r in items]})
        if bt:
            blocks.append({"type": "table", "id": "by-type", "title": ui["by_type"], "explain": ui["by_type_explain"],
                           "columns": [ui["type"], ui["accounts"], ui["engagement"], ui["share"]], **web,
                           "rows": [[ui.get(f"enum_{k}", k), _num(v.get("accounts")), _num(v.get("engagement")),
                                     formats.percent(v['engagement_share']) if isinstance(v.get("engagement_share"), (int, float))
                                     else ""] for k, v in bt.items()]})
        return blocks


def _cname(election, ballot) -> str:
    from suara.analyse.base import pair_label
    return pair_label(election, str(ballot))
