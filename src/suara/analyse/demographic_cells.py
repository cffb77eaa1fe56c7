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
import pyarrow as pa
import pyarrow.compute as pc

from suara.analyse.base import safe_float
from suara.enrich.demographics import UNKNOWN

__all__ = ["wilson", "ratio_interval", "ViewArrays", "CellFigures", "pair_figures", "cells", "secondary_suppression"]

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


def firsts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values of ``x`` in order of first appearance, where each first shows),
    by numbering them with a hash table in that order (:func:`first_rows`), not by sorting."""
    codes, uniq = pd.factorize(x)
    return uniq, first_rows(codes)


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Where each number of ``codes`` (0, 1, ... in order of first appearance, as
    ``pd.factorize`` numbers) first shows: where it exceeds every number before it."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, codes[1:] > np.maximum.accumulate(codes)[:-1]])


_STANCES = ("supporter", "opponent", "persuadable")


class ViewArrays:
    """One view's frames as arrays, made once per view: the cells of every cross then take
    their accounts and rows by position, and count issues and segments over whole-number
    codes, instead of grouping, indexing and counting frames per cell (hundreds of cells per
    view made that most of the section's time).

    ``m``: one row per account and pair (``acct``: the account's position in ``acc``,
    ``candidate``, ``n``, ``pos``, ``neg``, ``stance``); ``acc``: one row per account (the
    dimensions, ``issues``, ``group``). Every row's account is in ``acc``.
    """

    def __init__(self, m: pd.DataFrame, acc: pd.DataFrame, ballots: list[str]):
        self.acc = acc
        self.n_acc = len(acc)
        self.m_acc = m["acct"].to_numpy(dtype=np.int64)
        self.cand, candidates = pd.factorize(m["candidate"].to_numpy(dtype=object))
        stance, stances = pd.factorize(m["stance"].to_numpy(dtype=object))
        # each row's stance as its place in _STANCES (3: none of them)
        at = [_STANCES.index(s) if s in _STANCES else 3 for s in stances.tolist()] + [3]
        self.stance = np.asarray(at, dtype=np.int64)[stance]   # a missing stance (-1) takes the last
        self.n = m["n"].to_numpy(float)
        self.net = m["pos"].to_numpy(float) - m["neg"].to_numpy(float)
        cand_of = {v: i for i, v in enumerate(candidates.tolist())}
        # each account's mentions over all pairs, and whether a row is its account's first:
        # a cell's accounts in the order its rows first show them, with their totals
        self.total = np.bincount(self.m_acc, weights=self.n, minlength=self.n_acc)
        self.first_row = np.zeros(len(self.m_acc), dtype=bool)
        self.first_row[firsts(self.m_acc)[1]] = True
        # per pair: its rows, and each account's mentions of it (0 without a row)
        self.pair_rows: dict[str, np.ndarray] = {}
        self.pair_mentions: dict[str, np.ndarray] = {}
        for b in ballots:
            rows = np.flatnonzero(self.cand == cand_of.get(b, -2))
            self.pair_rows[b] = rows
            self.pair_mentions[b] = y = np.zeros(self.n_acc)
            y[self.m_acc[rows]] = self.n[rows]
        self._dims: dict[str, tuple[np.ndarray, list]] = {}
        self.group, self.groups = pd.factorize(acc["group"].to_numpy(dtype=object))
        # the accounts' issues as one flat array of codes, each with its account
        lists = pa.array(acc["issues"].array)
        lens = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        flat = pc.list_flatten(lists).dictionary_encode()
        self.issue_codes = flat.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        self.issue_names = flat.dictionary.to_pylist()
        self.issue_acc = np.repeat(np.arange(self.n_acc), lens)

    def dimension(self, d: str) -> tuple[np.ndarray, list]:
        """(each account's code, the values in sorted order) of dimension ``d``."""
        out = self._dims.get(d)
        if out is None:
            codes, uniq = pd.factorize(self.acc[d].to_numpy(dtype=object), sort=True)
            out = self._dims[d] = (codes, uniq.tolist())
        return out


def _grouped(cell: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions ordered by cell, each cell's start among them and the end), keeping the
    order within a cell; a stable sort on 16-bit numbers is a radix sort."""
    key = cell.astype(np.uint16) if n_cells <= 65536 else cell
    order = np.argsort(key, kind="stable")
    return order, np.concatenate(([0], np.cumsum(np.bincount(cell, minlength=n_cells))))


class CellFigures:
    """The figures of every cell of a partition of the view's accounts (``cell``: each
    account's cell, ``n_cells`` of them): counts by one bincount per figure over all rows,
    and the clustered intervals from each cell's rows and accounts in the view's row order
    (the sums behind an interval are then added up in the same order whatever the cell)."""

    def __init__(self, va: ViewArrays, cell: np.ndarray, n_cells: int, ballots: list[str], k: int):
        self.va, self.ballots, self.k = va, ballots, k
        self.size = np.bincount(cell, minlength=n_cells)
        row_cell = cell[va.m_acc]
        self.rows, self.start = _grouped(row_cell, n_cells)
        self.accounts = np.bincount(row_cell[va.first_row], minlength=n_cells)
        self.mentions = np.bincount(row_cell, weights=va.n, minlength=n_cells)
        self.per_pair = {}
        for b in ballots:
            rows = va.pair_rows[b]
            rc = row_cell[rows]
            ordered, start = _grouped(rc, n_cells)
            stance = np.bincount(rc * 4 + va.stance[rows], minlength=n_cells * 4).reshape(n_cells, 4)
            self.per_pair[b] = (rows[ordered], start, np.bincount(rc, weights=va.n[rows], minlength=n_cells),
                                stance)
        # issues and segments: per (cell, value) counts, and the order segments first show in
        ni = max(len(va.issue_names), 1)
        self.issue_counts = np.bincount(cell[va.issue_acc] * ni + va.issue_codes,
                                        minlength=n_cells * ni).reshape(n_cells, ni)
        ng = max(len(va.groups), 1)
        seg = cell * ng + va.group
        self.seg_counts = np.bincount(seg, minlength=n_cells * ng).reshape(n_cells, ng)
        _, shown = pd.factorize(seg)   # (cell, segment)s in the order the accounts first show them
        self.seg_first = np.zeros(n_cells * ng, dtype=np.int64)
        self.seg_first[shown] = np.arange(len(shown))
        self.seg_first = self.seg_first.reshape(n_cells, ng)

    def pairs(self, c: int) -> dict[str, Any]:
        """Per pair: share of voice and net sentiment with intervals, accounts, stance shares."""
        va, k = self.va, self.k
        rows = self.rows[self.start[c]:self.start[c + 1]]
        accs = va.m_acc[rows[va.first_row[rows]]]   # the cell's accounts as its rows first show them
        x = va.total[accs]
        out = {}
        for b in self.ballots:
            ordered, start, ment, stance = self.per_pair[b]
            rb = ordered[start[c]:start[c + 1]]   # the cell's rows of this pair, in order
            acc_b = len(rb)
            if acc_b < k:   # too few accounts talk about this pair here: suppressed
                out[b] = {"accounts": None, "suppressed": True}
                continue
            share = ratio_interval(va.pair_mentions[b][accs], x, 0.0, 1.0)
            net = ratio_interval(va.net[rb], va.n[rb], -1.0, 1.0)
            st = {}
            for j, s_ in enumerate(_STANCES):
                n_s = int(stance[c, j])
                st[s_] = {"share": safe_float(n_s / acc_b), "interval": list(wilson(n_s, acc_b))}
            out[b] = {"accounts": acc_b, "mentions": int(ment[c]),
                      "share": share[0], "share_interval": [share[1], share[2]],
                      "net_sentiment": net[0], "net_interval": [net[1], net[2]], "stance": st}
        return {"accounts": int(self.accounts[c]), "mentions": int(self.mentions[c]), "pairs": out}

    def issues(self, c: int, top: int = 5) -> list[dict]:
        """The cell's most shared issues (ties by name)."""
        n, counts, names = int(self.size[c]), self.issue_counts[c], self.va.issue_names
        ranked = sorted((-int(counts[j]), names[j]) for j in np.flatnonzero(counts))[:top]
        return [{"issue": i, "accounts": -m, "share": safe_float(-m / n), "interval": list(wilson(-m, n))}
                for m, i in ranked if -m >= self.k]

    def segments(self, c: int) -> dict[str, dict]:
        """Share of the cell's accounts in each audience segment (supporter:<b>,
        opponent:<b>, persuadable, critical_of_all; see the segments section); segments
        under k accounts are left out. Most accounts first; a tie in the order the cell's
        accounts first show the segment."""
        n, counts, first = int(self.size[c]), self.seg_counts[c], self.seg_first[c]
        out = {}
        for g in sorted(np.flatnonzero(counts).tolist(), key=lambda g: (-counts[g], first[g])):
            if counts[g] >= self.k:
                out[str(self.va.groups[g])] = {"accounts": int(counts[g]), "share": safe_float(counts[g] / n),
                                               "interval": list(wilson(int(counts[g]), n))}
        return out


def pair_figures(va: ViewArrays, ballots: list[str], k: int) -> dict[str, Any]:
    """Per pair over all the view's accounts: share of voice and net sentiment with
    intervals, accounts, stance shares (:meth:`CellFigures.pairs`)."""
    return CellFigures(va, np.zeros(va.n_acc, dtype=np.int64), 1, ballots, k).pairs(0)


def cells(va: ViewArrays, dims: tuple[str, ...], ballots: list[str], k: int,
          keep_unknown: bool) -> tuple[list[dict], dict]:
    """The cells of one cross (``dims``) of the view's accounts (``va``), in the order of
    their values, and what was suppressed for having fewer than ``k`` accounts."""
    out, sup_cells, sup_acc = [], 0, 0
    if not va.n_acc:
        return out, {"cells": 0, "accounts": 0}
    # one whole number per account for its values of ``dims``, ordered as the values sort
    key = np.zeros(va.n_acc, dtype=np.int64)
    values = []
    for d in dims:
        codes, uniq = va.dimension(d)
        key = key * len(uniq) + codes
        values.append(uniq)
    cell, keys = pd.factorize(key, sort=True)
    size = np.bincount(cell, minlength=len(keys))
    listed = []
    for c, code in enumerate(keys.tolist()):
        vals = []
        for uniq in reversed(values):
            code, r = divmod(code, len(uniq))
            vals.append(uniq[r])
        vals.reverse()
        if not keep_unknown and UNKNOWN in vals:
            continue
        if size[c] < k:
            sup_cells += 1
            sup_acc += int(size[c])
            continue
        listed.append((c, vals))
    if listed:
        fig = CellFigures(va, cell, len(keys), ballots, k)
        for c, vals in listed:
            one = dict(zip(dims, map(str, vals)))
            one.update(fig.pairs(c))
            one["issues"] = fig.issues(c)
            one["segments"] = fig.segments(c)
            out.append(one)
    return out, {"cells": sup_cells, "accounts": sup_acc}


def secondary_suppression(cells: list[dict], acc: pd.DataFrame, dims: tuple[str, ...], k: int,
                          va: ViewArrays | None = None) -> dict:
    """Differencing guard: for each dimension of a cross, the listed cells sharing the other
    dimensions' values must leave either nobody or at least k accounts out of their parent
    (all accounts with those values, which a coarser table shows). Otherwise the parent minus
    the listed cells would single out fewer than k accounts, so the smallest listed cell of
    that group is suppressed too (repeated until no group leaves 1..k-1 accounts). Edits
    ``cells`` in place; returns what it suppressed. ``va``: the view's arrays of ``acc``,
    whose dimension codes are then used."""
    out = {"cells": 0, "accounts": 0}
    if len(dims) < 2:
        return out
    codes = {x: _codes(acc, x, va) for x in dims}
    sizes: dict[tuple[str, ...], dict[tuple, int]] = {}

    def parent_size(rest: tuple[str, ...], key: tuple) -> int:
        # every parent's size of the dimensions ``rest`` by one count over all accounts
        table = sizes.get(rest)
        if table is None:
            comb = np.zeros(len(acc), dtype=np.int64)
            ok = np.ones(len(acc), dtype=bool)   # an account missing a value is in no parent
            for x in rest:
                comb = comb * len(codes[x][1]) + codes[x][0]
                ok &= codes[x][0] >= 0
            u, n = np.unique(comb[ok], return_counts=True)
            table = sizes[rest] = dict(zip(u.tolist(), n.tolist()))
        comb = 0
        for x, v in zip(rest, key):
            at = codes[x][2].get(v)
            if at is None:
                return 0
            comb = comb * len(codes[x][1]) + at
        return table.get(comb, 0)
    changed = True
    while changed:
        changed = False
        for d in dims:
            rest = tuple(x for x in dims if x != d)
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


def _codes(acc: pd.DataFrame, x: str, va: ViewArrays | None) -> tuple[np.ndarray, list, dict]:
    """(each account's code of dimension ``x``, the values, value as text -> code)."""
    if va is not None:
        code, uniq = va.dimension(x)
    else:
        code, uniq = pd.factorize(acc[x].to_numpy(dtype=object))
        uniq = uniq.tolist()
    return code, uniq, {str(v): i for i, v in enumerate(uniq)}
