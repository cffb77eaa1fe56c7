"""Election-law watch: quiet period, voting day, paid window, account cap, evidence export."""
from __future__ import annotations

import csv
import hashlib
import json

import ibis
import pytest

from suara.analyse import lawwatch as lw
from test_analyse_mobilise import acc, post, put


@pytest.fixture
def watched(workspace):
    ws = workspace
    ig = dict(platform="instagram")
    put(ws,
        accounts=[acc("rudy", 90000, handle="h.rudymasud", **ig),                  # tracked, pair 2 (config)
                  acc("kpu", 50000, handle="kpu_kaltim", account_type="official", **ig),   # election body
                  acc("isr", 30000, handle="isranhadi.official", account_type="official", **ig),
                  acc("fan", 100, handle="fan", **ig)],
        posts=[
            # 23:30 WITA on 23 Nov: still campaign time (15:30 UTC)
            post("q0", "rudy", "2024-11-23 15:30", text="Terima kasih Kaltim", url="https://instagram.com/p/q0", **ig),
            # 00:30 WITA on 24 Nov: quiet period (16:30 UTC on the 23rd)
            post("q1", "rudy", "2024-11-23 16:30", text="Jangan lupa coblos 02", url="https://instagram.com/p/q1", **ig),
            post("q2", "isr", "2024-11-25 03:00", text="Isran-Hadi untuk Kaltim", **ig),
            post("q3", "kpu", "2024-11-25 03:00", text="Ayo ke TPS 27 November", **ig),
            post("q4", "fan", "2024-11-25 03:00", text="02 pasti menang", **ig),
            post("v1", "rudy", "2024-11-27 01:00", text="Selamat mencoblos", **ig),
            post("p_in", "isr", "2024-11-12 03:00", is_paid=True, text="iklan", **ig),
            post("p_out", "isr", "2024-11-05 03:00", is_paid=True, text="iklan dini", **ig),
            post("p_fan", "fan", "2024-11-01 03:00", is_paid=True, text="dukung 02", **ig),
            post("p_fan2", "fan", "2024-11-02 03:00", is_paid=True, text="promo toko", **ig),
        ],
        mentions=[("instagram", "q2", "1", "positive"), ("instagram", "p_in", "1", "positive"),
                  ("instagram", "p_out", "1", "positive"), ("instagram", "p_fan", "2", "positive"),
                  ("instagram", "q3", "1", "neutral"), ("instagram", "q3", "2", "neutral")])
    return ws


def _by(findings, rule):
    return {(f["account_id"]): f for f in findings if f["rule"] == rule}


def test_lawwatch_official_accounts(watched):
    off = lw.official_accounts(watched).execute()
    got = dict(zip(off.account_id, off.candidate))
    assert got == {"rudy": "2", "isr": "1"}            # KPU is official but no pair's account


def test_lawwatch_official_accounts_by_id_and_the_same_sql_every_run(watched):
    """A registered handle also names the account whose id it is (an export without handles),
    once per account; the config's accounts are literals of the query, so the SQL that reads
    the official accounts is the same text in every run (what the read-ahead needs)."""
    put(watched, accounts=[acc("h.rudymasud", 10, handle="someone_else", platform="instagram")])
    off = lw.official_accounts(watched).execute()
    assert sorted(off.account_id) == ["h.rudymasud", "isr", "rudy"]
    assert off.groupby("account_id").size().max() == 1
    # built twice, as two runs build it (a table of in-memory rows would get a new name each time)
    sql = [str(ibis.to_sql(lw.official_table(watched))) for _ in range(2)]
    assert sql[0] == sql[1] and "memtable" not in sql[0]


def test_lawwatch_official_accounts_materialised_once_per_run(watched):
    """Inside a run (a read scope) the official accounts are one temporary table that every
    query reading them shares, with the accounts the expression finds, dropped when the run
    ends; outside a run each call is the expression itself (accounts edited in place are seen)."""
    def rows(t):
        return sorted(map(tuple, t.execute()[["platform", "account_id", "candidate", "how"]].values.tolist()))
    plain = lw.official_table(watched)
    assert "ibis_cache" not in str(ibis.to_sql(plain))
    with watched.store.reading():
        t = lw.official_table(watched)
        assert lw.official_table(watched) is t
        name = t.op().name
        assert name.startswith("ibis_cache")
        assert name in watched.store.con.execute("SELECT table_name FROM duckdb_tables()").df().table_name.tolist()
        assert rows(t) == rows(plain)
        assert len(lw._official_frame(watched)) == len(rows(plain))
    assert name not in watched.store.con.execute("SELECT table_name FROM duckdb_tables()").df().table_name.tolist()
    assert lw.official_table(watched) is not t


def test_lawwatch_quiet_period_and_vote_day(watched):
    f = lw.find_violations(watched)
    quiet = _by(f, "quiet_period")
    assert set(quiet) == {"rudy", "isr"}
    assert [p["post_id"] for p in quiet["rudy"]["posts"]] == ["q1"]          # q0 was before midnight WITA
    assert quiet["rudy"]["candidate"] == "2" and quiet["rudy"]["severity"] == "high"
    assert quiet["rudy"]["posts"][0]["created_local"].startswith("2024-11-24T00:30:00+08:00")
    vote = _by(f, "vote_day")
    assert list(vote) == ["rudy"] and vote["rudy"]["posts"][0]["post_id"] == "v1"


