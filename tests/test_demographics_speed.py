"""The demographics section's whole-number shortcuts give what the plain pandas ways give:
grouping the daily rows per (account, pair), the figures of every cell (the same sums in the
same order), the differencing guard, the views built once when nobody is flagged, and each
view built apart when a flag is not an account's own."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from test_analyse_demographics import dws  # noqa: F401 - the shared workspace fixture

from suara.analyse import demographic_cells as dc
from suara.analyse import demographic_frames as F
from suara.analyse import demographics as D
from suara.analyse.base import safe_float
from suara.enrich.demographics import UNKNOWN


def _daily(seed: int = 0, n: int = 400) -> pd.DataFrame:
    """Daily rows as the per-account daily mentions hold them: some accounts without an id
    (on two platforms), some rows without a region."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"a{i}" for i in range(40)] + [None], dtype=object)
    t = pd.DataFrame({
        "platform": pd.Series(rng.choice(["x", "tiktok"], n), dtype=object),
        "account_id": pd.Series(ids[rng.integers(0, len(ids), n)], dtype=object),
        "candidate": pd.Series(rng.choice(["1", "2"], n), dtype=object),
        "region": pd.Series(np.where(rng.random(n) < 0.3, None, rng.choice(["6471", "6472"], n)), dtype=object),
        "flagged": rng.random(n) < 0.2,
        "mentions": rng.integers(1, 9, n), "positive": rng.integers(0, 4, n), "negative": rng.integers(0, 4, n)})
    return t


def _row_accounts(t: pd.DataFrame, monkeypatch) -> np.ndarray:
    p, _ = pd.factorize(t.platform.to_numpy(dtype=object))
    i, _ = pd.factorize(t.account_id.to_numpy(dtype=object))
    codes = np.where((p < 0) | (i < 0), -1, p * (int(i.max()) + 1) + i)
    monkeypatch.setattr(F, "account_codes", lambda ws: codes)
    return F._row_accounts(None, t)


@pytest.mark.parametrize("subset", [False, True])
def test_per_pair_is_the_group_by(monkeypatch, subset):
    t = _daily()
    acct = _row_accounts(t, monkeypatch)
    rows = np.flatnonzero(~t.flagged.to_numpy()) if subset else None
    p = F._per_pair(t, acct, rows)
    sub = t.iloc[rows] if subset else t
    g = sub.groupby(["platform", "account_id", "candidate"], sort=False, dropna=False)
    ref = g[["mentions", "positive", "negative"]].sum()
    assert len(p.n) == len(ref)   # an account without an id stays apart per platform
    assert p.n.tolist() == ref.mentions.tolist() and p.pos.tolist() == ref.positive.tolist()
    assert p.neg.tolist() == ref.negative.tolist()
    first = g["region"].first()
    assert [None if pd.isna(r) else r for r in p.region] == [None if pd.isna(r) else r for r in first]
    assert p.fmax.tolist() == g["flagged"].max().tolist() and p.fmin.tolist() == g["flagged"].min().tolist()
    keys = list(zip(t.platform.to_numpy()[p.row], t.account_id.to_numpy()[p.row], p.cands[p.cand]))
    assert [tuple(None if pd.isna(v) else v for v in k) for k in keys] == \
        [tuple(None if pd.isna(v) else v for v in k) for k in ref.index]


