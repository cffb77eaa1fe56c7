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

from typing import Any

import ibis
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from suara.analyse.accounts import account_profiles, account_stances, interaction_edges
from suara.analyse.base import (ORGANIC_REACH, VIEWS, candidate_mentions, flagged, import_igraph, memo, objcols,
                                 safe_float)
from suara.analyse.privacy import Pseudonymiser, is_public
from suara.analyse.section import Section, figure, posts_link, register
from suara.analyse.wording import label
from suara.config import formats
from suara.config.i18n import texts

__all__ = ["influencers_section", "Influencers"]


def _pagerank(edges: pd.DataFrame) -> dict[tuple[str, str], float]:
    """PageRank of each (platform, account_id) in the directed, weighted edge list
    (platform, src, dst, n); scaled so that 1.0 is an average node."""
    ig = import_igraph()
    if not len(edges):
        return {}
    e = edges
    if "kind" in e.columns:
        e = e.groupby(["platform", "src", "dst"], as_index=False)["n"].sum()
    e = e[e.src != e.dst]
    if not len(e):
        return {}
    plat = e.platform.to_numpy().astype(str)
    # numpy string keys: ~5x faster to build and factorise than tuples at 250k edges
    keys = np.char.add(np.char.add(np.concatenate([plat, plat]), "\x1f"),
                       np.concatenate([e.src.to_numpy(), e.dst.to_numpy()]).astype(str))
    codes, names = pd.factorize(keys)
    m = len(e)
    g = ig.Graph(n=len(names), edges=np.column_stack([codes[:m], codes[m:]]).tolist(), directed=True)
    pr = g.pagerank(weights=e.n.astype(float).tolist(), directed=True)
    n = len(names)
    return {tuple(k.split("\x1f", 1)): v * n for k, v in zip(names.tolist(), pr)}


def _rank_pct(s: pd.Series) -> pd.Series:
    return s.rank(pct=True, method="average") if len(s) else s


def _per_post(ws) -> pd.DataFrame:
    """Posts that mention a pair, per (platform, account, post): engagement, estimated reach
    (as whole views and followers, so that sums are exact), time, and whether the author is
    flagged — one query for both views (an account's posts are the same in both)."""
    def build() -> pd.DataFrame:
        t = candidate_mentions(ws, False)
        a = ws.store.table("accounts").select("platform", "account_id", "followers")
        fl = flagged(ws).distinct().mutate(_fl=ibis.literal(1))
        t2 = t.left_join(a, ["platform", "account_id"])
        t2 = t2.drop(*[c for c in t2.columns if c.endswith("_right")])
        t2 = t2.left_join(fl, ["platform", "account_id"])
        t2 = t2.drop(*[c for c in t2.columns if c.endswith("_right")])
        seen = ibis.coalesce(t2.views, 0) > 0
        t2 = t2.mutate(rv=seen.ifelse(t2.views, 0), rf=seen.ifelse(0, ibis.coalesce(t2.followers, 0)))
        df = t2.group_by(["platform", "account_id", "post_id"]).aggregate(
            eng=t2.eng.max(), rv=t2.rv.max(), rf=t2.rf.max(), created_at=t2.created_at.max(),
            flagged=t2._fl.max()).execute()
        df["flagged"] = df.flagged.notnull()
        return objcols(df)
    return memo(ws, ("influencer_posts",), build, copy=False)


