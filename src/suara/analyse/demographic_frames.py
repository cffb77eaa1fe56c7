"""The per-account frames of the ``demographics`` section (`suara.analyse.demographics`): each
estimated account's dimensions, mentions per pair, stance, issues and audience group, for both
views (all accounts, and without the coordinated ones), built once per run from the
pre-aggregated per-account rows. Accounts are matched by whole-number codes
(`suara.analyse.base.account_codes`) and looked up by number, never by joining their text.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> sorted(_frames(ws, 0.5))
['all', 'filtered']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from suara.analyse.accounts import account_stances, flagged_accounts, flagged_keys
from suara.analyse.audience.segments import account_issue_counts, account_segments
from suara.analyse.base import account_codes, account_daily, memo
from suara.analyse.demographic_cells import first_rows, firsts
from suara.enrich.demographics import UNKNOWN

def _dimensions(ws, min_conf: float) -> dict[str, np.ndarray]:
    """Internal per-account arrays (never returned to a caller outside this module): each
    estimated account's platform, account_id, person, gender, age_band and occupation,
    ``unknown`` where below ``min_conf``. Only the columns used are read."""
    t = ws.store.table("account_demographics")
    d = t.select("platform", "account_id", "person", "gender", "gender_conf", "age_band", "age_conf",
                 "occupation", "occupation_conf").execute()
    out = {"platform": _objects(d["platform"]), "account_id": _text(d["account_id"]),
           "person": _objects(d["person"], UNKNOWN)}
    for c, cc in (("gender", "gender_conf"), ("age_band", "age_conf"), ("occupation", "occupation_conf")):
        conf = pd.to_numeric(d[cc], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        out[c] = _objects(d[c], UNKNOWN, conf >= min_conf)
    return out


def _objects(col: pd.Series, missing: Any = None, keep: np.ndarray | None = None) -> np.ndarray:
    """A column as an array of Python objects, ``missing`` where it has none or ``keep`` is
    false; made through its distinct values, so a column of few values (an estimate, a
    platform) makes only those few objects."""
    codes, uniq = pd.factorize(col)
    if keep is not None:
        codes = np.where(keep, codes, -1)
    return np.append(np.asarray(uniq, dtype=object), missing)[codes]   # code -1: the appended value


def _text(values) -> np.ndarray:
    """``values`` as Python text, missing ones left missing (what ``astype(str)`` gives)."""
    a = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(a, skipna=True) in ("string", "empty"):
        return a
    return pd.Series(a, dtype=object).astype(str).to_numpy(dtype=object)


def _frames(ws, min_conf: float) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, dict]]:
    """Both views' frames (:func:`_view_frames`), keyed ``all`` and ``filtered``. An
    account's rows are the same in both views (its coordination flag is its own, and the
    per-account stances, issues and segments of the filtered view are the unfiltered ones
    minus flagged accounts), so the accounts are built once and the filtered view keeps the
    unflagged ones, in the same order. When nobody is flagged at all both keys hold the same
    frames (the views are one)."""
    t = account_daily(ws)   # the run's per-account daily mentions
    pairs = _per_pair(t, _row_accounts(ws, t))
    built = _built(ws, t, pairs, min_conf)
    if built is not None and built.mixed:   # some of an account's rows flagged, others not: each view apart
        return {v: _frame(ws, v == "filtered", min_conf) for v in ("all", "filtered")}
    if built is None or not (built.anyone or flagged_keys(ws)):
        one = _view_frames(built, False)
        return {"all": one, "filtered": one}
    return {v: _view_frames(built, v == "filtered") for v in ("all", "filtered")}


def _frame(ws, filtered: bool, min_conf: float) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """One view's frames (see :func:`_frames`), built on its own from the rows of that view."""
    t = account_daily(ws)
    rows = np.flatnonzero(~t["flagged"].to_numpy(dtype=bool)) if filtered else None
    pairs = _per_pair(t, _row_accounts(ws, t), rows)
    pairs.fmax[:] = False   # the rows left are this view's: nobody in them is to be dropped
    pairs.fmin[:] = False
    return _view_frames(_built(ws, t, pairs, min_conf), filtered)


def _row_accounts(ws, t: pd.DataFrame) -> np.ndarray:
    """Each row's account of the per-account daily mentions ``t`` as a whole number
    (:func:`account_codes`). Rows without a platform or an id get negative numbers, one per
    (platform, id) with the missing value as a value: such rows stay apart per platform, as
    a group-by that keeps missing keys keeps them."""
    codes = account_codes(ws)
    miss = np.flatnonzero(codes < 0)
    if not len(miss):
        return codes
    sub = t[["platform", "account_id"]].iloc[miss]
    out = codes.copy()
    out[miss] = -2 - sub.groupby(["platform", "account_id"], sort=False, dropna=False).ngroup().to_numpy()
    return out


