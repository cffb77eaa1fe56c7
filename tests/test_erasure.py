"""`suara forget` after a full pipeline: no table and no file of the workspace keeps the
account's id, handle or pseudonym, and nothing else is taken along (quarantine purge exact)."""
import json
import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import suara
from suara.analyse.privacy import pseudonym, workspace_salt
from suara.cli import app as cli
from suara.store.erase import token_pattern

runner = CliRunner()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from suara.demo import run_demo
    d = tmp_path_factory.mktemp("erase") / "ws"
    run_demo(d, seed=5)
    return d


def _pick(ws):
    """A citizen that coordination flagged and the radar names, with a distinctive id and handle."""
    df = ws.store.sql("""SELECT a.platform, a.account_id, a.handle, count(*) AS n FROM accounts a
                         JOIN posts p USING (platform, account_id) LEFT JOIN account_scores s USING (platform, account_id)
                         WHERE coalesce(a.account_type, 'unknown') IN ('citizen', 'unknown') AND length(a.account_id) >= 6
                           AND length(a.handle) >= 6
                         GROUP BY ALL ORDER BY max(coalesce(s.flagged, false)::INT) DESC, n DESC LIMIT 1""")
    r = df.iloc[0]
    return r.platform, str(r.account_id), str(r.handle)


def _traces(ws_path, tokens):
    """Every table cell (as text) and every file of the workspace that holds a token."""
    pat = token_pattern(tokens)
    hits = []
    ws = suara.open(ws_path)
    tables = [r[0] for r in ws.store.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main'").fetchall()]
    for t in tables:
        df = ws.store.sql(f'SELECT * FROM "{t}"')
        for c in df.columns:
            for v in df[c].dropna().astype(str):
                if pat.search(v):
                    hits.append(f"table {t}.{c}: {v[:120]}")
                    break
    ws.close()
    bpat = re.compile(pat.pattern.encode())
    for p in sorted(ws_path.rglob("*")):
        if p.is_file() and p.name not in (".secret", ".pseudonym-key"):
            raw = p.read_bytes()
            if bpat.search(raw):
                hits.append(f"file {p.relative_to(ws_path)}")
            elif p.suffix == ".gz":
                import gzip
                if bpat.search(gzip.decompress(raw)):
                    hits.append(f"file {p.relative_to(ws_path)} (inside)")
    return hits


def test_erasure_leaves_no_trace_in_any_table_or_file(pipeline, tmp_path):
    d = tmp_path / "ws"
    shutil.copytree(pipeline, d)
    ws = suara.open(d)
    platform, aid, handle = _pick(ws)
    alias = pseudonym(platform, aid, workspace_salt(ws))
    # everything else that can name it: an alert and its case with a note, a decision in the
    # audit log, an exact quarantined row and a longer id that must survive, an upload,
    # CLI exports with real handles, a JSON export
    from suara.analyse.cases import add_note, open_case
    from suara.store.admin import set_account_type
    ws.store.append("alerts", pd.DataFrame([{
        "alert_id": "al-erase", "kind": "anomaly", "candidate": "1", "type": "black_campaign", "severity": "high",
        "top_accounts": json.dumps([f"{platform}:{handle}", f"{platform}:{alias}", "x:kaltimtoday"]),
        "evidence": json.dumps({"reason": f"led by @{handle} ({aid})", "trace": {"origin": [f"{platform}:{aid}"]}}),
        "status": "new"}]))
    case = open_case(ws, "al-erase", actor="rina")
    add_note(ws, case["case_id"], f"asked platform about {handle}, id {aid}", actor="rina")
    set_account_type(ws, platform, aid, "citizen", actor="rina")
    ws.store.append("quarantine", pd.DataFrame([
        {"file": "up.jsonl", "row": 1, "field": "likes", "reason": "bad", "raw": json.dumps({"author": {"id": aid}})},
        {"file": "up.jsonl", "row": 2, "field": "likes", "reason": "bad", "raw": json.dumps({"author": {"id": aid + "0"}})},
        {"file": "up.jsonl", "row": 3, "field": "likes", "reason": "bad", "raw": json.dumps({"text": f"x{aid}x"})}]))
    uploads = d / "uploads"
    uploads.mkdir()
    src = next(p for p in (d / "exports").rglob("*") if p.is_file() and aid.encode() in p.read_bytes())
    shutil.copy(src, uploads / ("job-1-" + src.name))
    posts_before = ws.store.count("posts")
    own = ws.store.execute("SELECT count(*) FROM posts WHERE platform = ? AND account_id = ?", [platform, aid]).fetchall()[0][0]
    ws.close()
    r = runner.invoke(cli, ["detect", "coordination", "-w", str(d), "-o", str(d / "exports" / "coord-real"),
                            "--real-handles"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["analyse", "-w", str(d), "--json"])
    (d / "exports" / "analysis.json").write_text(r.output)
    tokens = [aid, handle, alias]
    before = _traces(d, tokens)
    assert any(h.startswith("table alerts") for h in before) and any("uploads" in h for h in before)
    assert any("coord-real" in h for h in before) and any(h.startswith("table audit_log") for h in before)

    r = runner.invoke(cli, ["forget", "--account", f"{platform}:{aid}", "--yes", "-w", str(d)])
    assert r.exit_code == 0, r.output
    assert _traces(d, tokens) == []

    ws = suara.open(d)
    assert ws.store.count("posts") == posts_before - own   # only its own posts went
    q = ws.store.sql("SELECT row, raw FROM quarantine WHERE file = 'up.jsonl' ORDER BY row")
    assert list(q.row) == [2, 3]                          # exact match: the longer ids stay
    au = ws.store.sql("SELECT action, target, detail FROM audit_log WHERE action IN ('forget', 'account_type')")
    assert "erased account" in " ".join(au.target.astype(str))
    note = ws.store.sql("SELECT notes FROM cases WHERE alert_id = 'al-erase'").notes[0]
    assert "erased account" in note
    top = json.loads(ws.store.sql("SELECT top_accounts FROM alerts WHERE alert_id = 'al-erase'").top_accounts[0])
    assert "x:kaltimtoday" in top
    ws.analyse()  # the workspace still works
    ws.close()


def test_erasure_quarantine_purge_is_exact_for_short_ids(tmp_path):
    ws = suara.init(tmp_path / "w")
    ws.store.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["12"], "handle": ["ab"]}))
    ws.store.append("quarantine", pd.DataFrame([
        {"file": "f", "row": i, "raw": raw} for i, raw in enumerate([
            json.dumps({"user": {"id": "12"}}), json.dumps({"user": {"id": 12}}), json.dumps({"user": {"id": "123"}}),
            json.dumps({"text": "12 orang datang"}), json.dumps({"likes": 812}), "not json 12,ab", "not json 120"])]))
    counts = ws.forget("x", "12")
    left = list(ws.store.sql("SELECT row FROM quarantine ORDER BY row").row)
    assert counts["quarantine"] == 3 and left == [2, 3, 4, 6]
    ws.close()