def _influencers_view(ws, filtered: bool, profiles: pd.DataFrame, top: int,
                      edges: pd.DataFrame) -> dict[str, Any]:
    per_post = _per_post(ws)
    if filtered:
        per_post = per_post[~per_post.flagged]
    last = per_post.created_at.max() if len(per_post) else None
    if last is None or last != last:
        return {"top": [], "rising": [], "by_type": {}}
    last = pd.Timestamp(last)
    lo7, lo14 = last - pd.Timedelta(days=7), last - pd.Timedelta(days=14)
    c = pd.to_datetime(per_post.created_at)
    new, prev = (c > lo7).to_numpy(), ((c > lo14) & (c <= lo7)).to_numpy()
    eng = per_post.eng.to_numpy()
    acc = per_post.assign(eng_last7=np.where(new, eng, 0), eng_prev7=np.where(prev, eng, 0),
                          posts_last7=new.astype("int64")).groupby(
        ["platform", "account_id"], sort=False, dropna=False).agg(
        posts=("post_id", "size"), engagement=("eng", "sum"), rv=("rv", "sum"), rf=("rf", "sum"),
        eng_last7=("eng_last7", "sum"), eng_prev7=("eng_prev7", "sum"),
        posts_last7=("posts_last7", "sum")).reset_index()
    acc["reach"] = acc.rv.astype("float64") + acc.rf.astype("float64") * ORGANIC_REACH
    acc = objcols(acc.drop(columns=["rv", "rf"]))
    if not len(acc):
        return {"top": [], "rising": [], "by_type": {}}
    acc["account_id"] = acc.account_id.astype(str).astype(object)
    if filtered and len(edges):
        fl = memo(ws, ("flagged_accounts",), lambda: objcols(flagged(ws).execute()), copy=False)
        bad = set(zip(fl.platform.tolist(), fl.account_id.astype(str).tolist()))
        if bad:
            keep = [(p, s) not in bad and (p, d) not in bad
                    for p, s, d in zip(edges.platform.tolist(), edges.src.tolist(), edges.dst.tolist())]
            edges = edges[keep]
    pr = _pagerank(edges)
    acc["pagerank"] = [pr.get((p, i), 0.0) for p, i in zip(acc.platform.tolist(), acc.account_id.tolist())]
    acc["influence"] = (0.4 * _rank_pct(acc.engagement) + 0.3 * _rank_pct(acc.reach)
                        + 0.3 * _rank_pct(acc.pagerank))
    # ties in a fixed order (platform, account), whatever order the engine returned
    topdf = acc.sort_values(["influence", "engagement", "platform", "account_id"],
                            ascending=[False, False, True, True]).head(top)
    ris = acc[(acc.posts_last7 >= 2) & (acc.eng_last7 >= 10)].copy()
    ris["growth"] = (ris.eng_last7 + 1) / (ris.eng_prev7 + 1)
    ris = ris[ris.growth >= 2].copy()
    ris["rise"] = ris.growth.clip(upper=50) * np.log1p(ris.eng_last7)
    ris = ris.sort_values(["rise", "platform", "account_id"], ascending=[False, True, True]).head(10)
    # profiles and stances only for the accounts shown
    shown = set(zip(topdf.platform, topdf.account_id)) | set(zip(ris.platform, ris.account_id))
    st = account_stances(ws, filtered)
    st = st[[k in shown for k in zip(st.platform.tolist(), st.account_id.tolist())]]
    stance: dict = {}
    for r in st.itertuples(index=False):
        stance.setdefault((r.platform, r.account_id), {})[str(r.candidate)] = {
            "mentions": int(r.n), "sentiment": safe_float(r.ms, 3), "stance": r.stance}
    prof = profiles[["platform", "account_id", "type", "display", "followers"]]
    ps = Pseudonymiser(ws)

    def decorate(df):
        df = df.merge(prof, on=["platform", "account_id"], how="left")
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
    types = profiles.set_index(["platform", "account_id"])["type"]
    acc["type"] = types.reindex(pd.MultiIndex.from_arrays([acc.platform, acc.account_id])).fillna(
        "citizen").to_numpy()
    by_type = acc.groupby("type").agg(accounts=("account_id", "size"), engagement=("engagement", "sum"))
    tot = by_type.engagement.sum()
    return {"top": [rec(r) for r in decorate(topdf).itertuples(index=False)], "rising": rising,
            "by_type": {k: {"accounts": int(r.accounts), "engagement": int(r.engagement),
                            "engagement_share": safe_float(r.engagement / tot if tot else 0)}
                        for k, r in by_type.iterrows()}}


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
    profiles = account_profiles(ws)
    ie = interaction_edges(ws)
    edges = objcols(ie.group_by(["platform", "src", "dst"]).aggregate(n=ie.n.sum()).execute())
    edges["src"] = edges.src.astype(str).astype(object)
    edges["dst"] = edges.dst.astype(str).astype(object)
    return {v: _influencers_view(ws, v == "filtered", profiles, top, edges) for v in VIEWS}


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
