"""Query results built by suara.store.arrowframe equal Ibis' own frames, value for value."""
from __future__ import annotations

import pandas as pd
import pytest

from suara.store import Store

_ROWS = """
CREATE TABLE t AS SELECT * FROM (VALUES
  (1, 1::BIGINT, 1.5, TRUE, TRUE, 'a', 'x', TIMESTAMPTZ '2024-11-01 10:00:00+00', DATE '2024-11-01', ['p', 'q'], 1.25::DECIMAL(10,2), NULL::BIGINT, 3::INTEGER, {'k': 1}, TIMESTAMP '2024-11-01 10:00:00.123456', 7::HUGEINT),
  (2, NULL, NULL, FALSE, NULL, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 3, 'nan'::DOUBLE, TRUE, FALSE, 'c', 'z', TIMESTAMPTZ '2024-11-02 10:00:00+00', DATE '2024-11-02', [], 2.50, NULL, 5, {'k': 2}, TIMESTAMP '2024-11-02 00:00:00', 9::HUGEINT)
) AS v(i, ni, f, b, nb, s, ns, ts, d, arr, dec, allnull, i32, st, ts0, h)
"""


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))
    assert a.index.equals(b.index)
    for c in a.columns:
        for x, y in zip(a[c].tolist(), b[c].tolist()):
            # the same kind of missing value (None and NaN are not interchangeable for a caller)
            assert type(x) is type(y), (c, x, y)
            if not hasattr(x, "__len__") and pd.isna(x):
                assert pd.isna(y)
            else:
                assert x == y or (hasattr(x, "__len__") and list(x) == list(y)), (c, x, y)


@pytest.fixture()
def backend():
    s = Store()
    s.execute(_ROWS)
    b = s.ibis
    assert "execute" in b.__dict__   # the shortcut is installed on the store's backend
    yield b
    s.close()


@pytest.mark.parametrize("rows", ["all", "the nulls", "none", "no nulls"])
def test_frames_equal_ibis_own_for_every_type(backend, rows):
    """Every column type, with and without nulls, all-null and empty results: the frame is
    Ibis' frame (dtypes, values, None vs NaN)."""
    t = backend.table("t")
    expr = {"all": t, "the nulls": t.filter(t.i == 2), "none": t.filter(t.i > 5),
            "no nulls": t.filter(t.i != 2)}[rows]
    fast = backend.execute(expr)
    own = type(backend).execute(backend, expr)
    _same(fast, own)


def test_columns_and_scalars_equal_ibis_own(backend):
    t = backend.table("t")
    for expr in (t.s, t.ns, t.ni, t.ts0, t.ni.sum(), t.count(), t.ns.max(), t.group_by("b").aggregate(n=t.count()),
                 t.group_by("b").aggregate(n=t.i.sum(), last=t.ts0.max()),
                 t.filter(t.i > 5).group_by("b").aggregate(n=t.i.sum(), last=t.ts0.max())):
        fast, own = backend.execute(expr), type(backend).execute(backend, expr)
        if isinstance(own, pd.DataFrame):
            _same(fast.sort_values("b").reset_index(drop=True), own.sort_values("b").reset_index(drop=True))
        elif isinstance(own, pd.Series):
            _same(fast.to_frame(), own.to_frame())
        else:
            assert type(fast) is type(own) and fast == own
