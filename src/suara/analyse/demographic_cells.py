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

__all__ = ["wilson", "ratio_interval", "ViewArrays", "pair_figures", "cells", "secondary_suppression"]

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


class ViewArrays:
    """One view's frames as arrays, made once per view: the cells of every cross then take
    their accounts and rows by position, and count issues and segments over whole-number
    codes, instead of grouping, indexing and counting frames per cell (hundreds of cells per
    view made that most of the section's time).

    ``m``: one row per account and pair (``key``, ``candidate``, ``n``, ``pos``, ``neg``,
    ``stance``); ``acc``: one row per account (``key``, the dimensions, ``issues``, ``group``).
    """

    def __init__(self, m: pd.DataFrame, acc: pd.DataFrame):
        self.acc = acc
        self.n_acc = len(acc)
        # each row of m's account, as its position in acc (-1: none, never in a cell)
        self.m_acc = pd.Index(acc["key"].to_numpy(dtype=object)).get_indexer(m["key"].to_numpy(dtype=object))
        cand, self.candidates = pd.factorize(m["candidate"].to_numpy(dtype=object))
        stance, stances = pd.factorize(m["stance"].to_numpy(dtype=object))
        self.cols = {"acct": self.m_acc, "n": m["n"].to_numpy(float), "cand": cand, "pos": m["pos"].to_numpy(float),
                     "neg": m["neg"].to_numpy(float), "stance": stance}
        self.cand_of = {v: i for i, v in enumerate(self.candidates.tolist())}
        self.stance_of = {v: i for i, v in enumerate(stances.tolist())}
        self._dims: dict[str, tuple[np.ndarray, list]] = {}
        self.group, self.groups = pd.factorize(acc["group"].to_numpy(dtype=object))
        # the accounts' issues as one flat array of codes, each account's a slice of it (its
        # offsets in ``issue_at``): a cell's counts are one bincount over its accounts' slices
        lists = acc["issues"].tolist()
        names = sorted({i for il in lists for i in il})
        code = {n: c for c, n in enumerate(names)}
        lens = np.fromiter((len(il) for il in lists), dtype=np.int64, count=len(lists))
        self.issue_at = np.concatenate(([0], np.cumsum(lens)))
        self.issue_codes = np.fromiter((code[i] for il in lists for i in il), dtype=np.int64,
                                       count=int(self.issue_at[-1]))
        self.issue_names = names

    def overall(self) -> dict[str, np.ndarray]:
        """Every row of m, as :func:`pair_figures` reads them."""
        return self.cols

    def dimension(self, d: str) -> tuple[np.ndarray, list]:
        """(each account's code, the values in sorted order) of dimension ``d``."""
        out = self._dims.get(d)
        if out is None:
            codes, uniq = pd.factorize(self.acc[d].to_numpy(dtype=object), sort=True)
            out = self._dims[d] = (codes, uniq.tolist())
        return out

    def rows_of(self, pos: np.ndarray) -> dict[str, np.ndarray]:
        """The rows of m of the accounts at ``pos``, in m's order (as a mask over m gives them)."""
        inside = np.zeros(self.n_acc + 1, dtype=bool)   # the last: accounts not in acc
        inside[pos] = True
        take = np.flatnonzero(inside[self.m_acc])
        return {c: v[take] for c, v in self.cols.items()}


def pair_figures(va: ViewArrays, sub: dict[str, np.ndarray], ballots: list[str], k: int) -> dict[str, Any]:
    """Per pair: share of voice and net sentiment with intervals, accounts, stance shares.
    ``sub``: the rows (account, pair) of one cell from ``va`` (:meth:`ViewArrays.rows_of`),
    one row per account and pair."""
    codes, uniq = pd.factorize(sub["acct"])
    n = sub["n"]
    per_acc = np.bincount(codes, weights=n, minlength=len(uniq))
    cand = sub["cand"]
    net_y = sub["pos"] - sub["neg"]
    stance_v = sub["stance"]
    out = {}
    for b in ballots:
        mask = cand == va.cand_of.get(b, -2)
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
            c = int((st == va.stance_of.get(s_, -2)).sum())
            stance[s_] = {"share": safe_float(c / acc_b), "interval": list(wilson(c, acc_b))}
        out[b] = {"accounts": acc_b, "mentions": int(n[mask].sum()),
                  "share": share[0], "share_interval": [share[1], share[2]],
                  "net_sentiment": net[0], "net_interval": [net[1], net[2]], "stance": stance}
    return {"accounts": int(len(uniq)), "mentions": int(per_acc.sum()), "pairs": out}


def issue_figures(va: ViewArrays, pos: np.ndarray, k: int, top: int = 5) -> list[dict]:
    """The cell's most shared issues (ties by name); ``pos``: the cell's accounts."""
    n = len(pos)
    starts, lens = va.issue_at[pos], va.issue_at[pos + 1] - va.issue_at[pos]
    # every position of the cell's slices: each slice's start, then one step per entry
    at = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))
    counts = np.bincount(va.issue_codes[at], minlength=len(va.issue_names))
    ranked = sorted((-int(counts[j]), va.issue_names[j]) for j in np.flatnonzero(counts))[:top]
    return [{"issue": i, "accounts": -c, "share": safe_float(-c / n), "interval": list(wilson(-c, n))}
            for c, i in ranked if -c >= k]


def segment_figures(va: ViewArrays, pos: np.ndarray, k: int) -> dict[str, dict]:
    """Share of the cell's accounts in each audience segment (supporter:<b>, opponent:<b>,
    persuadable, critical_of_all; see the segments section); segments under k accounts are left
    out. Most accounts first; a tie in the order the cell's accounts first show the segment."""
    n = len(pos)
    g = va.group[pos]
    counts = np.bincount(g, minlength=len(va.groups))
    out = {}
    for c in sorted(pd.unique(g).tolist(), key=lambda c: -counts[c]):
        if counts[c] >= k:
            out[str(va.groups[c])] = {"accounts": int(counts[c]), "share": safe_float(counts[c] / n),
                                      "interval": list(wilson(int(counts[c]), n))}
    return out


def cells(va: ViewArrays, dims: tuple[str, ...], ballots: list[str], k: int,
          keep_unknown: bool) -> tuple[list[dict], dict]:
    """The cells of one cross (``dims``) of the view's accounts (``va``), in the order of
    their values, and what was suppressed for having fewer than ``k`` accounts."""
    cells, sup_cells, sup_acc = [], 0, 0
    if not va.n_acc:
        return cells, {"cells": 0, "accounts": 0}
    # one whole number per account for its values of ``dims``, ordered as the values sort
    key = np.zeros(va.n_acc, dtype=np.int64)
    values = []
    for d in dims:
        codes, uniq = va.dimension(d)
        key = key * len(uniq) + codes
        values.append(uniq)
    order = np.argsort(key, kind="stable")   # each cell's accounts, ascending
    sk = key[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(sk)) + 1, [len(sk)]))
    for a, b in zip(starts[:-1].tolist(), starts[1:].tolist()):
        pos = order[a:b]
        code, vals = int(sk[a]), []
        for uniq in reversed(values):
            code, r = divmod(code, len(uniq))
            vals.append(uniq[r])
        vals.reverse()
        if not keep_unknown and UNKNOWN in vals:
            continue
        if len(pos) < k:
            sup_cells += 1
            sup_acc += len(pos)
            continue
        cell = dict(zip(dims, map(str, vals)))
        cell.update(pair_figures(va, va.rows_of(pos), ballots, k))
        cell["issues"] = issue_figures(va, pos, k)
        cell["segments"] = segment_figures(va, pos, k)
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