@dataclass
class _Pairs:
    """Mentions per (account, pair) of the daily rows, one entry per (account, pair) in the
    order of their first row (a group-by's order without sorting)."""
    row: np.ndarray      # the entry's first row (its position in the frame)
    acct: np.ndarray     # its account (:func:`_row_accounts`)
    cand: np.ndarray     # its pair, as a position in ``cands``
    cands: np.ndarray    # the pairs' text
    n: np.ndarray        # mentions
    pos: np.ndarray      # positive mentions
    neg: np.ndarray      # negative mentions
    region: np.ndarray   # the first known region of its rows (None: none)
    fmax: np.ndarray     # whether any of its rows is flagged
    fmin: np.ndarray     # whether all of them are


def _per_pair(t: pd.DataFrame, acct: np.ndarray, rows: np.ndarray | None = None) -> _Pairs:
    """:class:`_Pairs` of the rows ``rows`` of ``t`` (all by default), ``acct`` their
    accounts; grouped on whole numbers (account x pair) instead of three text columns."""
    def col(c: str, dtype=None) -> np.ndarray:
        a = t[c].to_numpy(dtype=dtype)
        return a if rows is None else a[rows]
    acct = acct if rows is None else acct[rows]
    cand, cands = pd.factorize(col("candidate", object), use_na_sentinel=False)
    gid, _ = pd.factorize(acct * max(len(cands), 1) + cand)   # numbered in order of first appearance
    g = int(gid.max()) + 1 if len(gid) else 0
    first = first_rows(gid)

    def total(c: str) -> np.ndarray:   # whole-number counts (a missing one adds 0): exact in float64
        a = t[c].to_numpy(dtype=np.float64, na_value=0.0)
        return np.bincount(gid, weights=a if rows is None else a[rows], minlength=g).astype(np.int64)
    first_region = _first_known(col("region", object), gid, first)
    flagged = np.bincount(gid, weights=col("flagged", bool), minlength=g)
    size = np.bincount(gid, minlength=g)
    return _Pairs(row=first if rows is None else rows[first], acct=acct[first], cand=cand[first],
                  cands=_text(cands), n=total("mentions"), pos=total("positive"), neg=total("negative"),
                  region=first_region, fmax=flagged > 0, fmin=flagged == size)


