"""Spark engine: the Parquet lake store, its idempotence and atomicity, errors, and parity
of the core analytics with DuckDB (one local[2] session for the whole module, tiny data)."""
from __future__ import annotations

import json
import shutil

import pytest
from pathlib import Path

pytestmark = [pytest.mark.spark]
pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    from suara.store.spark import SparkUnavailable, get_session, stop_session
    try:
        s = get_session("local[2]", {"spark.sql.shuffle.partitions": "2"})
    except SparkUnavailable as e:
        pytest.skip(str(e))
    yield s
    stop_session()


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """A tiny simulated campaign ingested once on each engine."""
    import suara
    from suara.sim import simulate
    root = tmp_path_factory.mktemp("spark")
    sim = simulate(root / "sim", seed=5, scale=1200)
    paths = sim["export_dirs"]
    duck = suara.init(root / "duck")
    duck.ingest(paths)
    lake_ws = suara.init(root / "lake")
    lake_ws.close()
    lake = suara.open(root / "lake", engine="spark")
    lake.ingest(paths)
    yield {"duck": duck, "lake": lake, "paths": paths, "root": root}
    duck.close()
    lake.close()


CORE = ["posts", "accounts", "imports", "quarantine"]
# observations stamped with the import time (items without their own fetch time) collapse when
# two files are imported within the same second, so compare what was observed, not when
OBS = ("SELECT count(DISTINCT (platform, post_id)) FROM metric_observations UNION ALL "
       "SELECT sum(likes) + sum(views) FROM posts")


def _lake_files(lake_dir):
    return sorted((p.relative_to(lake_dir).as_posix(), p.stat().st_mtime_ns)
                  for p in lake_dir.rglob("*.parquet"))


def test_ingest_writes_same_rows_partitioned(campaign):
    duck, lake = campaign["duck"], campaign["lake"]
    for t in CORE:
        assert lake.store.count(t) == duck.store.count(t), t
    assert lake.store.sql(OBS).values.tolist() == duck.store.sql(OBS).values.tolist()
    assert lake.store.count("posts") > 500
    posts_dir = lake.store.lake / "posts"
    parts = {p.parent.parent.name for p in posts_dir.rglob("*.parquet")}
    assert parts >= {"platform=x", "platform=instagram", "platform=tiktok", "platform=facebook"}
    assert all(p.parent.name.startswith("day=") for p in posts_dir.rglob("*.parquet"))


def test_reimport_changes_nothing(campaign):
    lake = campaign["lake"]
    before = _lake_files(lake.store.lake)
    counts = {t: lake.store.count(t) for t in CORE}
    lake.ingest(campaign["paths"])
    after = {t: lake.store.count(t) for t in CORE}
    assert after["posts"] == counts["posts"] and after["accounts"] == counts["accounts"]
    assert after["quarantine"] == counts["quarantine"]  # the imports log grows, as on DuckDB
    # untouched partitions keep their files: posts were not rewritten
    posts_before = [f for f in before if f[0].startswith("posts/")]
    posts_after = [f for f in _lake_files(lake.store.lake) if f[0].startswith("posts/")]
    assert posts_before == posts_after


def test_reopen_reads_lake_and_duckdb_can_read_it(campaign):
    import duckdb
    import suara
    lake = campaign["lake"]
    lake.close()
    again = suara.open(campaign["root"] / "lake", engine="spark")
    n = again.store.count("posts")
    assert n == campaign["duck"].store.count("posts")
    d = again.store.lake
    got = duckdb.sql(f"SELECT count(*) FROM read_parquet('{d}/posts/*/*/*.parquet', "
                     "hive_partitioning = true)").fetchall()[0][0]
    assert got == n
    campaign["lake"] = again


