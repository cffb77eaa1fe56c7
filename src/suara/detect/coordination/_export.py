"""Outputs users load elsewhere: network profiles, Gephi edge table, CooRTweet-shaped traces."""
from __future__ import annotations

import json
from pathlib import Path

import ibis
import pandas as pd

from suara.detect.coordination._traces import KINDS

EDGE_COLUMNS = ["source_platform", "source_account", "target_platform", "target_account", "weight",
                "symmetry", "similarity", "shared_tokens", "co_events", "scale", "strength", "mean_dt", *[f"n_{k}" for k in KINDS],
                "first", "last", "cluster"]
NETWORK_COLUMNS = ["cluster", "size", "candidate", "stance", "stance_method", "platforms",
                   "first_activity", "last_activity", "followers_reach", "views_reach", "posts",
                   "hashtags", "narratives", "sample_posts", "members"]


def gephi_edges(edges: pd.DataFrame) -> pd.DataFrame:
    """The edges as Gephi's spreadsheet import reads them: ``Source`` and ``Target``
    (``platform:account_id``, the GEXF node ids), ``Weight`` (the edge strength 0..1),
    ``Type`` (Undirected), then the evidence columns (``co_objects`` = distinct objects the
    pair acted on within the window).

    >>> e = pd.DataFrame([dict(source_platform="x", source_account="a", target_platform="x",
    ...                        target_account="b", weight=3, strength=0.3)])
    >>> gephi_edges(e.reindex(columns=EDGE_COLUMNS)).columns[:5].tolist()
    ['Source', 'Target', 'Weight', 'Type', 'source_platform']
    """
    e = edges.reindex(columns=EDGE_COLUMNS)
    out = pd.DataFrame({"Source": e["source_platform"].astype(str) + ":" + e["source_account"].astype(str),
                        "Target": e["target_platform"].astype(str) + ":" + e["target_account"].astype(str),
                        "Weight": e["strength"], "Type": "Undirected"})
    return pd.concat([out, e.rename(columns={"weight": "co_objects"})], axis=1)


def coortweet(traces: pd.DataFrame | None) -> pd.DataFrame:
    """CooRTweet's input shape: one row per account acting on a shared object.
    ``account_id`` is ``platform:account_id``, ``object_id`` the shared object (normalised
    link, near-duplicate text cluster, hashtag set, post commented on or shared, account
    replied to), ``content_id`` the post, ``timestamp_share`` epoch seconds.

    >>> t = pd.DataFrame({"platform": ["x", "x"], "account_id": ["a", "b"], "kind": ["link"] * 2,
    ...                   "obj": ["l:s.id/k"] * 2, "ts": [10, 20], "post_id": ["1", "2"]})
    >>> coortweet(t).values.tolist()
    [['x:a', 'l:s.id/k', 'x:1', 10], ['x:b', 'l:s.id/k', 'x:2', 20]]
    """
    cols = ["account_id", "object_id", "content_id", "timestamp_share"]
    if traces is None or traces.empty:
        return pd.DataFrame(columns=cols)
    t = traces
    return pd.DataFrame({"account_id": t["platform"].astype(str) + ":" + t["account_id"].astype(str),
                         "object_id": t["obj"].astype(str),
                         "content_id": t["platform"].astype(str) + ":" + t["post_id"].astype(str),
                         "timestamp_share": t["ts"].astype("int64")})[cols] \
        .sort_values(["object_id", "timestamp_share", "account_id"]).reset_index(drop=True)


def _top(values: pd.Series, n: int) -> pd.Series:
    """The ``n`` most frequent values, ties broken by value: the same on every engine, whatever
    order the rows arrived in (``value_counts`` keeps arrival order among ties)."""
    vc = values.value_counts()
    if not len(vc):
        return vc
    df = vc.rename_axis("v").reset_index(name="n").sort_values(["n", "v"], ascending=[False, True])
    return pd.Series(df["n"].to_numpy(), index=df["v"].to_numpy()).head(n)


def _safe_csv(df: pd.DataFrame, path: Path) -> None:
    # spreadsheet formula injection (= + - @, tab, CR and their full-width forms): the one
    # neutraliser every Suara CSV goes through; written atomically
    from suara.store.export import write_csv
    write_csv(df, path)


def profile_networks(ws, posts, accounts, cp, edges_out) -> pd.DataFrame:
    nets = accounts[accounts["cluster"].notna()]
    if nets.empty:
        return pd.DataFrame(columns=NETWORK_COLUMNS)
    mem = ibis.memtable(nets[["platform", "account_id", "cluster"]].rename(
        columns={"platform": "mplat", "account_id": "macct"}))
    mp = posts.inner_join(mem, [posts.platform == mem.mplat, posts.account_id == mem.macct])
    mp = mp.select("platform", "account_id", "post_id", "cluster", "ts", "text", "hashtags", "views",
                   "likes", "shares", "kind").execute()
    cp = cp.merge(mp[["platform", "post_id", "cluster"]], on=["platform", "post_id"])
    rows = []
    for cl, members in nets.groupby("cluster", sort=True):
        p = mp[mp["cluster"] == cl]
        tags = _top(p["hashtags"].explode().dropna().astype(str).str.lower(), 10)
        texts = p[p["kind"] != "share"]["text"].dropna()
        narr = _top(texts.str.strip(), 5)
        c = cp[cp["cluster"] == cl]
        cand = stance = method = None
        if len(c):
            method = c["method"].iloc[0]
            d = c[c["direction"] != "mention"]
            if len(d):
                top = d.groupby(["candidate", "direction"]).size().reset_index(name="n")
                top = top.sort_values(["n", "candidate", "direction"], ascending=[False, True, True])
                cand, stance = top["candidate"].iloc[0], top["direction"].iloc[0]
            else:
                cand, stance = _top(c["candidate"], 1).index[0], "unknown"
        ecl = edges_out[edges_out["cluster"] == cl]
        first = ecl["first"].min() if len(ecl) else pd.to_datetime(p["ts"].min(), unit="s")
        last = ecl["last"].max() if len(ecl) else pd.to_datetime(p["ts"].max(), unit="s")
        sample = p.sort_values(["shares", "likes", "post_id"], ascending=[False, False, True])
        sample = sample.drop_duplicates("text").head(5)
        rows.append({
            "cluster": cl, "size": len(members), "candidate": cand, "stance": stance,
            "stance_method": method,
            "platforms": ",".join(sorted(members["platform"].unique())),
            "first_activity": first, "last_activity": last,
            "followers_reach": int(pd.to_numeric(members["followers"], errors="coerce").fillna(0).sum()),
            "views_reach": int(pd.to_numeric(p["views"], errors="coerce").fillna(0).sum()),
            "posts": int(len(p)),
            "hashtags": json.dumps(tags.index.tolist(), ensure_ascii=False),
            "narratives": json.dumps([{"text": t[:280], "posts": int(n)} for t, n in narr.items()],
                                     ensure_ascii=False),
            "sample_posts": json.dumps([{"platform": r.platform, "post_id": r.post_id,
                                         "text": (r.text if isinstance(r.text, str) else "")[:280]} for r in sample.itertuples()],
                                       ensure_ascii=False),
            "members": json.dumps([f"{r.platform}:{r.account_id}" for r in members.itertuples()]),
        })
    return pd.DataFrame(rows, columns=NETWORK_COLUMNS)
