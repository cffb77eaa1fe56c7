"""Store: schema, idempotent and atomic imports, migrations, locking."""
import json

import pytest

import suara
from suara.ingest import ingest_paths
from suara.store import SCHEMA_VERSION, Store, StoreError, StoreLockedError


def _jsonl(path, rows):
    path.write_text("\n".join(json.dumps({"suara_type": "post", **r}) for r in rows) + "\n")
    return path


ROWS = [
    {"platform": "x", "post_id": "1", "text": "Gas #Gratispol", "created_at": "2024-10-01T10:00:00+08:00",
     "likes": 3, "author": {"account_id": "u1", "handle": "budi", "followers": 10}},
    {"platform": "x", "post_id": "2", "text": "Pahamlah ikam", "created_at": 1727750000, "likes": 1,
     "author": {"account_id": "u2", "handle": "ani"}},
]


def test_store_reimport_changes_nothing_but_adds_observations(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    f = _jsonl(tmp_path / "a.jsonl", ROWS)
    r1 = ingest_paths(s, [f])[0]
    assert (r1.accepted, r1.updated, r1.quarantined) == (2, 0, 0)
    before = s.sql("SELECT * FROM posts ORDER BY post_id").drop(columns=["ingested_at"])
    accounts = s.sql("SELECT * FROM accounts ORDER BY account_id")
    import time; time.sleep(1.1)  # observations are keyed by second
    r2 = ingest_paths(s, [f])[0]
    assert (r2.accepted, r2.updated, r2.unchanged) == (0, 0, 2)
    after = s.sql("SELECT * FROM posts ORDER BY post_id").drop(columns=["ingested_at"])
    assert before.equals(after)
    assert accounts.equals(s.sql("SELECT * FROM accounts ORDER BY account_id"))
    assert s.count("metric_observations") == 4
    assert s.count("imports") == 2


def test_store_newer_export_updates_metrics_older_never_rolls_back(tmp_path):
    s = Store(":memory:")
    ingest_paths(s, [_jsonl(tmp_path / "a.jsonl", ROWS)])
    newer = [dict(ROWS[0], likes=50)]
    r = ingest_paths(s, [_jsonl(tmp_path / "b.jsonl", newer)])[0]
    assert r.updated == 1
    older = [dict(ROWS[0], likes=2)]
    ingest_paths(s, [_jsonl(tmp_path / "c.jsonl", older)])
    assert s.sql("SELECT likes FROM posts WHERE post_id='1'").iloc[0, 0] == 50


def test_store_bad_rows_quarantined_good_rows_kept(tmp_path):
    s = Store(":memory:")
    f = tmp_path / "mixed.jsonl"
    f.write_text(json.dumps({"suara_type": "post", **ROWS[0]}) + "\n{not json\n"
                 + json.dumps({"suara_type": "post", "platform": "x", "post_id": "9",
                               "created_at": "yesterday-ish"}) + "\n")
    r = ingest_paths(s, [f])[0]
    assert (r.accepted, r.quarantined) == (1, 2)
    q = s.sql("SELECT file, row, field, reason FROM quarantine ORDER BY row")
    assert list(q["row"]) == [2, 3]
    assert q["field"].tolist() == ["(line)", "created_at"]
    assert all(q["file"] == str(f))


def test_store_interrupted_import_leaves_store_as_it_was(tmp_path, monkeypatch):
    s = Store(":memory:")
    ingest_paths(s, [_jsonl(tmp_path / "a.jsonl", ROWS)])
    snapshot = {t: s.count(t) for t in ("posts", "accounts", "metric_observations", "imports")}
    import suara.ingest.pipeline as pl
    real = pl._flush
    calls = {"n": 0}

    def boom(store, b, rep):
        calls["n"] += 1
        real(store, b, rep)
        raise KeyboardInterrupt  # e.g. Ctrl-C after the first batch was written

    monkeypatch.setattr(pl, "_flush", boom)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(s, [_jsonl(tmp_path / "b.jsonl", [dict(ROWS[0], post_id="77")])])
    assert calls["n"] == 1
    assert {t: s.count(t) for t in snapshot} == snapshot


def test_store_unreadable_file_is_a_clear_error(tmp_path):
    s = Store(":memory:")
    f = tmp_path / "garbage.bin"
    f.write_bytes(b"\x00\x01\x02\xff" * 100)
    r = ingest_paths(s, [f])[0]
    assert r.error and "garbage.bin" in r.error and "binary" in r.error
    assert s.count("posts") == 0


def test_store_schema_version_and_refuses_newer(tmp_path):
    p = tmp_path / "s.duckdb"
    s = Store(p)
    assert s.schema_version() == SCHEMA_VERSION
    s.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    s.close()
    with pytest.raises(StoreError, match="newer"):
        Store(p)


def test_store_second_writer_gets_clear_lock_message(tmp_path):
    import subprocess, sys
    p = tmp_path / "s.duckdb"
    Store(p).close()
    holder = subprocess.Popen([sys.executable, "-c",
                               f"import duckdb,time; c=duckdb.connect({str(p)!r}); print('ok', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreLockedError, match="in use by another Suara process"):
            Store(p)
    finally:
        holder.kill()


def test_workspace_init_and_open_roundtrip(tmp_path):
    ws = suara.init(tmp_path / "w", election="jakarta-2024")
    ws.close()
    ws2 = suara.open(tmp_path / "w")
    assert ws2.election.id == "jakarta-2024" and ws2.store.count("posts") == 0
    ws2.close()
