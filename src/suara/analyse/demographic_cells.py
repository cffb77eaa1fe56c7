"""The demographic cells' figures, one module so the section stays readable: per pair
share of voice and net sentiment with intervals clustered by account, issues and segments per
cell, and the differencing guard that suppresses cells which, subtracted from their parent,
would single out fewer than k accounts. Used by :mod:`suara.analyse.demographics`.

Example
-------
>>> wilson(5, 10)
(0.2366, 0.7634)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from suara.analyse.base import safe_float
from suara.enrich.demographics import UNKNOWN

__all__ = ["wilson", "ratio_interval", "columns", "pair_figures", "rows_by_key", "cells", "secondary_suppression"]

_Z = 1.96


def wilson(k: float, n: float, z: float = _Z) -> tuple[float | None, float | None]:
    """Wilson score interval of a proportion k/n.

    Example
    -------
    >>> wilson(5, 10)
    (0.2366, 0.7634)
    """
    if not n:
        return (None, None)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (round(max(0.0, c - h), 4), round(min(1.0, c + h), 4))


def ratio_interval(y: np.ndarray, x: np.ndarray, lo: float, hi: float, z: float = _Z):
    """(estimate, low, high) of sum(y)/sum(x) with accounts as clusters (rows = accounts).

    Example
    -------
    >>> ratio_interval(np.array([1., 0, 1, 1]), np.array([1., 1, 1, 1]), 0, 1)
    (0.75, 0.26, 1.0)
    """
    sx = float(x.sum())
    n = len(x)
    if not sx:
        return (None, None, None)
    r = float(y.sum()) / sx
    if n < 2:
        return (round(r, 4), None, None)
    v = n / (n - 1) * float(((y - r * x) ** 2).sum()) / sx ** 2
    h = z * math.sqrt(v)
    # never narrower than a Wilson interval over the n accounts on the same scale: a sample
    # without spread (every account positive) is not certainty
    wl, wh = wilson((r - lo) / (hi - lo) * n, n, z)
    a, b = min(r - h, lo + wl * (hi - lo)), max(r + h, lo + wh * (hi - lo))
    return (round(r, 4), round(float(max(lo, a)), 4), round(float(min(hi, b)), 4))


def columns(m: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of ``m`` that :func:`pair_figures` reads, as arrays (a cell takes its rows
    by position from these, not as a frame of its own)."""
    return {"key": m["key"].to_numpy(), "n": m["n"].to_numpy(float), "candidate": m["candidate"].to_numpy(),
            "pos": m["pos"].to_numpy(float), "neg": m["neg"].to_numpy(float), "stance": m["stance"].to_numpy()}


def pair_figures(sub: dict[str, np.ndarray], ballots: list[str], k: int) -> dict[str, Any]:
    """Per pair: share of voice and net sentiment with intervals, accounts, stance shares.
    ``sub``: the :func:`columns` of the rows (account ``key``, candidate) of one cell, one
    row per account and pair."""
    codes, uniq = pd.factorize(sub["key"])
    n = sub["n"]
    per_acc = np.bincount(codes, weights=n, minlength=len(uniq))
    cand = sub["candidate"]
    net_y = sub["pos"] - sub["neg"]
    stance_v = sub["stance"]
    out = {}
    for b in ballots:
        mask = cand == b
        acc_b = int(mask.sum())
        if acc_b < k:   # too few accounts talk about this pair here: suppressed
            out[b] = {"accounts": None, "suppressed": True}
            continue
        y = np.zeros(len(uniq))
        y[codes[mask]] = n[mask]
        share = ratio_interval(y, per_acc, 0.0, 1.0)
        net = ratio_interval(net_y[mask], n[mask], -1.0, 1.0)
        st = stance_v[mask]
        stance = {}
        for s_ in ("supporter", "opponent", "persuadable"):
            c = int((st == s_).sum())
            stance[s_] = {"share": safe_float(c / acc_b), "interval": list(wilson(c, acc_b))}
        out[b] = {"accounts": acc_b, "mentions": int(n[mask].sum()),
                  "share": share[0], "share_interval": [share[1], share[2]],
                  "net_sentiment": net[0], "net_interval": [net[1], net[2]], "stance": stance}
    return {"accounts": int(len(uniq)), "mentions": int(per_acc.sum()), "pairs": out}


def issue_figures(issues, k: int, top: int = 5) -> list[dict]:
    """The cell's most shared issues; ``issues``: each account's list of issues."""
    n = len(issues)
    cnt: dict[str, int] = {}
    for il in issues:
        for i in il:
            cnt[i] = cnt.get(i, 0) + 1
    out = []
    for i, c in sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        if c < k:
            continue
        out.append({"issue": i, "accounts": c, "share": safe_float(c / n), "interval": list(wilson(c, n))})
    return out