def test_spark_table_counts_match(campaign, spark):
    duck, lake = campaign["duck"], campaign["lake"]
    for t in ("posts", "accounts"):
        st = lake.store.table(t)
        assert type(st._find_backend()).__module__.startswith("ibis.backends.pyspark")
        assert st.count().execute() == duck.store.table(t).count().execute(), t
    a = (lake.store.table("posts").group_by("platform").aggregate(n=lambda t: t.count(),
         likes=lambda t: t.likes.sum()).order_by("platform").execute())
    b = (duck.store.table("posts").group_by("platform").aggregate(n=lambda t: t.count(),
         likes=lambda t: t.likes.sum()).order_by("platform").execute())
    assert a.to_dict("records") == b.to_dict("records")


def test_core_sections_parity(tmp_path, spark):
    """Share of voice, exposure and regions: same JSON from Spark over the lake as from DuckDB."""
    import suara
    from suara.analyse import audience, brand
    from suara.analyse.privacy import workspace_salt
    from suara.store.schema import TABLES
    from test_analyse_brand import build_world
    ws = build_world(suara.init(tmp_path / "d"))
    audience.infer_regions(ws)
    workspace_salt(ws)
    suara.init(tmp_path / "s").close()
    sw = suara.open(tmp_path / "s", engine="spark")
    with sw.store.transaction():
        for name in TABLES:
            sw.store.con.execute(f'DELETE FROM "{name}"')
            data = ws.store.con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
            data = data.read_all() if hasattr(data, "read_all") else data
            if len(data):
                sw.store.append(name, data, ignore_conflicts=False)
    for fn in (brand.share_of_voice_section, brand.exposure_section, audience.regions_section):
        a = json.dumps(fn(sw), sort_keys=True, default=str)
        b = json.dumps(fn(ws), sort_keys=True, default=str)
        assert a == b, fn.__name__
    ws.close()
    sw.close()


def test_crash_recovery(tmp_path):
    import pandas as pd
    from suara.store.lake import LakeStore
    lake = LakeStore(tmp_path / "lake")
    lake.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["a1"]}))
    lake.close()
    # an uncommitted staging dir (crash before COMMIT) is discarded
    stage = tmp_path / "lake" / "_staging" / "dead"
    (stage / "accounts").mkdir(parents=True)
    shutil.copy(tmp_path / "lake" / "accounts" / "data.parquet", stage / "accounts" / "x.parquet")
    assert LakeStore(tmp_path / "lake").count("accounts") == 1
    assert not stage.exists()
    # a committed one (crash after COMMIT, before the swap) is finished on open
    other = LakeStore(tmp_path / "other")
    other.upsert("accounts", pd.DataFrame({"platform": ["x", "x"], "account_id": ["a1", "a2"]}))
    other.close()
    stage = tmp_path / "lake" / "_staging" / "done"
    shutil.copytree(tmp_path / "other" / "accounts", stage / "accounts")
    (stage / "COMMIT").write_text(json.dumps(["accounts"]))
    assert LakeStore(tmp_path / "lake").count("accounts") == 2