def test_lawwatch_paid_outside_window(watched):
    f = [x for x in lw.find_violations(watched) if x["rule"] == "paid_outside_window"]
    posts = sorted(p["post_id"] for x in f for p in x["posts"])
    assert posts == ["p_fan", "p_out"]        # in-window ad and a paid post about no pair are fine
    kinds = {x["account_id"]: x["detail"]["account"] for x in f}
    assert kinds == {"isr": "official", "fan": "other"}


def test_lawwatch_account_cap(workspace):
    ws = workspace
    cap = ws.election.max_official_accounts_per_platform
    n = cap + 1
    put(ws, accounts=[acc(f"o{i}", account_type="official", platform="tiktok") for i in range(n)],
        posts=[post(f"t{i}", f"o{i}", "2024-10-01 03:00", platform="tiktok") for i in range(n)],
        mentions=[("tiktok", f"t{i}", "1", "positive") for i in range(n)])
    f = [x for x in lw.find_violations(ws) if x["rule"] == "account_cap"]
    assert len(f) == 1 and f[0]["candidate"] == "1" and f[0]["platform"] == "tiktok"
    assert f[0]["detail"]["accounts"] == n and f[0]["detail"]["cap"] == cap
    # at the cap: no finding
    ws.store.execute("DELETE FROM accounts WHERE account_id = 'o0'")
    ws.store.execute("UPDATE accounts SET account_type = 'citizen' WHERE account_id = 'o1'")
    assert not [x for x in lw.find_violations(ws) if x["rule"] == "account_cap"]


def test_lawwatch_evidence_export(watched, tmp_path):
    paths = lw.export_evidence(watched, tmp_path / "ev")
    doc = json.loads(paths["findings"].read_text(encoding="utf-8"))
    assert doc["election"] == "kaltim-2024" and len(doc["findings"]) == 5
    rows = list(csv.DictReader(paths["posts"].open(encoding="utf-8")))
    assert {r["post_id"] for r in rows} == {"q1", "q2", "v1", "p_out", "p_fan"}
    q1 = next(r for r in rows if r["post_id"] == "q1")
    assert q1["url"] == "https://instagram.com/p/q1" and q1["created_at"] == "2024-11-23T16:30:00"
    # the content hash is reproducible from the exported fields
    again = lw.content_hash({"platform": q1["platform"], "post_id": q1["post_id"], "account_id": q1["account_id"],
                             "created_at": q1["created_at"], "text": q1["text"], "url": q1["url"],
                             "media_files": []})
    assert q1["sha256"] == again and len(again) == 64
    # editing the text changes the hash
    assert lw.content_hash({"platform": "instagram", "post_id": "q1", "account_id": "rudy",
                            "created_at": q1["created_at"], "text": "edited", "url": q1["url"]}) != again
    man = json.loads(paths["manifest"].read_text())
    for name, digest in man["files"].items():
        assert hashlib.sha256((tmp_path / "ev" / name).read_bytes()).hexdigest() == digest


def test_lawwatch_section_and_cli(watched, tmp_path):
    from typer.testing import CliRunner
    from suara.analyse.run import analyse_workspace
    from suara.cli import app
    from suara.report.daily import render_report
    doc = analyse_workspace(watched, sections=["meta", "law_watch"])
    assert "errors" not in doc["meta"]
    assert doc["law_watch"]["summary"]["quiet_period"] == {"1": 1, "2": 1}
    json.dumps(doc["law_watch"])                     # JSON-able (no NaN, no timestamps)
    assert "masa tenang" in render_report(watched, doc)
    w = str(watched.store.path).rsplit("/", 1)[0]
    watched.close()
    res = CliRunner().invoke(app, ["lawwatch", "-w", w, "--export", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "5 findings" in res.output and (tmp_path / "out" / "manifest.json").exists()


def test_lawwatch_handle_pattern_leads(workspace):
    tt = dict(platform="tiktok")
    put(workspace, accounts=[acc("t1", handle="timrudyseno", account_type=None, **tt),
                             acc("f1", handle="rudysenolovers", **tt), acc("t2", handle="relawan.isranhadi", **tt)],
        posts=[post("a", "t1", "2024-11-25 03:00", **tt), post("b", "f1", "2024-11-25 03:00", **tt),
               post("c", "t2", "2024-11-12 03:00", **tt)])
    off = lw.official_accounts(workspace).execute()
    assert dict(zip(off.account_id, off.candidate)) == {"t1": "2", "t2": "1"}
    assert set(off.how) == {"handle"}
    quiet = [f for f in lw.find_violations(workspace) if f["rule"] == "quiet_period"]
    assert [f["account_id"] for f in quiet] == ["t1"] and quiet[0]["detail"]["official_by"] == "handle"
    assert lw.official_accounts(workspace, handle_patterns=False).count().execute() == 0
