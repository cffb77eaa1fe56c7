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


def test_store_v5_with_key_indexes_migrates_keeping_posts_and_merging_as_before(tmp_path):
    """A store written before posts and metric observations lost their PRIMARY KEY index
    (schema 5) opens with every row kept, and later imports still merge by key."""
    import duckdb

    from suara.store.schema import PRIMARY_KEYS, TABLES, UNINDEXED_KEYS, create_sql
    s = Store(tmp_path / "s.duckdb")
    ingest_paths(s, [_jsonl(tmp_path / "a.jsonl", ROWS)])
    posts = s.sql("SELECT * FROM posts ORDER BY post_id")
    obs = s.count("metric_observations")
    s.close()
    con = duckdb.connect(str(tmp_path / "s.duckdb"))   # as schema 5 declared them: with the key
    for t in sorted(UNINDEXED_KEYS):
        keyed = create_sql(t).replace(f'"{t}"', f'"{t}_v5"', 1)[:-1] + f", PRIMARY KEY ({', '.join(PRIMARY_KEYS[t])}))"
        con.execute(keyed)
        con.execute(f'INSERT INTO "{t}_v5" SELECT * FROM "{t}"')
        con.execute(f'DROP TABLE "{t}"')
        con.execute(f'ALTER TABLE "{t}_v5" RENAME TO "{t}"')
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    assert len(con.execute("SELECT * FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                           "AND table_name IN ('posts', 'metric_observations')").fetchall()) == 2
    con.close()
    s = Store(tmp_path / "s.duckdb")
    assert s.schema_version() == SCHEMA_VERSION
    assert s.con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                         "AND table_name IN ('posts', 'metric_observations')").fetchall() == [(0,)]
    assert [r[0] for r in s.con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'posts' "
                                        "ORDER BY column_index").fetchall()] == [c for c, _ in TABLES["posts"]]
    assert s.sql("SELECT * FROM posts ORDER BY post_id").equals(posts)
    assert s.count("metric_observations") == obs
    more = [dict(ROWS[0], likes=9), dict(ROWS[1], post_id="3")]
    r = ingest_paths(s, [_jsonl(tmp_path / "b.jsonl", more)])[0]
    assert (r.accepted, r.updated) == (1, 1)
    got = s.sql("SELECT post_id, likes FROM posts ORDER BY post_id")
    assert got.values.tolist() == [["1", 9], ["2", 1], ["3", 1]]


def test_store_upsert_and_append_keep_one_row_per_key_without_an_index(tmp_path):
    """posts have no key index: the writers keep the key unique (a batch with a key twice,
    a key stored already), with the same merge rules as the indexed tables."""
    import pandas as pd
    s = Store(tmp_path / "s.duckdb")
    assert s.upsert("posts", pd.DataFrame({"platform": ["x", "x"], "post_id": ["1", "1"], "likes": [1, 1],
                                           "text": [None, None]})) == 2
    assert s.upsert("posts", pd.DataFrame({"platform": ["x", "x"], "post_id": ["1", "2"], "likes": [5, 2],
                                           "text": ["halo", "b"]}), keep_greatest=["likes"]) == 2
    assert s.sql("SELECT post_id, likes, text FROM posts ORDER BY post_id").values.tolist() == [
        ["1", 5, "halo"], ["2", 2, "b"]]
    s.upsert("posts", pd.DataFrame({"platform": ["x"], "post_id": ["1"], "likes": [3], "text": ["lain"]}),
             keep_greatest=["likes"])
    assert s.sql("SELECT likes, text FROM posts WHERE post_id = '1'").values.tolist() == [[5, "halo"]]
    s.append("posts", pd.DataFrame({"platform": ["x", "x", "x"], "post_id": ["2", "3", "3"], "likes": [0, 7, 7]}))
    assert s.sql("SELECT post_id, likes FROM posts ORDER BY post_id").values.tolist() == [
        ["1", 5], ["2", 2], ["3", 7]]


def test_store_later_export_adds_one_observation_per_post_with_its_counts(tmp_path):
    """A later export of the same posts (new counts, observed at its own import time): each
    post keeps the greatest counts and gains one observation holding that export's counts."""
    import time
    s = Store(tmp_path / "s.duckdb")
    ingest_paths(s, [_jsonl(tmp_path / "a.jsonl", ROWS)])
    time.sleep(1.1)   # the second import is observed at a later second
    later = [dict(r, likes=r["likes"] + 5) for r in ROWS]
    r = ingest_paths(s, [_jsonl(tmp_path / "b.jsonl", later)])[0]
    assert (r.accepted, r.updated) == (0, 2)
    obs = s.sql("SELECT post_id, likes FROM metric_observations ORDER BY post_id, observed_at")
    assert obs.values.tolist() == [["1", 3], ["1", 8], ["2", 1], ["2", 6]]
    assert s.sql("SELECT post_id, likes FROM posts ORDER BY post_id").values.tolist() == [["1", 8], ["2", 6]]
