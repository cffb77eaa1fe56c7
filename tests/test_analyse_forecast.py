"""Vote-share forecast: output shape, supporter counting and MAE on hand-built data with known truth."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from suara.analyse import forecast as fc
from test_analyse_mobilise import acc, post, put


def test_forecast_shape_on_empty_workspace(workspace):
    r = fc.forecast(workspace, n_boot=20)
    ballots = workspace.election.ballots
    codes = [x.code for x in workspace.election.regions]
    assert list(r["overall"]) == ballots and list(r["regions"]) == codes
    assert r["overall"] == {"1": 0.5, "2": 0.5}
    assert set(r["interval"]) >= {"level", "overall", "regions"}
    assert r["trust"]["level"] == "low"
    json.dumps(r)


def test_forecast_supporter_counting(workspace):
    """One account = one voice; net stance decides; attacking the rival counts as support;
    institutions, flagged accounts and ties are not counted."""
    posts, ments = [], []

    def say(aid, *stances):
        for k, (cand, s) in enumerate(stances):
            pid = f"{aid}_{k}"
            posts.append(post(pid, aid, "2024-11-01 10:00"))
            ments.append(("x", pid, cand, s))
    say("loud", *[("2", "positive")] * 10)           # many posts, one supporter
    say("mixed", ("1", "positive"), ("2", "positive"), ("2", "positive"))
    say("tie", ("1", "positive"), ("2", "positive"))
    say("attacker", ("1", "negative"), ("1", "negative"), ("2", "positive"))
    say("critic", ("1", "negative"))                  # no positive stance: undecided
    say("media", ("1", "positive"))
    say("bot", ("1", "positive"))
    put(workspace, posts=posts, mentions=ments, flagged=[("x", "bot")],
        accounts=[acc(a, region="6472") for a in ("loud", "mixed", "tie", "attacker", "critic", "bot")]
        + [acc("media", account_type="media", region="6472")])
    s = fc.supporters(workspace).execute()
    assert dict(zip(s.account_id, s.candidate)) == {"loud": "2", "mixed": "2", "attacker": "2"}
    s_all = fc.supporters(workspace, filtered=False).execute()
    assert "bot" in set(s_all.account_id)


def _world(ws, truth: dict[str, float], per_region: int, seed: int, buzzers: int = 0, unlocated: int = 0):
    """Accounts spread over regions, each supporting pair 1 with the region's true share,
    saying so in a positive post (and sometimes a negative post about the rival)."""
    rng = np.random.default_rng(seed)
    posts, ments, accounts = [], [], []
    i = 0
    for code, p1 in truth.items():
        for _ in range(per_region):
            i += 1
            c = "1" if rng.random() < p1 else "2"
            accounts.append(acc(f"a{i}", region=code))
            posts.append(post(f"p{i}", f"a{i}", "2024-11-10 10:00"))
            ments.append(("x", f"p{i}", c, "positive"))
    for k in range(unlocated):
        c = "1" if rng.random() < 0.45 else "2"
        accounts.append(acc(f"u{k}"))
        posts.append(post(f"up{k}", f"u{k}", "2024-11-10 10:00"))
        ments.append(("x", f"up{k}", c, "positive"))
    for k in range(buzzers):   # a buzzer network pushing pair 1 in Samarinda
        accounts.append(acc(f"b{k}", region="6472"))
        posts.append(post(f"bp{k}", f"b{k}", "2024-11-10 10:00"))
        ments.append(("x", f"bp{k}", "1", "positive"))
    put(ws, posts=posts, mentions=ments, accounts=accounts, flagged=[("x", f"b{k}") for k in range(buzzers)])


@pytest.fixture
def truth(workspace):
    # true share of pair 1 per region: the official 2024 result (from the config)
    return {r.code: r.result["1"] / (r.result["1"] + r.result["2"]) for r in workspace.election.regions}


def test_forecast_mae_on_known_truth(workspace, truth):
    _world(workspace, truth, per_region=400, seed=3, buzzers=300, unlocated=200)
    r = fc.forecast(workspace, n_boot=200)
    exp = {c: {"1": v, "2": 1 - v} for c, v in truth.items()}
    region_mae = fc.mae(r["regions"], exp)
    unf_mae = fc.mae(r["unfiltered"]["regions"], exp)
    assert region_mae < 0.03, region_mae
    assert unf_mae > region_mae                    # buzzers distort; removing them helps
    assert r["unfiltered"]["regions"]["6472"]["1"] > r["regions"]["6472"]["1"] + 0.1
    dpt = {x.code: x.dpt for x in workspace.election.regions}
    overall_truth = sum(truth[c] * dpt[c] for c in truth) / sum(dpt.values())
    assert abs(r["overall"]["1"] - overall_truth) < 0.015
    for code, shares in r["regions"].items():
        assert abs(sum(shares.values()) - 1) < 1e-9
        lo, hi = r["interval"]["regions"][code]["1"]
        assert lo <= shares["1"] <= hi
    lo, hi = r["interval"]["overall"]["1"]
    assert lo <= r["overall"]["1"] <= hi and hi - lo < 0.06
    assert r["supporters"]["unlocated"] == 200 and r["supporters"]["located"] == 4000


def test_forecast_interval_covers_truth_most_of_the_time(workspace, truth):
    """Bootstrap intervals should cover the truth for most regions (sampling noise only)."""
    _world(workspace, truth, per_region=150, seed=11)
    r = fc.forecast(workspace, n_boot=300, prior_strength=0.0)
    covered = sum(r["interval"]["regions"][c]["1"][0] <= truth[c] <= r["interval"]["regions"][c]["1"][1]
                  for c in truth)
    assert covered >= 8, covered


def test_forecast_thin_region_leans_on_province():
    from suara.config import load_election
    e = load_election("kaltim-2024")
    counts = pd.DataFrame({"region": ["6472"] * 2 + ["6411"], "candidate": ["1", "2", "1"], "n": [500, 500, 1]})
    r = fc.estimate_shares(counts, e, n_boot=0)
    assert 0.5 <= r["regions"]["6411"]["1"] < 0.55       # one supporter does not make 100 %
    assert r["regions"]["6472"]["1"] == pytest.approx(0.5, abs=0.01)


def test_forecast_section_and_report(workspace, truth):
    from suara.analyse.run import analyse_workspace
    from suara.report.daily import render_report
    _world(workspace, truth, per_region=30, seed=1)
    doc = analyse_workspace(workspace, sections=["meta", "forecast"])
    assert "errors" not in doc["meta"]
    f = doc["forecast"]
    assert set(f["overall"]) == {"1", "2"} and "6472" in f["regions"]
    html = render_report(workspace, doc, lang="en")
    assert "Vote-share forecast" in html and "not a random sample" in html


def test_forecast_config_institutions_not_counted(workspace):
    """A media account the config tracks is not a voter even when the data leave it untyped."""
    ig = dict(platform="instagram")
    put(workspace, accounts=[acc("m1", handle="kaltimtoday", account_type=None, **ig),
                             acc("c1", handle="warga1", **ig)],
        posts=[post("m", "m1", "2024-11-01 10:00", **ig), post("c", "c1", "2024-11-01 10:00", **ig)],
        mentions=[("instagram", "m", "2", "positive"), ("instagram", "c", "2", "positive")])
    assert list(fc.supporters(workspace).execute().account_id) == ["c1"]