def _first_known(values: np.ndarray, gid: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per group (``gid``: each row's, ``first``: each group's first row) the first value of
    its rows that is not missing (None: none). Most groups' first row has one: only the rows
    of the others are looked at."""
    out = values[first]
    short = pd.isna(out)
    if short.any():
        out[short] = None
        rows = np.flatnonzero(short[gid])
        rows = rows[pd.notna(values[rows])]
        at_g, at = firsts(gid[rows])
        out[at_g] = values[rows[at]]
    return out


@dataclass
class _Built:
    """The accounts with an id behind the pairs (persons and unknowns; organisations only
    counted), sorted by platform and id as a group-by sorts them, and their (account, pair)
    entries; arrays per account and per entry, for :func:`_view_frames`."""
    acc: dict[str, np.ndarray]   # platform, account_id, region, gender, age_band, occupation, group
    fl: np.ndarray               # whether the account is flagged in the daily rows
    bad: np.ndarray              # whether the coordination scores flag it (the filtered view's
    #                              stances, issues and segments leave it out)
    issue_at: np.ndarray         # each account's issues: issue_codes[issue_at[i]:issue_at[i + 1]]
    issue_codes: np.ndarray      # ... as numbers in issue_names
    issue_names: np.ndarray
    m: dict[str, np.ndarray]     # acct (position), candidate, n, pos, neg, stance
    counts: dict[str, dict]      # accounts and organisations, all and unflagged
    mixed: bool                  # whether some account's rows are not all flagged alike
    anyone: bool                 # whether any account (organisations too) is flagged in them


class _AccountIndex:
    """Accounts sorted by platform, then id, and the positions among them of accounts given
    as (platform, id): both texts become their numbers among the accounts' platforms and
    ids, the pair one number, looked up by a binary search (the accounts' numbers are sorted)
    instead of merging frames on two text columns."""

    def __init__(self, plats: pd.Index, ids: pd.Index, keys: np.ndarray):
        self.plats, self.ids, self.keys = plats, ids, keys   # keys: platform number x len(ids) + id number

    @classmethod
    def of(cls, plats, ids, keys: np.ndarray) -> "_AccountIndex":
        return cls(pd.Index(np.asarray(plats, dtype=object), dtype=object),
                   pd.Index(np.asarray(ids, dtype=object), dtype=object), keys)

    def platforms(self) -> np.ndarray:
        return np.asarray(self.plats, dtype=object)[self.keys // max(len(self.ids), 1)]

    def account_ids(self) -> np.ndarray:
        return np.asarray(self.ids, dtype=object)[self.keys % max(len(self.ids), 1)]

    def subset(self, pos: np.ndarray) -> "_AccountIndex":
        """The accounts at ``pos`` (ascending), numbered anew; the look-up tables shared."""
        return _AccountIndex(self.plats, self.ids, self.keys[pos])

    def find(self, plat, ids) -> np.ndarray:
        """Each (platform, id)'s position, -1 for an account not among them."""
        # the targets as Indexes of objects: pandas would otherwise turn them into Arrow
        # strings first, and back
        p = self.plats.get_indexer(pd.Index(np.asarray(plat, dtype=object), dtype=object))
        i = self.ids.get_indexer(pd.Index(_text(ids), dtype=object))
        k = p.astype(np.int64) * len(self.ids) + i
        if not len(self.keys):
            return np.full(len(k), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, k), len(self.keys) - 1)
        return np.where((p >= 0) & (i >= 0) & (self.keys[at] == k), at, -1)


def _accounts(t: pd.DataFrame, p: _Pairs) -> tuple[_AccountIndex, np.ndarray] | None:
    """The accounts with an id behind the pairs ``p`` (of the rows ``t``), sorted by
    platform, then id as text (a group-by's order), and each pair's account (-1: none);
    None without any. A missing platform or id is no account."""
    valid = np.flatnonzero(p.acct >= 0)
    if not len(valid):
        return None
    raw_of, _ = pd.factorize(p.acct[valid])
    rows = p.row[valid[first_rows(raw_of)]]   # each account's first row
    plat_no, plats = pd.factorize(t["platform"].to_numpy(dtype=object)[rows], sort=True)
    id_no, ids = _factorize_sorted(_text(t["account_id"].to_numpy(dtype=object)[rows]))
    acc_of_raw, keys = pd.factorize(plat_no.astype(np.int64) * len(ids) + id_no, sort=True)
    acc_of = np.full(len(p.acct), -1, dtype=np.int64)
    acc_of[valid] = acc_of_raw[raw_of]
    return _AccountIndex.of(plats, ids, keys), acc_of


def _factorize_sorted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)`` of text without missing values, the distinct
    texts sorted by Arrow: by their UTF-8 bytes, which order as Python orders text, instead
    of by a Python comparison per step (most of that factorize's time at 30,000 ids)."""
    codes, uniq = pd.factorize(values)
    order = pc.array_sort_indices(pa.array(np.asarray(uniq, dtype=object), type=pa.string())).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], np.asarray(uniq, dtype=object)[order]


def _built(ws, t: pd.DataFrame, p: _Pairs, min_conf: float) -> _Built | None:
    """The accounts of the pairs ``p`` (of the rows ``t``) with their dimensions, stances,
    issues and segments (the unfiltered ones; :func:`_view_frames` makes the filtered
    view's); None without any."""
    found = _accounts(t, p)
    if found is None:
        return None
    index, acc_of = found
    n_acc = len(index.keys)
    fmax, fmin = _account_flags(p, acc_of, n_acc)
    acc = {"platform": index.platforms(), "account_id": index.account_ids(),
           "region": _first_region(p, acc_of, n_acc), **_estimates(ws, index, n_acc, min_conf)}
    org = acc.pop("person") == "organisation"
    counts = {"all": {"accounts": int(n_acc), "organisations": int(org.sum())},
              "filtered": {"accounts": int((~fmax).sum()), "organisations": int((org & ~fmax).sum())}}
    # organisations are only counted: the persons and unknowns, numbered anew
    person = np.flatnonzero(~org)
    renum = np.full(n_acc + 1, -1, dtype=np.int64)   # the last: pairs without an account
    renum[person] = np.arange(len(person))
    acc = {c: v[person] for c, v in acc.items()}
    index = index.subset(person)
    entries = np.flatnonzero(renum[acc_of] >= 0)
    m = {"acct": renum[acc_of[entries]], "candidate": p.cands[p.cand[entries]], "n": p.n[entries],
         "pos": p.pos[entries], "neg": p.neg[entries]}
    m["stance"] = _stances(ws, index, m["acct"], p.cand[entries], p.cands)
    acc["group"] = _groups(ws, index, len(person))
    issue_at, issue_codes, issue_names = _issue_lists(ws, index, len(person))
    return _Built(acc=acc, fl=fmax[person], bad=_scored_flagged(ws, index), issue_at=issue_at,
                  issue_codes=issue_codes, issue_names=issue_names, m=m, counts=counts,
                  mixed=bool((fmax != fmin).any()), anyone=bool(fmax.any()))


