"""Every output names an account by one resolved type (suara.analyse.accounts.resolve_types):
the admin's decision, then the election's official and tracked accounts, then the exported
type, then 10k+ followers or verified = influencer, else citizen. The column-at-a-time path
taken for the store's columns resolves exactly as the row rules do, missing values included."""
from __future__ import annotations

from types import SimpleNamespace as NS

import pandas as pd
import pytest

from suara.analyse import accounts as A

ELECTION = NS(candidates=[NS(official_accounts={"x": ["@RudyMasud"], "instagram": ["h.rudy"]})],
              tracked_accounts=[NS(platform="X", handle="@KpuKaltim", account_type="city")])
ROWS = [("x", "1", None, None, pd.NA, pd.NA), ("x", "2", float("nan"), "unknown", 10000, False),
        ("x", "3", "@RUDYMASUD", "media", 5, True), ("INSTAGRAM", "4", "h.rudy", "", 9999, pd.NA),
        ("tiktok", "5", "", "party", pd.NA, True), ("x", "6", "nan", "", 1, False),
        ("x", "7", "kpukaltim", "citizen", 20000, True), ("x", "8", "someone", None, 10001, pd.NA)]


def _frame() -> pd.DataFrame:
    e = pd.DataFrame(ROWS, columns=["platform", "account_id", "handle", "account_type", "followers", "verified"])
    return e.astype({"followers": "Int64", "verified": "boolean"})


def _by_rows(a, decided):
    keep = A._types_by_column
    A._types_by_column = lambda *args: None
    try:
        return A.resolve_types(a, ELECTION, decided)
    finally:
        A._types_by_column = keep


def test_account_types_follow_the_rules_in_order():
    assert A.resolve_types(_frame(), ELECTION) == [
        "citizen", "influencer", "official", "official", "party", "citizen", "city", "influencer"]
    decided = {("x", "2"): "official", ("tiktok", "5"): "citizen", ("x", "3"): "party"}
    assert A.resolve_types(_frame(), ELECTION, decided)[1:5] == ["official", "party", "official", "citizen"]


@pytest.mark.parametrize("decided", [{}, {("x", "2"): "official", ("tiktok", "5"): "citizen", ("x", "3"): "party"}])
@pytest.mark.parametrize("variant", ["object", "store_strings", "float_followers", "object_verified", "text_verified"])
def test_account_types_by_column_equal_the_row_rules(decided, variant):
    e = _frame()
    nan_str = pd.StringDtype(na_value=float("nan"))
    if variant == "store_strings":   # what the store's frames hold: text with NaN for missing
        e = e.astype({"platform": nan_str, "account_id": nan_str, "handle": nan_str})
    elif variant == "float_followers":
        e = e.astype({"followers": "float64"})
    elif variant == "object_verified":   # what the store gives for a flag with nulls: True, False, None
        e = e.astype({"verified": object})
        e.loc[e.verified.isna(), "verified"] = None
        assert A._types_by_column(e, set(), {}, {}) is not None
    elif variant == "text_verified":   # neither flags nor objects: the row rules decide
        e = e.astype({"verified": "string"})
        assert A._types_by_column(e, set(), {}, {}) is None
    assert A.resolve_types(e, ELECTION, decided) == _by_rows(e, decided)
