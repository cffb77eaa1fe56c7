"""Cases: playbook choice, lifecycle with audit log, evidence export with content hashes, CLI."""
from __future__ import annotations

import csv
import hashlib
import json

import pytest

from suara.analyse.cases import (CaseError, add_note, assign_case, export_evidence, get_case, list_cases,
                                 open_case, resolve_case, suggest_playbook)
from suara.detect.radar import list_alerts, run_radar
from test_radar_world import load_world, world_frames


@pytest.mark.parametrize("typ,sev,reach,expected", [
    ("hoax", "low", 10, "fact_check_and_report"),
    ("sara_hate", "medium", 10, "report_hate"),
    ("organic_criticism", "low", 500, "ignore_low_reach"),
    ("organic_criticism", "high", 50_000, "clarify_with_facts"),
    ("black_campaign", "high", 50_000, "counter_narrative"),
    ("opponent_attack", "medium", 20_000, "counter_narrative"),
    ("positive_surge", "medium", 1e6, "amplify"),
])
def test_cases_playbook_choice(typ, sev, reach, expected):
    pb = suggest_playbook(typ, sev, reach)
    assert pb["id"] == expected and pb["steps"] and pb["why"]


@pytest.fixture
def alerted(workspace):
    load_world(workspace, world_frames())
    run_radar(workspace)
    return workspace


def test_cases_lifecycle_and_audit(alerted):
    ws = alerted
    a = next(x for x in list_alerts(ws) if x["type"] == "hoax")
    c = open_case(ws, a["id"], actor="rina")
    assert c["status"] == "open" and c["playbook"]["id"] == "fact_check_and_report"
    assert open_case(ws, a["id"])["case_id"] == c["case_id"]          # one case per alert
    assign_case(ws, c["case_id"], "budi", actor="rina", start=True)
    add_note(ws, c["case_id"], "Sent to turnbackhoax", actor="budi")
    r = resolve_case(ws, c["case_id"], "Debunk published", actor="budi")
    assert r["status"] == "resolved" and r["resolved_at"] and r["assignee"] == "budi"
    assert [n["text"] for n in r["notes"]] == ["Sent to turnbackhoax", "Resolved: Debunk published"]
    with pytest.raises(CaseError):
        assign_case(ws, c["case_id"], "someone")
    log = ws.store.sql("SELECT actor, action, target FROM audit_log ORDER BY \"at\"")
    acts = log[log["target"] == c["case_id"]]["action"].tolist()
    assert acts == ["case.open", "case.assign", "case.note", "case.resolve"]
    assert list_cases(ws, "resolved")[0]["case_id"] == c["case_id"]
    assert ws.store.sql("SELECT status FROM alerts WHERE alert_id = ?", [a["id"]]).iloc[0, 0] == "case"


def test_cases_errors_are_clear(alerted):
    with pytest.raises(CaseError, match="not found"):
        open_case(alerted, "al-nope")
    c = open_case(alerted, list_alerts(alerted)[0]["id"])
    with pytest.raises(CaseError, match="text"):
        add_note(alerted, c["case_id"], "  ")
    with pytest.raises(CaseError, match="outcome"):
        resolve_case(alerted, c["case_id"], "")


def test_cases_evidence_export_hashes(alerted, tmp_path):
    ws = alerted
    a = next(x for x in list_alerts(ws) if x["type"] == "black_campaign" and x["kind"] == "anomaly")
    c = open_case(ws, a["id"])
    r = export_evidence(ws, c["case_id"], tmp_path)
    assert r["posts"] == a["posts"] > 50
    rows = list(csv.DictReader(open(r["csv"], encoding="utf-8")))
    assert len(rows) == r["posts"]
    for row in rows[:10]:
        assert row["sha256"] == hashlib.sha256(row["text"].encode("utf-8")).hexdigest()
        assert row["url"].startswith("https://") and row["created_at"].endswith("Z")
    doc = json.loads(open(r["json"], encoding="utf-8").read())
    assert doc["csv_sha256"] == hashlib.sha256(open(r["csv"], "rb").read()).hexdigest()
    assert doc["alert"]["type"] == "black_campaign" and len(doc["posts"]) == r["posts"]
    assert ws.store.sql("SELECT count(*) FROM audit_log WHERE action = 'case.export'").iloc[0, 0] == 1


def test_cases_cli(alerted, tmp_path):
    from typer.testing import CliRunner
    from suara.cli import app
    ws = alerted
    w = str(ws.path)
    aid = list_alerts(ws)[0]["id"]
    ws.close()
    run = CliRunner().invoke
    r = run(app, ["case", "open", aid, "-w", w, "--by", "rina", "--json"])
    assert r.exit_code == 0, r.output
    cid = json.loads(r.stdout)["case_id"]
    assert run(app, ["case", "assign", cid, "budi", "-w", w]).exit_code == 0
    assert run(app, ["case", "note", cid, "Checked the origin", "-w", w]).exit_code == 0
    r = run(app, ["case", "show", cid, "-w", w])
    assert "Checked the origin" in r.stdout and "playbook" in r.stdout
    r = run(app, ["case", "export", cid, "-w", w, "-o", str(tmp_path)])
    assert r.exit_code == 0 and (tmp_path / f"{cid}-evidence.csv").exists()
    assert run(app, ["case", "resolve", cid, "Handled", "-w", w]).exit_code == 0
    r = run(app, ["case", "list", "-w", w, "--json"])
    assert json.loads(r.stdout)[0]["status"] == "resolved"
    r = run(app, ["case", "show", "case-nope", "-w", w])
    assert r.exit_code == 1 and "not found" in r.output
