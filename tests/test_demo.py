"""The demo end to end: simulate -> ingest -> enrich -> coordination -> radar -> analyse -> report."""
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import suara
from suara.cli import app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from suara.demo import run_demo
    d = tmp_path_factory.mktemp("demo") / "suara-demo"
    summary = run_demo(d, seed=11)
    return d, summary


def test_demo_runs_every_stage_and_writes_report(demo):
    d, s = demo
    assert s["unreadable"] == []
    assert s["imported"] > 15_000 and s["enriched"] >= s["imported"] * 0.9
    assert (d / "hoaxes.csv").is_file() and s["hoax_matches"] > 0  # hoax matching end to end
    html = (d / "report.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html  # charts
    assert '<script src="http' not in html and "<script src='http" not in html  # no external scripts: offline
    assert "Isran" in html and "Rudy" in html
    sov = s["share_of_voice"]
    assert set(sov["all"]) == {"1", "2"} and set(sov["filtered"]) == {"1", "2"}
    assert abs(sum(v["share"] for v in sov["all"].values()) - 1) < 1e-6


def test_demo_workspace_opens_with_every_command(demo):
    d, _ = demo
    r = CliRunner().invoke(app, ["analyse", "-w", str(d), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    for key in ("share_of_voice", "influencers", "exposure", "regions", "segments", "recommendations"):
        assert key in doc and "error" not in (doc[key] if isinstance(doc[key], dict) else {}), key
    r = CliRunner().invoke(app, ["radar", "-w", str(d), "--json"])
    assert r.exit_code == 0
    assert isinstance(json.loads(r.stdout), list)


def test_demo_finds_planted_buzzers_and_crises(demo):
    d, s = demo
    truth = pd.read_csv(d / "exports" / "ground_truth" / "accounts.csv", dtype=str)
    buzzers = set(zip(truth.platform[truth.is_buzzer.str.lower().isin(["true", "1"])],
                      truth.account_id[truth.is_buzzer.str.lower().isin(["true", "1"])]))
    ws = suara.open(d)
    flagged = set(map(tuple, ws.store.sql("SELECT platform, account_id FROM account_scores WHERE flagged")
                      .to_numpy().tolist()))
    assert buzzers and flagged
    precision = len(flagged & buzzers) / len(flagged)
    recall = len(flagged & buzzers) / len(buzzers)
    assert precision > 0.8 and recall > 0.8, (precision, recall)
    assert ws.store.count("alerts") > 0
    assert s["alerts"] == ws.store.count("alerts")   # the summary says how many alerts there are
    ws.close()