def _account_flags(p: _Pairs, acc_of: np.ndarray, n_acc: int) -> tuple[np.ndarray, np.ndarray]:
    """Per account: whether any of its daily rows is flagged, and whether all are."""
    has = np.flatnonzero(acc_of >= 0)
    a = acc_of[has]
    fmax = np.bincount(a, weights=p.fmax[has], minlength=n_acc) > 0
    fmin = np.bincount(a, weights=p.fmin[has], minlength=n_acc) == np.bincount(a, minlength=n_acc)
    return fmax, fmin


def _scored_flagged(ws, index: _AccountIndex) -> np.ndarray:
    """Per account: whether the coordination scores flag it."""
    bad = np.zeros(len(index.keys), dtype=bool)
    fl = flagged_accounts(ws)
    if len(fl):
        at = index.find(fl.platform, fl.account_id)
        bad[at[at >= 0]] = True
    return bad


def _first_region(p: _Pairs, acc_of: np.ndarray, n_acc: int) -> np.ndarray:
    """Each account's region: the first known one of its pairs, in their order; ``unknown``
    without one."""
    known = np.flatnonzero((acc_of >= 0) & pd.notna(p.region))
    at_a, at = firsts(acc_of[known])
    out = np.full(n_acc, UNKNOWN, dtype=object)
    out[at_a] = _text(p.region[known[at]])
    return out


def _estimates(ws, index: _AccountIndex, n_acc: int, min_conf: float) -> dict[str, np.ndarray]:
    """Each account's person, gender, age band and occupation (``unknown`` without one)."""
    d = _dimensions(ws, min_conf)
    at = index.find(d["platform"], d["account_id"])
    has = at >= 0
    out = {}
    for c in ("person", "gender", "age_band", "occupation"):
        out[c] = np.full(n_acc, UNKNOWN, dtype=object)
        out[c][at[has]] = d[c][has]
    return out


