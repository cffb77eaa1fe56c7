"""Account-level similarity of traces (Pacheco et al. 2021): TF-IDF over what each account
posted, cosine between accounts, tested against a configuration-model null.

An account's "document" is the multiset of its trace tokens: the near-duplicate text
clusters it posted into, each hashtag it used, links, the posts it commented on or shared,
the accounts it replied to, and one private token per text of its own that nobody else
posted (so an account that mostly writes its own varied texts is far from everybody). No
time window is involved: a network that posts the same paraphrase families and hashtag
sequences across two weeks is similar however slowly each wave is spread.

Cost: the sparse product ``X Xᵀ`` runs over tokens held by at most ``max_df`` accounts
(more common tokens still weigh in every account's norm), in row chunks, so work is bounded
by ``max_df × traces`` and memory by the chunk; nothing is quadratic in posts.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def poisson_sf(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(mu), elementwise (k small integers).

    >>> round(float(poisson_sf(np.array([1]), np.array([1.0]))[0]), 4)
    0.6321
    """
    k = np.asarray(k, dtype=np.int64)
    mu = np.asarray(mu, dtype=float)
    out = np.ones(len(k))
    term = np.exp(-mu)
    cdf = np.zeros(len(k))
    kmax = int(k.max()) if len(k) else 0
    for i in range(kmax):
        cdf += np.where(i < k, term, 0.0)
        term = term * mu / (i + 1)
    out = np.clip(1.0 - cdf, 0.0, 1.0)
    return out


def similarity_edges(tokens: pd.DataFrame, private: pd.Series, *, max_df: int | None = None,
                     min_cos: float = 0.35, min_shared: int = 3, alpha: float = 1e-6,
                     chunk: int = 4096) -> tuple[pd.DataFrame, dict]:
    """Pairs of accounts whose TF-IDF trace vectors are similar beyond chance.

    ``tokens``: columns ``node`` (int), ``token`` (int), ``tf`` (count). ``private``: per
    node, the number of its texts that no other account posted (one df=1 token each).
    A pair is kept when cosine ``>= min_cos``, it shares at least ``min_shared`` distinct
    tokens, and that many shared tokens would come by chance with probability below
    ``alpha`` under the bipartite configuration model (expected shared tokens
    ``k_a k_b Σ df(df-1) / (Σ df)²`` for accounts holding ``k_a``, ``k_b`` tokens).

    Returns (edges with lo, hi, cos, shared, p) and stats.

    >>> t = pd.DataFrame({"node": [0, 0, 0, 1, 1, 1, 2], "token": [1, 2, 3, 1, 2, 3, 4], "tf": 1})
    >>> e, _ = similarity_edges(t, pd.Series(dtype=float), alpha=1.0)
    >>> e[["lo", "hi", "shared"]].values.tolist()
    [[0, 1, 3]]
    """
    from scipy import sparse

    cols = ["lo", "hi", "cos", "shared", "p"]
    stats = {"sim_tokens": 0, "sim_max_df": 0, "sim_pairs": 0}
    if tokens.empty:
        return pd.DataFrame(columns=cols), stats
    t = tokens.groupby(["node", "token"], as_index=False)["tf"].sum()
    n_nodes = int(max(t["node"].max(), private.index.max() if len(private) else 0)) + 1
    df = t.groupby("token")["node"].transform("size").to_numpy()
    n_docs = max(2, int(t["node"].nunique()))
    if max_df is None:
        # a token held by more than 2 % of the accounts (at least 50, at most 1,000) is a
        # crowd's: a chant, a trending tag, a viral link
        max_df = int(min(1000, max(50, 0.02 * n_docs)))
    idf = np.log((1 + n_docs) / (1 + df)) + 1.0
    w = (1.0 + np.log(t["tf"].to_numpy(dtype=float))) * idf
    node = t["node"].to_numpy()
    priv = np.zeros(n_nodes)
    if len(private):
        priv[private.index.to_numpy(dtype=np.int64)] = private.to_numpy(dtype=float)
    idf1 = math.log((1 + n_docs) / 2) + 1.0
    norm2 = np.bincount(node, weights=w * w, minlength=n_nodes) + priv * idf1 * idf1
    norm = np.sqrt(np.maximum(norm2, 1e-12))
    keep = (df >= 2) & (df <= max_df)
    stats.update(sim_tokens=int(keep.sum()), sim_max_df=int(max_df))
    if not keep.any():
        return pd.DataFrame(columns=cols), stats
    tk = t[keep]
    tok_codes, _ = pd.factorize(tk["token"])
    n_tok = int(tok_codes.max()) + 1
    nk = tk["node"].to_numpy()
    X = sparse.csr_matrix((w[keep] / norm[nk], (nk, tok_codes)), shape=(n_nodes, n_tok))
    B = sparse.csr_matrix((np.ones(len(nk)), (nk, tok_codes)), shape=(n_nodes, n_tok))
    XT, BT = X.T.tocsr(), B.T.tocsr()
    # configuration-model expectation of shared tokens, given the tokens one account holds:
    # each of a's tokens t is held by a random other account with probability
    # (df_t - 1) / (N - 1), scaled by how many tokens b holds against the mean account, so
    # E[shared] = S_a r_b / (N - 1) with S_a = Σ_{t in a} (df_t - 1); the larger of the two
    # directions is used
    k = np.bincount(nk, minlength=n_nodes).astype(float)
    dfk = np.bincount(tok_codes, minlength=n_tok).astype(float)
    s_acc = np.bincount(nk, weights=dfk[tok_codes] - 1.0, minlength=n_nodes)
    held = np.bincount(node, minlength=n_nodes).astype(float) + priv
    r_acc = held / max(float(held[held > 0].mean()), 1.0)
    rows_with = np.flatnonzero(k > 0)
    out = []
    for lo in range(0, len(rows_with), chunk):
        r = rows_with[lo:lo + chunk]
        C = (X[r] @ XT).tocoo()
        m = C.data >= min_cos
        if not m.any():
            continue
        a, b, cs = r[C.row[m]], C.col[m], C.data[m]
        up = a < b
        a, b, cs = a[up], b[up], cs[up]
        if not len(a):
            continue
        S = (B[r] @ BT).tocsr()
        # shared-token counts of the surviving pairs
        pos = {int(x): i for i, x in enumerate(r)}
        sh = np.asarray(S[[pos[int(x)] for x in a], b]).ravel()
        out.append(pd.DataFrame({"lo": a, "hi": b, "cos": cs, "shared": sh.astype(np.int64)}))
    if not out:
        return pd.DataFrame(columns=cols), stats
    e = pd.concat(out, ignore_index=True)
    e = e[e["shared"] >= min_shared]
    lo_, hi_ = e["lo"].to_numpy(), e["hi"].to_numpy()
    mu = np.maximum(s_acc[lo_] * r_acc[hi_], s_acc[hi_] * r_acc[lo_]) / max(n_docs - 1, 1)
    e["p"] = poisson_sf(e["shared"].to_numpy(), mu)
    stats["sim_pairs"] = int(len(e))
    e = e[e["p"] <= alpha]
    return e.sort_values(["lo", "hi"]).reset_index(drop=True)[cols], stats
