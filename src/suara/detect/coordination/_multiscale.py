"""Multi-scale co-activity tested against a time-shuffled null.

A single short window misses networks that spread each wave over minutes to hours. Here two
accounts *co-occur* on an object at scale ``w`` when their traces on it fall into the same
``w``-second bucket (two bucket grids offset by ``w/2``, so a pair straddling a boundary
still meets), for every ``w`` in ``SCALES`` (10 minutes, 1 hour, 3 hours). Per pair and
scale, ``X`` = distinct objects they co-occurred on.

Chance: if the times of each object's traces were shuffled among its accounts (the
object's own rhythm kept: bursts stay bursts), two of its accounts would share a bucket
with probability ``π_o(w) = Σ_b c_b (c_b - 1) / (n (n - 1))`` over its ``n`` traces
falling ``c_b`` to bucket ``b``; an account with ``m`` traces on the object gets ``m`` tries
(``min(1, m_a m_b π_o)``). Over the objects a pair shares at all (at any time), the
expected number of co-occurrences is ``E = Σ min(1, m_a m_b π_o(w))``; a pair is kept when
``X >= min_objects`` and ``P(Poisson(E) >= X)`` is below ``alpha`` at some scale. Objects that live one burst give no evidence of timing
(``π`` near 1); long-lived objects (a conversation, a video's comment
section, a hashtag used for weeks) do, and repeatedly meeting on many of them is what
chance does not produce. Buckets holding more than ``max_bucket`` accounts (a crowd, not a
team) are skipped, bounding the pairs at ``max_bucket × traces`` per scale.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from suara.detect.coordination._similarity import poisson_sf

#: bucket widths in seconds
SCALES = (600, 3600, 10800)


def multiscale_edges(traces: pd.DataFrame, *, scales=SCALES, max_df: int = 150, max_bucket: int = 60,
                     min_objects: int = 3, alpha: float = 1e-6) -> tuple[pd.DataFrame, dict]:
    """Pairs co-occurring beyond chance at some scale.

    ``traces``: integer ``node`` and ``obj``, ``ts`` (seconds). Returns (edges with lo, hi,
    co_events (X at the best scale), expected (E there), scale, p_time) and stats.

    >>> rows = []
    >>> for o in range(8):   # eight long-lived objects; 0 and 1 act on each within a minute
    ...     base = o * 86400 * 3
    ...     rows += [(0, o, base), (1, o, base + 40)]
    ...     rows += [(2 + (o + k) % 6, o, base + 36000 * (k + 1)) for k in range(4)]
    >>> t = pd.DataFrame(rows, columns=["node", "obj", "ts"])
    >>> e, _ = multiscale_edges(t, alpha=1e-3)
    >>> e[["lo", "hi", "co_events"]].values.tolist()
    [[0, 1, 8]]
    """
    from scipy import sparse

    cols = ["lo", "hi", "co_events", "expected", "scale", "p_time"]
    stats = {"ms_pairs": 0}
    t = traces[["node", "obj", "ts"]]
    if t.empty:
        return pd.DataFrame(columns=cols), stats
    ndf = t.groupby("obj")["node"].transform("nunique").to_numpy()
    t = t[(ndf >= 2) & (ndf <= max_df)]
    if t.empty:
        return pd.DataFrame(columns=cols), stats
    obj_codes, objs = pd.factorize(t["obj"])
    n_obj = np.bincount(obj_codes).astype(float)
    node = t["node"].to_numpy()
    ts = t["ts"].to_numpy(dtype=np.int64)
    n_nodes = int(node.max()) + 1
    # traces per (account, object): an account acting on an object many times meets others
    # there more often by chance
    B = sparse.csr_matrix((np.ones(len(node)), (node, obj_codes)), shape=(n_nodes, len(objs)))
    B.sum_duplicates()
    best = []
    for w in scales:
        pairs = []
        for off in (0, w // 2):
            ev = pd.factorize(pd.Series(obj_codes.astype(np.int64) * 10_000_000 + (ts + off) // w))[0]
            d = pd.DataFrame({"ev": ev, "node": node, "obj": obj_codes}).drop_duplicates(["ev", "node"])
            size = d.groupby("ev")["node"].transform("size")
            d = d[(size >= 2) & (size <= max_bucket)]
            if d.empty:
                continue
            m = d.merge(d[["ev", "node"]], on="ev", suffixes=("", "_b"))
            m = m[m["node"] < m["node_b"]]
            pairs.append(m[["node", "node_b", "obj"]])
        if not pairs:
            continue
        p = pd.concat(pairs).drop_duplicates()
        x = p.groupby(["node", "node_b"]).size()
        x = x[x >= min_objects]
        if x.empty:
            continue
        lo = x.index.get_level_values(0).to_numpy()
        hi = x.index.get_level_values(1).to_numpy()
        c = pd.Series(obj_codes).groupby([obj_codes, ts // w]).size()
        cc = (c * (c - 1)).groupby(level=0).sum().reindex(range(len(objs)), fill_value=0).to_numpy(dtype=float)
        pi = np.minimum(1.0, cc / np.maximum(n_obj * (n_obj - 1), 1.0))
        M = B[lo].multiply(B[hi]).tocsr()
        M.data = np.minimum(1.0, M.data * pi[M.indices])
        exp = np.asarray(M.sum(axis=1)).ravel()
        pv = poisson_sf(x.to_numpy(), exp)
        best.append(pd.DataFrame({"lo": lo, "hi": hi, "co_events": x.to_numpy(), "expected": exp,
                                  "scale": w, "p_time": pv}))
    if not best:
        return pd.DataFrame(columns=cols), stats
    e = pd.concat(best, ignore_index=True)
    stats["ms_pairs"] = int(len(e))
    e = e[e["p_time"] <= alpha]
    e = e.sort_values(["lo", "hi", "p_time", "scale"]).drop_duplicates(["lo", "hi"])
    return e.reset_index(drop=True)[cols], stats
