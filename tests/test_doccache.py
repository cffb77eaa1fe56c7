"""The last complete analysis is given back while nothing it was computed from changed, and
computed again after any change: a write to the store (even one that keeps every count), a
workspace file the analysis reads, a partial run, an erasure, a failed section."""
from __future__ import annotations

import os

import pytest

import suara


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from suara.sim import simulate
    d = tmp_path_factory.mktemp("doc")
    simulate(d / "exports", seed=3, scale=600)
    w = suara.init(d / "ws")
    w.ingest([p for p in (d / "exports").iterdir() if p.is_dir() and p.name != "ground_truth"])
    w.enrich()
    yield w
    w.close()


def _same(a: dict, b: dict) -> bool:
    a, b = dict(a), dict(b)
    a["meta"] = {k: v for k, v in a["meta"].items() if k != "reused"}
    b["meta"] = {k: v for k, v in b["meta"].items() if k != "reused"}
    return a == b


def test_unchanged_workspace_gives_the_kept_analysis_back(ws):
    first = ws.analyse(reuse=False)
    assert "reused" not in first["meta"]
    again = ws.analyse()
    assert again["meta"]["reused"] is True
    assert _same(again, first)
    # the file is the owner's alone: it holds what the document shows
    assert oct(os.stat(ws.store.doc_cache.path).st_mode & 0o777) == "0o600"
    assert "reused" not in ws.analyse(reuse=False)["meta"]


def test_a_write_that_keeps_every_count_still_computes_again(ws):
    ws.analyse()
    assert ws.analyse()["meta"].get("reused")
    # a handle renamed: no row count or newest time moves, the database's log does
    ws.store.execute("UPDATE accounts SET handle = handle || '_x' WHERE account_id = "
                     "(SELECT min(account_id) FROM accounts)")
    doc = ws.analyse()
    assert "reused" not in doc["meta"]
    assert ws.analyse()["meta"].get("reused")


def test_new_posts_are_counted_not_served_stale(ws, tmp_path):
    before = ws.analyse()["meta"]["posts"]
    f = tmp_path / "extra.csv"
    f.write_text("conversation_id_str,created_at,favorite_count,full_text,id_str,image_url,in_reply_to_screen_name,"
                 "lang,location,quote_count,reply_count,retweet_count,tweet_url,user_id_str,username\n"
                 "990000000000000001,Mon Nov 18 08:00:00 +0000 2024,3,Isran Hadi untuk Kaltim #kaltim,"
                 "990000000000000001,,,in,Samarinda,0,0,1,https://x.com/warga/status/990000000000000001,"
                 "880000000000000001,warga_baru\n", encoding="utf-8")
    ws.ingest(f)
    doc = ws.analyse()
    assert "reused" not in doc["meta"] and doc["meta"]["posts"] == before + 1


def test_workspace_files_the_analysis_reads_are_part_of_the_key(ws):
    ws.analyse()
    assert ws.analyse()["meta"].get("reused")
    edges = ws.path / "coordination" / "edges.csv"
    edges.parent.mkdir(exist_ok=True)
    edges.write_text("platform,src,dst,weight\n", encoding="utf-8")
    assert "reused" not in ws.analyse()["meta"]
    assert ws.analyse()["meta"].get("reused")
    cfg = ws.path / "suara.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "reused" not in ws.analyse()["meta"]


def test_partial_runs_are_neither_served_nor_kept(ws):
    full = ws.analyse()
    part = ws.analyse(sections=["meta"])
    assert "reused" not in part["meta"] and set(part) == {"meta"}
    again = ws.analyse()
    assert again["meta"].get("reused") and _same(again, full)


def test_a_failed_section_is_not_kept(ws, monkeypatch):
    from suara.analyse.section import get
    sec = get("forecast")

    def broken(*a, **k):
        raise RuntimeError("model file missing")
    monkeypatch.setattr(type(sec), "compute", broken)
    doc = ws.analyse(reuse=False)
    assert "error" in doc["forecast"]
    assert not os.path.exists(ws.store.doc_cache.path)
    monkeypatch.undo()
    doc = ws.analyse()
    assert "reused" not in doc["meta"] and "error" not in doc["forecast"]


def test_erasure_removes_the_kept_analysis(ws):
    ws.analyse()
    assert os.path.exists(ws.store.doc_cache.path)
    acc = ws.store.execute("SELECT platform, account_id FROM accounts ORDER BY account_id LIMIT 1").fetchall()[0]
    ws.forget(*acc)
    assert not os.path.exists(ws.store.doc_cache.path)
    assert "reused" not in ws.analyse()["meta"]
