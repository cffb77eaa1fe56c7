"""Backups, erasure, retention and safe exports (UU PDP and crash safety)."""
import json
import tarfile
import io

import pandas as pd
import pytest

import suara
from suara.analyse.base import ENRICH_VERSION_KEY
from suara.report.export import neutralise, write_csv
from suara.store.admin import (apply_retention, backup, forget_account, processing_register, restore,
                               verify_backup)


def _load(ws, tmp_path):
    rows = [
        {"suara_type": "post", "platform": "x", "post_id": "p1", "text": "Gas Gratispol",
         "created_at": "2024-10-01T02:00:00Z", "likes": 4, "author": {"account_id": "u1", "handle": "budi"}},
        {"suara_type": "post", "platform": "x", "post_id": "p2", "text": "Pahamlah ikam",
         "created_at": "2024-11-20T02:00:00Z", "likes": 1, "author": {"account_id": "u2", "handle": "ani"}},
        {"suara_type": "post", "platform": "x", "post_id": "p3", "text": "balas", "kind": "reply",
         "parent_id": "p1", "created_at": "2024-11-21T02:00:00Z", "author": {"account_id": "u1", "handle": "budi"}},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + '\n{"suara_type":"post","platform":"x","post_id":"bad","created_at":"x","author":{"account_id":"u1"}}\n')
    ws.ingest([f])
    ws.store.set_meta(ENRICH_VERSION_KEY, "v1")
    ws.store.append("mentions", pd.DataFrame([
        {"platform": "x", "post_id": "p1", "version": "v1", "candidate": "2", "sentiment": "positive", "score": 0.8},
        {"platform": "x", "post_id": "p2", "version": "v1", "candidate": "1", "sentiment": "positive", "score": 0.5},
        {"platform": "x", "post_id": "p3", "version": "v1", "candidate": "2", "sentiment": "neutral", "score": 0.0}]))
    ws.store.append("account_scores", pd.DataFrame([{"platform": "x", "account_id": "u1", "buzzer_score": 0.2, "flagged": False}]))


def test_admin_backup_restore_roundtrip(workspace, tmp_path):
    _load(workspace, tmp_path)
    f = backup(workspace, tmp_path / "b.tar.gz")
    m = verify_backup(f)
    assert "suara.duckdb" in m["files"]
    target = restore(f, tmp_path / "restored")
    ws2 = suara.open(target)
    for t in ("posts", "accounts", "mentions", "quarantine", "metric_observations"):
        assert ws2.store.count(t) == workspace.store.count(t), t
    ws2.close()


def test_admin_restore_refuses_tampered_and_traversal(tmp_path, workspace):
    f = backup(workspace, tmp_path / "b.tar.gz")
    # tamper: rewrite the archive with a changed store file
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(f) as src, tarfile.open(bad, "w:gz") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read()
            if m.name == "suara.yaml":
                data += b"# changed\n"
                m.size = len(data)
            dst.addfile(m, io.BytesIO(data))
    with pytest.raises(ValueError, match="corrupt"):
        restore(bad, tmp_path / "r1")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as dst:
        man = json.dumps({"suara_backup": 1, "schema_version": 1, "files": {"../x": {"sha256": ""}}}).encode()
        i = tarfile.TarInfo("MANIFEST.json"); i.size = len(man); dst.addfile(i, io.BytesIO(man))
        i = tarfile.TarInfo("../x"); i.size = 1; dst.addfile(i, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="unsafe member"):
        restore(evil, tmp_path / "r2")
    assert not (tmp_path / "x").exists()


def test_admin_forget_leaves_nothing_of_the_account(workspace, tmp_path):
    _load(workspace, tmp_path)
    counts = forget_account(workspace, "x", "u1")
    assert counts["posts"] == 2 and counts["accounts"] == 1
    s = workspace.store
    for t, where in [("posts", "account_id = 'u1'"), ("accounts", "account_id = 'u1'"),
                     ("mentions", "post_id IN ('p1', 'p3')"), ("metric_observations", "post_id IN ('p1','p3')"),
                     ("account_scores", "account_id = 'u1'"), ("quarantine", "raw LIKE '%u1%'")]:
        assert s.sql(f"SELECT count(*) AS n FROM {t} WHERE {where}").n[0] == 0, t
    assert s.count("posts") == 1  # the other account's post stays
    log = s.sql("SELECT action, target FROM audit_log WHERE action = 'forget'")
    assert len(log) == 1 and "u1" not in log.target[0]


def test_admin_retention_purges_old_posts_keeps_aggregates(workspace, tmp_path):
    _load(workspace, tmp_path)
    import datetime as dt
    res = apply_retention(workspace, days=30, now=dt.datetime(2024, 11, 25))
    assert res["purged_posts"] == 1
    s = workspace.store
    assert set(s.sql("SELECT post_id FROM posts").post_id) == {"p2", "p3"}
    agg = s.sql("SELECT * FROM aggregates_daily")
    assert len(agg) == 1 and agg.candidate[0] == "2" and agg.mentions[0] == 1 and agg.positive[0] == 1


def test_admin_processing_register_lists_activities(workspace, tmp_path):
    _load(workspace, tmp_path)
    reg = processing_register(workspace)
    assert reg["activities"][0]["records"] == 2
    assert any("pseudonymised" in x for x in reg["activities"][0]["safeguards"])


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1"])
def test_export_csv_injection_neutralised(cell, tmp_path):
    p = write_csv(pd.DataFrame({"text": [cell], "n": [1]}), tmp_path / "o.csv")
    back = pd.read_csv(p)
    assert back.text[0].startswith("'") and back.n[0] == 1
    assert neutralise("-3.5") == "-3.5" and neutralise("halo") == "halo"


def test_admin_decides_account_type_for_naming_and_pseudonyms(tmp_path):
    """UU PDP: the account type decides named vs pseudonymised, and an admin can override it
    (CLI), with an audit entry; later imports keep the decision."""
    import pandas as pd
    from typer.testing import CliRunner

    import suara
    from suara.analyse.brand import account_profiles
    from suara.cli import app
    from test_analyse_brand import build_world
    ws = build_world(suara.init(tmp_path / "w"))
    prof = account_profiles(ws)
    citizen = prof[prof.type == "citizen"].iloc[0]
    assert citizen.display.startswith("warga-")
    ws.store.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["big"], "handle": ["seleb"],
                                              "followers": [50_000]}))
    ws.close()
    run = CliRunner().invoke
    who = f"{citizen.platform}:{citizen.account_id}"
    r = run(app, ["privacy", "account-type", who, "media", "-w", str(tmp_path / "w")])
    assert r.exit_code == 0, r.output
    r = run(app, ["privacy", "account-type", "x:big", "citizen", "-w", str(tmp_path / "w")])
    assert r.exit_code == 0, r.output
    r = run(app, ["privacy", "account-type", "x:big", "celebrity", "-w", str(tmp_path / "w")])
    assert r.exit_code != 0 and "must be one of" in r.output
    ws = suara.open(tmp_path / "w")
    # an import that carries no type (or another one) does not undo the decision
    ws.store.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["big"],
                                              "account_type": [None], "followers": [60_000]}))
    prof = account_profiles(ws).set_index(["platform", "account_id"])
    assert prof.loc[(citizen.platform, str(citizen.account_id)), "display"] == citizen.handle
    assert prof.loc[("x", "big"), "type"] == "citizen"
    assert prof.loc[("x", "big"), "display"].startswith("warga-")
    log = ws.store.sql("SELECT action, target, detail FROM audit_log WHERE action = 'account_type'")
    assert len(log) == 2 and not log.target.str.contains("big").any()
    ws.close()
