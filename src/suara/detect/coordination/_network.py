"""Co-activity network: time windows, bucketed pair join, edge filters, Leiden communities."""
from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd

from suara.analyse.base import import_igraph
from suara.detect.coordination._traces import KINDS


def parse_window(value: str | int | None) -> int | None:
    """A co-activity window from the command line: seconds (``90``) or a number with a
    unit (``90s``, ``5m``, ``1h``); None or ``auto`` = estimate from the data.

    >>> parse_window("90"), parse_window("5m"), parse_window("1h"), parse_window("auto")
    (90, 300, 3600, None)
    >>> parse_window("soon")
    Traceback (most recent call last):
    ...
    ValueError: --window 'soon' is not a duration: use seconds (60) or 60s, 5m, 1h, or auto
    """
    import re
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", str(value).lower())
    if not m:
        raise ValueError(f"--window {value!r} is not a duration: use seconds (60) or 60s, 5m, 1h, or auto")
    secs = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    if secs < 1 or secs > 7 * 86400:
        raise ValueError(f"--window {value!r} is out of range: between 1 second and 7 days")
    return int(round(secs))


def estimate_window(traces: pd.DataFrame, q: float = 0.1, p: float = 0.5,
                    min_objects: int = 10, floor: int = 10, cap: int = 3600,
                    episode: int = 86400) -> int | None:
    """CooRnet's coordination interval in seconds, or None when too few objects.

    For every object acted on by two or more accounts, take the time from its first trace
    until it reached half of its traces (at least the second trace, so pairs do not
    trivially give 0). Among the fastest ``q`` share of objects, the ``p`` quantile of
    those times is the window, kept within [``floor``, ``cap``] seconds. Objects that recur
    (an account replied to all campaign long, a slogan reused for weeks) are split into
    ``episode``-second episodes (a day by default), each timed on its own; a link or a post
    shared in one burst is one episode, as in CooRnet.

    >>> t = pd.DataFrame({"obj": ["a"] * 4 + ["b"] * 4, "account": list("wxyz") * 2,
    ...                   "ts": [0, 5, 9, 100, 0, 60, 120, 200]})
    >>> estimate_window(t, q=1.0, min_objects=1, floor=1)
    32
    """
    if traces.empty:
        return None
    acc = "node" if "node" in traces.columns else "account"
    d = traces.assign(obj=traces["obj"].astype(str) + "|" + (traces["ts"] // episode).astype(str)) \
        if episode else traces
    d = d.sort_values(["obj", "ts"], kind="stable")
    g = d.groupby("obj", sort=False)
    n_acc = g[acc].transform("nunique")
    d = d[n_acc.to_numpy() >= 2]
    if d.empty:
        return None
    g = d.groupby("obj", sort=False)
    rank = g.cumcount().to_numpy()
    n = g["ts"].transform("size").to_numpy()
    first = g["ts"].transform("min").to_numpy()
    half = np.maximum(1, np.ceil(n / 2).astype(int) - 1)
    hit = rank == half
    t_half = pd.Series((d["ts"].to_numpy() - first)[hit])
    if len(t_half) < min_objects:
        return None
    k = max(1, int(math.ceil(q * len(t_half))))
    fastest = np.sort(t_half.to_numpy())[:k]
    w = float(np.quantile(fastest, p))
    return int(min(cap, max(floor, round(w))))


def co_activity(traces: pd.DataFrame, max_fanout: int = 200) -> tuple[ibis.Table, ibis.Table]:
    """Pairs of accounts acting on the same object within that object's window.

    ``traces`` has integer ``node`` and ``obj``, ``kind`` (index into KINDS), ``ts`` and
    ``win`` (seconds, >= 1). Traces are bucketed by ``ts // win``; a pair within ``win`` lies
    in the same or the next bucket, so the self-join is an equi-join on (obj, bucket) and a
    copy shifted by one bucket -- never quadratic in an object's whole history. Each
    (object, bucket) keeps its first ``max_fanout`` traces, bounding the pairs one viral
    object can produce. Returns (pair_objects, pairs): per (lo, hi, obj) and per (lo, hi)
    with ``weight`` = distinct objects and per-kind counts. Both are cached Ibis tables
    (the join runs once, in the embedded engine; the traces are already reduced data).

    >>> import ibis
    >>> t = pd.DataFrame({"node": [0, 1, 2, 0, 1], "obj": [7, 7, 7, 8, 8], "kind": [0] * 5,
    ...                   "ts": [0, 5, 500, 1000, 1003], "win": [10] * 5})
    >>> po, pairs = co_activity(t)
    >>> pairs.execute()[["lo", "hi", "weight"]].values.tolist()
    [[0, 1, 2]]
    """
    t = ibis.memtable(traces[["node", "obj", "kind", "ts", "win"]])
    t = t.mutate(bucket=t.ts // t.win)
    t = t.mutate(rn=ibis.row_number().over(group_by=[t.obj, t.bucket], order_by=[t.ts, t.node]))
    t = t.filter(t.rn < max_fanout).drop("rn")
    a = t.select(an="node", ao="obj", ak="kind", at="ts", aw="win", ab="bucket")
    b0 = t.select(bn="node", bo="obj", bt="ts", bb="bucket", shifted=ibis.literal(0))
    b1 = t.select(bn="node", bo="obj", bt="ts", bb=t.bucket - 1, shifted=ibis.literal(1))
    b = b0.union(b1, distinct=False)
    j = a.inner_join(b, [a.ao == b.bo, a.ab == b.bb])
    j = j.filter(j.an != j.bn, (j.at - j.bt).abs() <= j.aw,
                 (j.shifted == 1) | (j.an < j.bn))
    j = j.select(lo=ibis.least(j.an, j.bn), hi=ibis.greatest(j.an, j.bn), obj=j.ao, kind=j.ak,
                 dt=(j.at - j.bt).abs(), at=j.at, win=j.aw)
    po = j.group_by(["lo", "hi", "obj"]).aggregate(kind=j.kind.min(), dt=j.dt.min(), first=j.at.min(),
                                                   last=j.at.max(), win=j.win.max())
    po = po.cache()
    # tightness: each shared object counts 1 - dt/window, so acting together within seconds
    # weighs more than happening to fall at the two ends of a wide window
    aggs = dict(weight=po.count(), tight=(1.0 - po.dt.cast("float64") / po.win.cast("float64")).sum(),
                first=po["first"].min(), last=po["last"].max(), mean_dt=po.dt.mean())
    for i, k in enumerate(KINDS):
        aggs[f"n_{k}"] = (po.kind == i).sum()
    pairs = po.group_by(["lo", "hi"]).aggregate(**aggs).cache()
    return po, pairs


def filter_edges(pairs: ibis.Table, activity: pd.Series, min_weight: int = 2,
                 edge_percentile: float = 0.5, min_symmetry: float = 0.1) -> tuple[pd.DataFrame, dict]:
    """Keep edges that repeat, stand out and are mutual.

    * ``weight >= max(min_weight, percentile)`` where the percentile is taken over the
      weights of every repeated pair (weight >= 2), so a swarm of one-off co-shares never
      lowers the bar and a few strong pairs never raise it above the repeated ones' median;
    * ``symmetry = tight / max(activity[lo], activity[hi]) >= min_symmetry`` where activity
      is the number of shared objects an account acted on and ``tight`` sums ``1 - dt/window``
      over the pair's shared objects: a hyperactive account that acts on everything
      co-occurs with everyone, but those co-occurrences are a small share of its activity;
      two ordinary supporters who share the same viral posts fall anywhere in the window,
      while a network acts within seconds of itself; both kinds of edge go.

    Returns the kept edges (pandas) and the thresholds used.

    >>> import ibis
    >>> pairs = ibis.memtable(pd.DataFrame({"lo": [0, 0, 1], "hi": [1, 2, 2], "weight": [5, 1, 4]}))
    >>> e, th = filter_edges(pairs, pd.Series([6, 50, 5]), edge_percentile=0.0)
    >>> e[["lo", "hi"]].values.tolist(), th["weight_threshold"]
    ([[0, 1]], 2)
    """
    rep = pairs.filter(pairs.weight >= 2)
    thr = min_weight
    if edge_percentile > 0:
        qv = rep.aggregate(q=rep.weight.quantile(edge_percentile)).execute()["q"].iloc[0]
        if qv is not None and not pd.isna(qv):
            thr = max(min_weight, int(math.floor(float(qv))))
    e = pairs.filter(pairs.weight >= thr).execute()
    stats = {"pairs_repeated": int(rep.count().execute()), "weight_threshold": int(thr),
             "min_symmetry": min_symmetry}
    if e.empty:
        e["symmetry"] = pd.Series(dtype=float)
        return e, stats
    act = activity.reindex(range(int(max(e.hi.max(), e.lo.max())) + 1)).fillna(1).clip(lower=1).to_numpy()
    tight = e["tight"] if "tight" in e.columns else e["weight"]
    e["symmetry"] = tight / np.maximum(act[e["lo"].to_numpy()], act[e["hi"].to_numpy()])
    e["symmetry"] = e["symmetry"].clip(upper=1.0)
    e = e[e["symmetry"] >= min_symmetry]
    return e.sort_values(["lo", "hi"]).reset_index(drop=True), stats


def communities(edges: pd.DataFrame, seed: int = 42, resolution: float = 1.0) -> dict[int, int]:
    """Leiden communities (modularity, weights) of the kept edges: node -> community index.

    Deterministic for a given seed; communities are numbered by size, largest first.

    >>> e = pd.DataFrame({"lo": [0, 0, 1, 3, 3, 4], "hi": [1, 2, 2, 4, 5, 5], "weight": [3] * 6})
    >>> c = communities(e)
    >>> c[0] == c[1] == c[2], c[3] == c[4] == c[5], c[0] != c[3]
    (True, True, True)
    """
    ig = import_igraph()
    import leidenalg

    if edges.empty:
        return {}
    nodes = np.unique(np.r_[edges["lo"].to_numpy(), edges["hi"].to_numpy()])
    idx = {n: i for i, n in enumerate(nodes.tolist())}
    g = ig.Graph(n=len(nodes), edges=[(idx[a], idx[b]) for a, b in zip(edges["lo"].tolist(), edges["hi"].tolist())])
    g.es["weight"] = edges["weight"].astype(float).tolist()
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition, weights="weight",
                                    resolution_parameter=resolution, seed=seed, n_iterations=-1)
    memb = np.asarray(part.membership)
    sizes = pd.Series(memb).value_counts()
    # order communities by size desc, then by smallest node id, for stable labels
    first = pd.Series(nodes).groupby(memb).min()
    order = sorted(sizes.index, key=lambda c: (-sizes[c], first[c]))
    rank = {c: r for r, c in enumerate(order)}
    return {int(n): rank[m] for n, m in zip(nodes.tolist(), memb.tolist())}