def test_newer_lake_and_unreachable_master_fail_clearly(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import suara
    from suara.cli import app
    from suara.config.workspace import SparkSettings
    from suara.store import StoreError
    from suara.store.lake import LakeStore
    from suara.store.spark import SparkUnavailable, check_java
    (tmp_path / "lake").mkdir()
    (tmp_path / "lake" / "_suara.json").write_text('{"schema_version": 99}')
    with pytest.raises(StoreError, match="newer"):
        LakeStore(tmp_path / "lake")
    with pytest.raises(SparkUnavailable, match="unreachable"):
        LakeStore(tmp_path / "l2", SparkSettings(master="spark://127.0.0.1:1"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SparkUnavailable, match="Java"):
        check_java()
    monkeypatch.undo()
    ws = suara.init(tmp_path / "ws")
    ws.close()
    (tmp_path / "ws" / "lake").mkdir()
    (tmp_path / "ws" / "lake" / "_suara.json").write_text('{"schema_version": 99}')
    r = CliRunner().invoke(app, ["analyse", "-w", str(tmp_path / "ws"), "--engine", "spark"])
    assert r.exit_code != 0
    assert "newer" in r.output and "Traceback" not in r.output


def test_enrich_mapinpandas_matches_local(campaign, spark):
    from suara.enrich.pipeline import enrich_texts
    from suara.enrich.spark import enrich_frame
    frame = campaign["lake"].store.spark_frame("posts").where("text IS NOT NULL").limit(60)
    got = enrich_frame(frame, ["language", "sentiment"], batch=16).toPandas()
    texts = frame.select("platform", "post_id", "text").toPandas()
    ref = enrich_texts(texts["text"].tolist(), components=["language", "sentiment"])
    merged = texts.assign(language=ref["language"].to_numpy(),
                          sentiment=ref["sentiment"].to_numpy()).merge(
        got, on=["platform", "post_id"], suffixes=("", "_spark"))
    assert len(merged) == len(texts) == 60
    assert (merged["language"] == merged["language_spark"]).all()
    assert (merged["sentiment"] == merged["sentiment_spark"]).all()


def _frame(store, query):
    return store.sql(query).reset_index(drop=True)


def test_workspace_enrich_on_spark_matches_duckdb(campaign, spark):
    """`suara enrich --engine spark` runs the components on the executors (mapInPandas) and
    writes the same enrichments and targeted-sentiment mentions as the DuckDB path."""
    import duckdb
    import pandas as pd
    duck, lake = campaign["duck"], campaign["lake"]
    rd, rl = duck.enrich(), lake.enrich()
    assert rl["engine"] == "spark" and rl["version"] == rd["version"]
    assert rl["posts"] == rd["posts"] == duck.store.count("posts")
    q = ("SELECT * EXCLUDE (enriched_at) FROM enrichments "
         "ORDER BY platform, post_id")
    pd.testing.assert_frame_equal(_frame(lake.store, q), _frame(duck.store, q),
                                  check_exact=False, rtol=1e-9)
    qm = "SELECT * FROM mentions ORDER BY platform, post_id, candidate"
    mentions = _frame(duck.store, qm)
    assert len(mentions) > 100  # the campaign mentions candidates
    pd.testing.assert_frame_equal(_frame(lake.store, qm), mentions, check_exact=False, rtol=1e-9)
    # sentiment per candidate, the number every dashboard starts from: same on both engines
    qs = ("SELECT candidate, sentiment, count(*) AS n FROM mentions GROUP BY ALL ORDER BY ALL")
    assert _frame(lake.store, qs).to_dict("records") == _frame(duck.store, qs).to_dict("records")
    # the results are in the lake on disk, and a second run has nothing left to do
    d = lake.store.lake
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{d}/enrichments/*.parquet')"
                      ).fetchall()[0][0] == rd["posts"]
    assert not list((d / "_work").glob("enrich-*"))
    assert lake.enrich()["posts"] == 0


def test_coordination_networks_parity(campaign, spark):
    """Coordinated networks and buzzer scores: the same on Spark over the lake as on DuckDB."""
    import pandas as pd
    from suara.detect.coordination import detect_coordination
    duck, lake = campaign["duck"], campaign["lake"]
    a = detect_coordination(duck, window=300)
    b = detect_coordination(lake, window=300)
    q = ("SELECT platform, account_id, cluster, buzzer_score, flagged, reasons FROM account_scores "
         "ORDER BY platform, account_id")
    sa, sb = _frame(duck.store, q), _frame(lake.store, q)
    assert len(sa) > 50 and sa.flagged.sum() > 0  # the simulated buzzers are found
    pd.testing.assert_frame_equal(sb, sa, check_exact=False, rtol=1e-9)
    qn = ("SELECT cluster, size, candidate, stance, summary, first_activity, last_activity "
          "FROM networks ORDER BY cluster")
    pd.testing.assert_frame_equal(_frame(lake.store, qn), _frame(duck.store, qn))
    assert len(a.edges) == len(b.edges)


def test_radar_alerts_parity(campaign, spark):
    """Radar alerts (onset, type, severity, evidence) are the same on both engines."""
    import datetime as dt

    import pandas as pd
    from suara.detect.radar import run_radar
    from suara.analyse.privacy import KEY_FILE, workspace_salt
    duck, lake = campaign["duck"], campaign["lake"]
    duck.enrich()   # alerts read sentiment and issues: enrich here too when run alone (a no-op
    lake.enrich()   # when the enrichment test ran first)
    workspace_salt(duck)   # same pseudonymisation key, so the same pseudonyms in the evidence
    (Path(lake.path) / KEY_FILE).write_text((Path(duck.path) / KEY_FILE).read_text())
    now = dt.datetime(2024, 11, 30)
    ra = run_radar(duck, full=True, now=now)
    rb = run_radar(lake, full=True, now=now)
    assert ra["alerts"] == rb["alerts"] > 0
    q = "SELECT * EXCLUDE (created_at) FROM alerts ORDER BY alert_id"
    pd.testing.assert_frame_equal(_frame(lake.store, q), _frame(duck.store, q),
                                  check_exact=False, rtol=1e-9)


def _posts(ids, day):
    import pandas as pd
    return pd.DataFrame({"platform": ["x"] * len(ids), "post_id": ids, "account_id": ["a"] * len(ids),
                         "created_at": pd.to_datetime([day] * len(ids)), "text": ["t"] * len(ids)})


def test_lake_rewrites_only_changed_partitions_and_removes_emptied_ones(tmp_path):
    from suara.store.lake import LakeStore
    lake = LakeStore(tmp_path / "lake")
    lake.upsert("posts", _posts(["1", "2"], "2024-11-01 10:00"))
    lake.upsert("posts", _posts(["3"], "2024-11-02 10:00"))
    first = {p.parent.name: (p, p.stat().st_mtime_ns) for p in (tmp_path / "lake/posts").rglob("*.parquet")}
    assert set(first) == {"day=2024-11-01", "day=2024-11-02"}
    lake.upsert("posts", _posts(["4"], "2024-11-02 11:00"))   # touches one day only
    now = {p.parent.name: (p, p.stat().st_mtime_ns) for p in (tmp_path / "lake/posts").rglob("*.parquet")}
    assert now["day=2024-11-01"] == first["day=2024-11-01"]   # untouched partition: same file
    assert now["day=2024-11-02"] != first["day=2024-11-02"]
    lake.execute("DELETE FROM posts WHERE created_at < '2024-11-02'")  # e.g. retention
    assert not (tmp_path / "lake/posts/platform=x/day=2024-11-01").exists()
    lake.close()
    again = LakeStore(tmp_path / "lake", read_only=True)
    assert sorted(again.sql("SELECT post_id FROM posts").post_id) == ["3", "4"]
    again.close()


def test_working_copy_is_reused_until_the_lake_moves_on(tmp_path):
    from suara.config.workspace import SparkSettings
    from suara.store.lake import LakeStore
    lake = LakeStore(tmp_path / "lake")
    lake.upsert("posts", _posts(["1"], "2024-11-01"))
    lake.close()
    a = LakeStore(tmp_path / "lake")
    assert a.reloaded is False and a.count("posts") == 1   # no reload: same commit
    a.close()
    # another driver (own working copy) commits to the lake: the next open reloads
    b = LakeStore(tmp_path / "lake", SparkSettings(working_copy=str(tmp_path / "other.duckdb")))
    b.upsert("posts", _posts(["2"], "2024-11-03"))
    b.close()
    c = LakeStore(tmp_path / "lake")
    assert c.reloaded is True and c.count("posts") == 2
    # a crash after the working copy committed but before the lake was written: the working
    # copy is not trusted, the lake is
    c.flush = lambda full=False: []    # the flush after this write never happens
    c.upsert("posts", _posts(["9"], "2024-11-04"))
    c.con.close()                      # killed: no close(), no flush
    d = LakeStore(tmp_path / "lake")
    assert d.reloaded is True
    assert sorted(d.sql("SELECT post_id FROM posts").post_id) == ["1", "2"]
    d.close()


def test_engine_switch_moves_a_workspace_both_ways(tmp_path):
    """`suara engine switch --to spark` copies every table into the lake and sets the engine;
    `--to duckdb` brings it back; the answers stay the same."""
    import yaml
    from typer.testing import CliRunner

    import suara
    from suara.analyse import brand
    from suara.cli import app
    from suara.store.schema import TABLES
    from test_analyse_brand import build_world
    ws = build_world(suara.init(tmp_path / "w"))
    sov = brand.share_of_voice(ws)["total"]   # (infers regions: derived rows move too)
    counts = {t: ws.store.count(t) for t in TABLES}
    ws.close()
    r = CliRunner().invoke(app, ["engine", "switch", "--to", "spark", "-w", str(tmp_path / "w")])
    assert r.exit_code == 0, r.output
    assert yaml.safe_load((tmp_path / "w/suara.yaml").read_text())["engine"] == "spark"
    lake = suara.open(tmp_path / "w")
    assert lake.engine == "spark"
    assert {t: lake.store.count(t) for t in TABLES} == counts
    assert counts["posts"] > 0 and any((tmp_path / "w/lake/posts").rglob("*.parquet"))
    lake.close()
    r = CliRunner().invoke(app, ["engine", "switch", "--to", "duckdb", "-w", str(tmp_path / "w")])
    assert r.exit_code != 0 and "--replace" in r.output   # the DuckDB file still holds data
    r = CliRunner().invoke(app, ["engine", "switch", "--to", "duckdb", "--replace",
                                 "-w", str(tmp_path / "w")])
    assert r.exit_code == 0, r.output
    back = suara.open(tmp_path / "w")
    assert back.engine == "duckdb" and {t: back.store.count(t) for t in TABLES} == counts
    assert brand.share_of_voice(back)["total"] == sov
    back.close()


def test_a_failing_spark_job_is_one_clear_line(tmp_path, monkeypatch, capsys):
    """A Spark job that fails (e.g. out of driver memory) ends the command with one readable
    line and exit code 1, not a Java stack trace."""
    import sys

    import suara
    from suara.api import Workspace
    from suara.cli import main
    Py4JJavaError = type("Py4JJavaError", (Exception,), {"__module__": "py4j.protocol"})

    def boom(self, *a, **k):
        raise Py4JJavaError("An error occurred while calling o153.getResult.\n"
                            ": org.apache.spark.SparkException: Job aborted due to stage failure: "
                            "TaskResultLost (result lost from block manager)\n\tat org.apache...")
    monkeypatch.setattr(Workspace, "analyse", boom)
    suara.init(tmp_path / "w").close()
    monkeypatch.setattr(sys, "argv", ["suara", "analyse", "-w", str(tmp_path / "w")])
    with pytest.raises(SystemExit) as ex:
        main()
    assert ex.value.code == 1
    err = capsys.readouterr().err
    assert "a Spark job failed" in err and "TaskResultLost" in err and "spark.driver.memory" in err
    assert "Traceback" not in err and "\tat org" not in err


def test_lake_flush_sees_a_merge_into_a_row_of_another_partition(tmp_path):
    """A re-import that carries a different time for a known post updates the stored row,
    which stays in its own (platform, day) partition: that partition must be rewritten."""
    import duckdb

    from suara.store.lake import LakeStore
    lake = LakeStore(tmp_path / "lake")
    lake.upsert("posts", _posts(["1"], "2024-11-01 10:00").assign(likes=[1]))
    again = _posts(["1"], "2024-11-05 10:00").assign(likes=[50])     # other day, more likes
    lake.upsert("posts", again, keep_greatest=("likes",))
    lake.close()
    back = LakeStore(tmp_path / "lake", read_only=True)
    got = back.sql("SELECT created_at, likes FROM posts")
    assert got.likes.tolist() == [50]
    assert str(got.created_at[0]).startswith("2024-11-01")
    d = tmp_path / "lake/posts/platform=x"
    assert [p.name for p in d.iterdir()] == ["day=2024-11-01"]
    assert duckdb.sql(f"SELECT likes FROM read_parquet('{d}/*/*.parquet')").fetchall() == [(50,)]
    back.close()