def segment_figures(groups: pd.Series, k: int) -> dict[str, dict]:
    """Share of the cell's accounts in each audience segment (supporter:<b>, opponent:<b>,
    persuadable, critical_of_all; see the segments section); segments under k accounts are left
    out. ``groups``: each account's segment."""
    n = len(groups)
    out = {}
    for g, c in groups.value_counts().items():
        if c >= k:
            out[str(g)] = {"accounts": int(c), "share": safe_float(c / n), "interval": list(wilson(int(c), n))}
    return out


def rows_by_key(m: pd.DataFrame) -> dict[Any, np.ndarray]:
    """The positions of ``m``'s rows per account ``key``, found once per view: a cell's rows
    are then gathered by its accounts' keys instead of testing every row of ``m`` per cell."""
    if not len(m):
        return {}
    codes, uniq = pd.factorize(m["key"].to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")   # each key's positions, ascending
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(uniq)))))
    return {k: order[bounds[i]:bounds[i + 1]] for i, k in enumerate(uniq.tolist())}


def cells(acc: pd.DataFrame, dims: tuple[str, ...], ballots: list[str], k: int, keep_unknown: bool,
          rows: dict[Any, np.ndarray], cols: dict[str, np.ndarray]) -> tuple[list[dict], dict]:
    """The cells of one cross (``dims``) of the accounts ``acc``, with the view's per account
    and pair rows given as :func:`rows_by_key` and :func:`columns`, and what was suppressed
    for having fewer than ``k`` accounts."""
    cells, sup_cells, sup_acc = [], 0, 0
    # each cell's accounts by their positions in ``acc`` (ascending, in the groups' sorted
    # order, as iterating the group-by gives them) instead of a frame per cell
    keys = acc["key"].to_numpy(dtype=object)
    issues = acc["issues"].to_numpy(dtype=object)
    groups = acc["group"]
    gb = acc.groupby(list(dims), sort=True)
    at_pos = gb.indices   # not in that order for one dimension: the sizes' index is
    for key in gb.size().index:
        pos = at_pos[key]
        key = key if isinstance(key, tuple) else (key,)
        if not keep_unknown and UNKNOWN in key:
            continue
        if len(pos) < k:
            sup_cells += 1
            sup_acc += len(pos)
            continue
        # the rows of the cell's accounts, in m's order (as a mask over m would give them)
        at = [rows[x] for x in dict.fromkeys(keys[pos].tolist()) if x in rows]
        take = np.sort(np.concatenate(at)) if at else np.zeros(0, dtype=np.intp)
        sub = {c: v[take] for c, v in cols.items()}
        cell = dict(zip(dims, map(str, key)))
        cell.update(pair_figures(sub, ballots, k))
        cell["issues"] = issue_figures(issues[pos].tolist(), k)
        cell["segments"] = segment_figures(groups.iloc[pos], k)
        cells.append(cell)
    return cells, {"cells": sup_cells, "accounts": sup_acc}


def secondary_suppression(cells: list[dict], acc: pd.DataFrame, dims: tuple[str, ...], k: int) -> dict:
    """Differencing guard: for each dimension of a cross, the listed cells sharing the other
    dimensions' values must leave either nobody or at least k accounts out of their parent
    (all accounts with those values, which a coarser table shows). Otherwise the parent minus
    the listed cells would single out fewer than k accounts, so the smallest listed cell of
    that group is suppressed too (repeated until no group leaves 1..k-1 accounts). Edits
    ``cells`` in place; returns what it suppressed."""
    out = {"cells": 0, "accounts": 0}
    if len(dims) < 2:
        return out
    # each dimension's values as text once, and each parent's size once: the loop below
    # starts over after every suppression, and converting a column per group cost seconds
    as_text: dict[str, pd.Series] = {}
    masks: dict[tuple[str, str], np.ndarray] = {}
    sizes: dict[tuple, int] = {}

    def mask_of(x: str, v: str) -> np.ndarray:
        mk = masks.get((x, v))
        if mk is None:
            col = as_text.get(x)
            if col is None:
                col = as_text[x] = acc[x].astype(str)
            mk = masks[(x, v)] = (col == v).to_numpy()
        return mk

    def parent_size(rest: list[str], key: tuple) -> int:
        sk = (tuple(rest), key)
        n = sizes.get(sk)
        if n is None:
            mask = np.ones(len(acc), dtype=bool)
            for x, v in zip(rest, key):
                mask &= mask_of(x, v)
            n = sizes[sk] = int(mask.sum())
        return n
    changed = True
    while changed:
        changed = False
        for d in dims:
            rest = [x for x in dims if x != d]
            groups: dict[tuple, list[dict]] = {}
            for c in cells:
                groups.setdefault(tuple(c[x] for x in rest), []).append(c)
            for key, members in groups.items():
                parent = parent_size(rest, key)
                left = parent - sum(c["accounts"] for c in members)
                if 0 < left < k and parent >= k:
                    small = min(members, key=lambda c: c["accounts"])
                    cells.remove(small)
                    out["cells"] += 1
                    out["accounts"] += small["accounts"]
                    changed = True
                    break
            if changed:
                break
    return out
