"""bench/adapt_variants.py chooses workspace-model variants on the dev split of the real
political posts: no test-split post may be labelled, scored or read unlabelled there, and its
weighted fit must be the model `suara train` fits when every weight is one."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("suara_bench_adapt_variants", ROOT / "bench" / "adapt_variants.py")
av = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(av)


@pytest.mark.parametrize("name", ["political-posneg", "political-3"])
def test_adapt_variants_dev_split_never_touches_test_posts(fixtures_dir, name):
    test = av.test_keys(fixtures_dir)
    assert len(test) > 300
    for seed in (0, 1):
        lab, rest, pool = av.split(name, fixtures_dir, seed, "dev")
        assert len(lab) == av.SIZES["dev"][name] and len(rest) > 90
        assert set(lab["split"]) == {"dev"} and set(rest["split"]) == {"dev"}
        keys = {av.dedupe_key(t) for t in pool}
        assert not (keys | set(lab["_k"]) | set(rest["_k"])) & test
        assert not keys & set(lab["_k"]) and not set(rest["_k"]) & set(lab["_k"])
        assert set(rest["_k"]) <= keys  # the scored posts sit unlabelled in the workspace


def test_adapt_variants_whole_split_is_bench_adapt(fixtures_dir):
    lab, rest, pool = av.split("political-posneg", fixtures_dir, 0, "whole")
    assert len(lab) == 200 and len(lab) + len(rest) == len(av.collection("political-posneg", fixtures_dir))
    assert {"dev", "test"} <= set(rest["split"])


def test_adapt_variants_unit_weights_fit_the_shipped_training():
    from suara.enrich.adapt import AdaptedModel
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8))
    y = ["positive" if v > 0.3 else "negative" for v in X[:, 0] + 0.5 * rng.normal(size=60)]
    a = AdaptedModel.fit(X, y, "sentiment", 1.0, {"version": 0})
    b = av._fit(X, y, 1.0, np.ones(len(y)))
    assert a.classes == b.classes
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-3)