def _view(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A view's frames: accounts with dimensions, segments and issues; their (account, pair)
    rows in shuffled order, so that a cell's rows show its accounts in another order."""
    rng = np.random.default_rng(seed)
    n = 300
    issues = [sorted(set(rng.choice(["jalan", "banjir", "harga", "kerja"], rng.integers(0, 4)).tolist()))
              for _ in range(n)]
    offsets = np.concatenate(([0], np.cumsum([len(i) for i in issues]))).astype(np.int32)
    flat = pa.array([x for i in issues for x in i], type=pa.string())
    acc = pd.DataFrame({
        "gender": pd.Series(rng.choice(["f", "m", UNKNOWN], n), dtype=object),
        "age_band": pd.Series(rng.choice(["<25", "25-44", UNKNOWN], n), dtype=object),
        "occupation": pd.Series(rng.choice(["petani", "guru_dosen", UNKNOWN], n), dtype=object),
        "region": pd.Series(rng.choice(["6471", "6472", UNKNOWN], n), dtype=object),
        "group": pd.Series(rng.choice(["persuadable", "supporter:1", "opponent:2"], n), dtype=object),
        "issues": pd.arrays.ArrowExtensionArray(pa.ListArray.from_arrays(pa.array(offsets), flat))})
    rows = [(a, c) for a in range(n) for c in ("1", "2") if rng.random() < 0.7 or c == "1"]
    rows = [rows[i] for i in rng.permutation(len(rows))]
    m = pd.DataFrame({"acct": np.array([a for a, _ in rows], dtype=np.int64),
                      "candidate": pd.Series([c for _, c in rows], dtype=object),
                      "n": rng.integers(1, 50, len(rows)), "pos": rng.integers(0, 20, len(rows)),
                      "neg": rng.integers(0, 20, len(rows)),
                      "stance": pd.Series(rng.choice(["supporter", "opponent", "persuadable", None], len(rows)),
                                          dtype=object)})
    return m, acc


def _reference_cell(m: pd.DataFrame, acc: pd.DataFrame, pos: np.ndarray, ballots, k) -> dict:
    """One cell's figures the plain way: its rows by a mask over all rows, its accounts by
    their first row, each figure from the cell's own arrays."""
    rows = m[np.isin(m.acct.to_numpy(), pos)]
    codes, uniq = pd.factorize(rows.acct.to_numpy())
    n = rows.n.to_numpy(float)
    per_acc = np.bincount(codes, weights=n, minlength=len(uniq))
    net_y = rows.pos.to_numpy(float) - rows.neg.to_numpy(float)
    out = {}
    for b in ballots:
        mask = (rows.candidate == b).to_numpy()
        acc_b = int(mask.sum())
        if acc_b < k:
            out[b] = {"accounts": None, "suppressed": True}
            continue
        y = np.zeros(len(uniq))
        y[codes[mask]] = n[mask]
        share = dc.ratio_interval(y, per_acc, 0.0, 1.0)
        net = dc.ratio_interval(net_y[mask], n[mask], -1.0, 1.0)
        st = rows.stance.to_numpy(dtype=object)[mask]
        n_s = {s: int((st == s).sum()) for s in ("supporter", "opponent", "persuadable")}
        stance = {s: {"share": safe_float(c / acc_b), "interval": list(dc.wilson(c, acc_b))} for s, c in n_s.items()}
        out[b] = {"accounts": acc_b, "mentions": int(n[mask].sum()), "share": share[0],
                  "share_interval": [share[1], share[2]], "net_sentiment": net[0], "net_interval": [net[1], net[2]],
                  "stance": stance}
    cell = {"accounts": len(uniq), "mentions": int(per_acc.sum()), "pairs": out}
    lists = [acc.issues.iloc[i] for i in pos]
    counts: dict[str, int] = {}
    for il in lists:
        for i in il:
            counts[i] = counts.get(i, 0) + 1
    ranked = sorted((-c, i) for i, c in counts.items())[:5]
    cell["issues"] = [{"issue": i, "accounts": -c, "share": safe_float(-c / len(pos)),
                       "interval": list(dc.wilson(-c, len(pos)))} for c, i in ranked if -c >= k]
    g = acc.group.to_numpy(dtype=object)[pos]
    seen = list(dict.fromkeys(g.tolist()))
    sizes = {s: int((g == s).sum()) for s in seen}
    cell["segments"] = {s: {"accounts": sizes[s], "share": safe_float(sizes[s] / len(pos)),
                            "interval": list(dc.wilson(sizes[s], len(pos)))}
                        for s in sorted(seen, key=lambda s: -sizes[s]) if sizes[s] >= k}
    return cell


@pytest.mark.parametrize("seed", [0, 1])
def test_cells_are_the_plain_figures(seed):
    m, acc = _view(seed)
    ballots, k = ["1", "2"], 5
    va = dc.ViewArrays(m, acc, ballots)
    overall = _reference_cell(m, acc, np.arange(len(acc)), ballots, k)
    assert dc.pair_figures(va, ballots, k) == {c: overall[c] for c in ("accounts", "mentions", "pairs")}
    for dims in (("gender",), ("gender", "region"), ("gender", "age_band", "occupation", "region")):
        cells, sup = dc.cells(va, dims, ballots, k, len(dims) == 1)
        listed = suppressed = 0
        for key, grp in acc.groupby(list(dims), sort=True):
            key = key if isinstance(key, tuple) else (key,)
            if len(dims) > 1 and UNKNOWN in key:
                continue
            if len(grp) < k:
                suppressed += 1
                continue
            ref = dict(zip(dims, key))
            ref.update(_reference_cell(m, acc, grp.index.to_numpy(), ballots, k))
            assert json.dumps(cells[listed]) == json.dumps(ref)   # key order too
            listed += 1
        assert listed == len(cells) and sup["cells"] == suppressed


def test_secondary_suppression_by_codes_is_by_text():
    m, acc = _view(2)
    va = dc.ViewArrays(m, acc, ["1", "2"])
    dims = ("gender", "age_band", "region")
    cells, _ = dc.cells(va, dims, ["1", "2"], 4, False)
    a, b = [dict(c) for c in cells], [dict(c) for c in cells]
    assert dc.secondary_suppression(a, acc, dims, 12, va) == dc.secondary_suppression(b, acc, dims, 12)
    assert a == b


def test_nobody_flagged_gives_one_view_copied(dws):  # noqa: F811
    frames = F._frames(dws, 0.5)
    assert frames["all"] is frames["filtered"]
    sec = D.demographics_section(dws)
    assert json.dumps(sec["all"]) == json.dumps(sec["filtered"])
    sec["all"]["cells"]["gender"].clear()   # the views do not share their lists
    assert sec["filtered"]["cells"]["gender"]


def test_a_flag_not_the_accounts_own_builds_each_view_apart(dws, monkeypatch):  # noqa: F811
    """The first row of some accounts flagged: the filtered view drops those rows, not the
    accounts, so it is built from its own rows."""
    from suara.analyse.base import account_daily
    t = account_daily(dws).copy()
    some = t.account_id.isin(["w1", "m3", "u2"]).to_numpy()
    t["flagged"] = some & (t.groupby("account_id").cumcount() == 0).to_numpy()   # each one's first row
    monkeypatch.setattr(F, "account_daily", lambda ws: t)
    assert F._built(dws, t, F._per_pair(t, F._row_accounts(dws, t)), 0.5).mixed
    both = F._frames(dws, 0.5)
    for view in ("all", "filtered"):
        m, acc, counts = F._frame(dws, view == "filtered", 0.5)
        pd.testing.assert_frame_equal(both[view][0], m)
        pd.testing.assert_frame_equal(both[view][1], acc)
        assert both[view][2] == counts