def _stances(ws, index: _AccountIndex, acct: np.ndarray, cand: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """The stance (None: none) of each (account, pair) entry: accounts ``acct``, pairs
    ``cands[cand]``; from the unfiltered per-account stances (an account's own)."""
    st = account_stances(ws, False)
    out = np.full(len(acct), None, dtype=object)
    if not len(st) or not len(acct):
        return out
    sa = index.find(st.platform, st.account_id)
    sc = pd.Index(cands, dtype=object).get_indexer(pd.Index(_text(st.candidate), dtype=object))
    ok = (sa >= 0) & (sc >= 0)
    w = len(cands)
    at = pd.Index(sa[ok] * w + sc[ok]).get_indexer(acct * w + cand)
    found = at >= 0
    out[found] = st["stance"].to_numpy(dtype=object)[ok][at[found]]
    return out


def _groups(ws, index: _AccountIndex, n_acc: int) -> np.ndarray:
    """Each account's audience segment (``persuadable`` when it has none)."""
    seg = account_segments(ws, False)
    out = np.full(n_acc, "persuadable", dtype=object)
    at = index.find(seg.platform, seg.account_id)
    g = seg["group"].to_numpy(dtype=object)
    has = (at >= 0) & pd.notna(g)
    out[at[has]] = g[has]
    return out


def _issue_lists(ws, index: _AccountIndex, n_acc: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every distinct issue of each account: (each account's offset into the codes, then the
    end; the issues' numbers, each account's in order; the issues' names)."""
    plat, ids, at, codes, names = _issue_sets(ws)
    src = np.full(n_acc, -1, dtype=np.int64)   # each account's position among those with issues
    found = index.find(plat, ids) if len(plat) else np.zeros(0, dtype=np.int64)
    src[found[found >= 0]] = np.flatnonzero(found >= 0)
    has = np.flatnonzero(src >= 0)
    starts, lens = np.zeros(n_acc, dtype=np.int64), np.zeros(n_acc, dtype=np.int64)
    starts[has] = at[:-1][src[has]]
    lens[has] = at[1:][src[has]] - starts[has]
    return np.concatenate(([0], np.cumsum(lens))), codes[_slices(starts, lens)], names


def _slices(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The positions of consecutive slices (``lens[j]`` from ``starts[j]``), one after another."""
    return np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))


def _issue_sets(ws) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct issues of every account in the per-account issue counts the segments
    read too, once per run: (platform, account id as text, each account's offset into the
    codes then the end, the issues' numbers, the issues' names as text). Accounts without a
    platform or an id are left out."""
    def build():
        df = account_issue_counts(ws)
        code, raw = pd.factorize(df["issue"].to_numpy(dtype=object), use_na_sentinel=False)
        # names as text: two values with one text are one issue
        again, names = pd.factorize(np.array([str(x) for x in raw], dtype=object))
        code = again[code].astype(np.int64) if len(code) else code.astype(np.int64)
        plat_no, plats = pd.factorize(df["platform"].to_numpy(dtype=object))
        id_no, ids = pd.factorize(_text(df["account_id"].to_numpy(dtype=object)))
        ok = (plat_no >= 0) & (id_no >= 0)
        ni, w = max(len(names), 1), max(len(ids), 1)
        pairs = np.unique((plat_no[ok].astype(np.int64) * w + id_no[ok]) * ni + code[ok])   # by account, then issue
        acct, first, count = np.unique(pairs // ni, return_index=True, return_counts=True)
        return (np.asarray(plats, dtype=object)[acct // w], np.asarray(ids, dtype=object)[acct % w],
                np.append(first, len(pairs)), pairs % ni, np.asarray(names, dtype=object))
    return memo(ws, ("demographics_issues",), build, copy=False)


def _view_frames(b: _Built | None, filtered: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """One view's (per account x pair mentions, per account dimensions, issues and segment,
    counts of accounts and organisations). The filtered view keeps the accounts not flagged
    in the daily rows; an account the coordination scores flag (the same ones while the
    pre-aggregated tables are current) gets what the filtered stances, issues and segments
    give an account they do not list: no stance, no issues, ``persuadable``.

    ``m``: ``acct`` (the account's position in ``acc``), ``candidate``, ``n``, ``pos``,
    ``neg``, ``stance``; ``acc``: ``platform``, ``account_id``, the dimensions, ``group``,
    ``issues`` (a list per account, as Arrow lists)."""
    if b is None:
        m = _frame_of({"acct": np.zeros(0, dtype=np.int64), "candidate": np.zeros(0, dtype=object),
                       **{c: np.zeros(0, dtype=np.int64) for c in ("n", "pos", "neg")},
                       "stance": np.zeros(0, dtype=object)})
        return m, pd.DataFrame(), {"accounts": 0, "organisations": 0}
    keep = ~b.fl if filtered else np.ones(len(b.fl), dtype=bool)
    kept = np.flatnonzero(keep)
    renum = np.cumsum(keep) - 1
    rows = np.flatnonzero(keep[b.m["acct"]])
    m = {c: v[rows] for c, v in b.m.items()}
    m["acct"] = renum[m["acct"]]
    acc = {c: v[kept] for c, v in b.acc.items()}
    lens = np.diff(b.issue_at)[kept]
    starts = b.issue_at[:-1][kept]
    if filtered and b.bad.any():
        bad = b.bad[kept]
        m["stance"] = np.where(bad[m["acct"]], None, m["stance"])
        acc["group"] = np.where(bad, "persuadable", acc["group"])
        lens = np.where(bad, 0, lens)
    offsets = np.concatenate(([0], np.cumsum(lens))).astype(np.int32)
    names = pa.array(b.issue_names, type=pa.string()).take(pa.array(b.issue_codes[_slices(starts, lens)]))
    acc["issues"] = pd.arrays.ArrowExtensionArray(pa.ListArray.from_arrays(pa.array(offsets), names))
    return _frame_of(m), _frame_of(acc), b.counts["filtered" if filtered else "all"]


def _frame_of(cols: dict[str, Any]) -> pd.DataFrame:
    """A frame of these columns as they are: text stays Python objects (a frame made from
    them would turn them into Arrow strings, which every look-up then converts back)."""
    return pd.DataFrame({c: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object
                         else v for c, v in cols.items()})


def _numbering(plat: np.ndarray, ids: np.ndarray) -> tuple["_AccountIndex", np.ndarray]:
    """One number per distinct (platform, id as text) of the rows, in sorted order, and each
    row's (-1 where one is missing); with the index that finds other accounts' numbers."""
    plat_no, plats = pd.factorize(plat)
    id_no, uids = pd.factorize(_text(ids))
    key = np.where((plat_no >= 0) & (id_no >= 0), plat_no.astype(np.int64) * max(len(uids), 1) + id_no, -1)
    num, keys = pd.factorize(key, sort=True)
    if len(keys) and keys[0] == -1:   # the missing ones: no number
        num, keys = num - 1, keys[1:]
    return _AccountIndex.of(plats, uids, keys), num
