"""Audience analytics on a simulated campaign, checked against the simulator's ground truth."""
from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def simws(tmp_path_factory):
    import suara
    from suara.detect.coordination import detect_coordination
    from suara.sim import simulate
    d = tmp_path_factory.mktemp("sim")
    exports = d / "exports"
    simulate(exports, seed=11, scale=6000)
    ws = suara.init(d / "ws")
    ws.ingest(sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth"))
    ws.enrich()
    detect_coordination(ws)
    truth = pd.read_csv(exports / "ground_truth" / "accounts.csv", dtype=str, keep_default_na=False)
    yield ws, truth
    ws.close()


def test_analyse_audience_sim_region_accuracy(simws):
    from suara.analyse.audience import infer_regions
    ws, truth = simws
    infer_regions(ws)
    inf = ws.store.table("account_regions").execute()
    inf["account_id"] = inf.account_id.astype(str)
    t = truth[truth.region != ""]
    j = t.merge(inf, on=["platform", "account_id"], suffixes=("_true", ""))
    assert len(j) > 0.3 * len(t)
    acc = (j.region == j.region_true).mean()
    baseline = t.region.value_counts(normalize=True).iloc[0]
    assert acc > 0.8 and acc > 2.5 * baseline, (acc, baseline)
    strong = j[j.confidence >= 0.5]
    assert (strong.region == strong.region_true).mean() > 0.9


def test_analyse_audience_sim_stances_match_true_support(simws):
    from suara.analyse.audience import account_segments
    ws, truth = simws
    seg = account_segments(ws, filtered=True)
    j = seg.merge(truth, on=["platform", "account_id"])
    for b in ws.election.ballots:
        sup = j[j.group == f"supporter:{b}"]
        assert len(sup) > 20
        assert (sup.support == b).mean() > 0.75, b


def test_analyse_audience_sim_filtered_drops_buzzers_and_hides_citizens(simws):
    ws, truth = simws
    doc = ws.analyse(sections=["share_of_voice", "influencers", "segments", "recommendations"])
    for k, v in doc.items():
        assert "error" not in v, (k, v)
    sov = doc["share_of_voice"]
    tot_all = sum(sov["all"][b]["mentions"] for b in ws.election.ballots)
    tot_f = sum(sov["filtered"][b]["mentions"] for b in ws.election.ballots)
    assert tot_f < tot_all
    seg_all, seg_f = doc["segments"]["all"]["accounts"], doc["segments"]["filtered"]["accounts"]
    assert seg_f < seg_all
    citizens = set(truth.loc[truth.account_type.isin(["citizen", "buzzer"]), "handle"])
    shown = [a["account"] for v in ("all", "filtered") for a in doc["influencers"][v]["top"]]
    shown += [a["account"] for a in doc["segments"]["filtered"]["persuadables"]["top_accounts"]]
    assert shown and not set(shown) & citizens
    recs = doc["recommendations"]["recommendations"]
    assert recs, "the simulated campaign should yield some above-baseline cells"
    names = {r.name for r in ws.election.regions}
    for r in recs:
        assert r["lift_shrunk"] > 1 and r["region"] != "unknown"
        assert r["text_en"].startswith("Posts on") or any(n in r["text_en"] for n in names)
    json.dumps(doc)
