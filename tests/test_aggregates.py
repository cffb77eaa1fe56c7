"""The pre-aggregated tables (suara.store.aggregates): kept up to date day by day by ingest,
enrich, detect and erasure, equal to a full rebuild, and analyse reads the same figures with
and without them."""
import json

import pandas as pd
import pytest

import suara
from suara.analyse.run import analyse_workspace
from suara.store import aggregates as A


def _snapshot(store) -> dict[str, pd.DataFrame]:
    out = {}
    for t in A.TABLES:
        df = store.sql(f"SELECT * FROM {t}")
        keys = ["day", "platform", "account_id", "candidate"] if t == "agg_account_daily" else \
            ["day", "platform", "candidate", "region", "sentiment", "flagged"]
        out[t] = df.sort_values(keys, na_position="first").reset_index(drop=True)
    return out


def _assert_same(a: dict, b: dict) -> None:
    for t in A.TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=False, rtol=1e-9, obj=t)


def _full(store, election) -> dict[str, pd.DataFrame]:
    """What a full rebuild gives, without touching the workspace's own state."""
    before = store.meta(A.STATE_KEY)
    with store.transaction():
        A.build(store, *A.config_of(election))
        snap = _snapshot(store)
        store.set_meta(A.STATE_KEY, before)
    return snap


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A simulated campaign imported in two rounds (enriched in between), then detect: every
    writer after the first enrich refreshes the aggregates by days."""
    from suara.sim import simulate
    d = tmp_path_factory.mktemp("agg")
    exports = d / "exports"
    simulate(exports, seed=5, scale=3000)
    folders = sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth")
    w = suara.init(d / "ws")
    w.ingest(folders[: len(folders) // 2])
    w.enrich()
    assert A.state(w.store) is not None
    w.ingest(folders[len(folders) // 2:])
    w.enrich()
    w.detect(["coordination"])
    yield w
    w.close()


def test_incremental_upkeep_equals_full_rebuild(ws):
    s = ws.store
    assert A.ready(s, *A.config_of(ws.election))
    assert s.count("agg_daily") > 0 and s.count("agg_account_daily") > 0
    # the daily table sums to the workspace's candidate mentions
    n = s.sql("SELECT count(*) AS n FROM mentions WHERE version = ? AND candidate IN ('1','2','3')",
              [s.meta("enrich.current_version")]).n.iloc[0]
    assert s.sql("SELECT sum(mentions) AS n FROM agg_daily").n.iloc[0] == n
    _assert_same(_snapshot(s), _full(s, ws.election))


def test_flag_and_engagement_changes_rebuild_only_their_days(ws):
    s = ws.store
    acc = s.sql("SELECT platform, account_id, count(DISTINCT day) AS d FROM agg_account_daily "
                "WHERE account_id IS NOT NULL GROUP BY ALL ORDER BY d, account_id LIMIT 1").iloc[0]
    with s.transaction():
        s.execute("INSERT INTO account_scores (platform, account_id, flagged, scored_at) VALUES (?, ?, "
                  "true, now()::TIMESTAMP) ON CONFLICT DO UPDATE SET flagged = NOT account_scores.flagged",
                  [acc.platform, acc.account_id])
    assert not A.ready(s, *A.config_of(ws.election))   # a write that bypassed refresh is seen
    done = A.refresh(s)
    assert done == f"days:{int(acc.d)}", done
    assert A.ready(s, *A.config_of(ws.election))
    _assert_same(_snapshot(s), _full(s, ws.election))


def test_aggregate_frames_read_as_arrow_equal_the_dataframe_read(ws):
    """account_daily and daily read the aggregate tables as Arrow (fewer conversions): the
    frames equal DuckDB's DataFrame converted by `_frame`, in values, dtypes and the kind of
    each null (NaN text, None day), also for rows with missing region and day."""
    from suara.analyse import base as B
    s = ws.store
    for table, cols in (("agg_account_daily", B.ACCOUNT_DAILY), ("agg_daily", B.DAILY)):
        q = (f"SELECT * FROM {table} UNION ALL SELECT * REPLACE (NULL AS region, NULL AS day) "
             f"FROM (SELECT * FROM {table} LIMIT 3) ORDER BY ALL")
        old, new = B._frame(s.sql(q), cols), B._frame_from_arrow(s.arrow(q), cols)
        assert old.region.isna().sum() >= 3 and old.day.isna().sum() >= 3
        pd.testing.assert_frame_equal(old, new, check_exact=True)
        for c in old.columns[old.dtypes == object]:
            assert [type(v) for v in old[c]] == [type(v) for v in new[c]], (table, c)
        empty = f"SELECT * FROM {table} LIMIT 0"
        pd.testing.assert_frame_equal(B._frame(s.sql(empty), cols), B._frame_from_arrow(s.arrow(empty), cols))


def test_analyse_same_with_and_without_aggregates(ws):
    def run():
        ws.__dict__.pop("_suara_analysis_cache", None)
        doc = analyse_workspace(ws)
        doc["meta"].pop("timings_s", None)
        return json.loads(json.dumps(doc, default=str, sort_keys=True))
    with_agg = run()
    s = ws.store
    s.set_meta(A.DISABLE_KEY, "on")
    try:
        without = run()
    finally:
        s.set_meta(A.DISABLE_KEY, "off")
    assert with_agg["share_of_voice"]["all"]["1"]["mentions"] > 0
    assert with_agg == without


def test_analyse_same_with_and_without_read_ahead(ws, monkeypatch, read_ahead_takes):
    """A complete run notes its queries over the stable tables and over the tables it
    materialises from them; the next one reads them on a second connection (building those
    tables there too) and its sections take those rows: the document is the one computed
    without read-ahead."""
    def run():
        ws.__dict__.pop("_suara_analysis_cache", None)
        doc = ws.analyse(reuse=False)   # computed each time, not the kept document
        doc["meta"].pop("timings_s", None)
        return json.loads(json.dumps(doc, default=str, sort_keys=True))
    monkeypatch.setenv("SUARA_READ_AHEAD", "0")
    without = run()
    queries = ws.store.sql_cache.read_ahead_queries()
    texts = [q if isinstance(q, str) else " ".join(q) for q in queries]
    assert len(queries) >= 3 and all("ibis_cached" not in q and "memtable" not in q for q in texts)
    tables = [q[0] for q in queries if not isinstance(q, str)]   # the mentions the sections share
    over = [q for q in queries if isinstance(q, str) and any(t in q for t in tables)]
    assert tables and over, queries
    monkeypatch.delenv("SUARA_READ_AHEAD")
    taken = read_ahead_takes   # filled from here on (the run above read nothing ahead)
    with_ahead = run()
    assert sum(ok for _, ok in taken) >= 3, taken
    assert any(ok for sql, ok in taken if sql in over), "no query over a materialised table was read ahead"
    assert with_ahead == without
    # the queries read ahead stay noted for the next run
    assert set(queries) <= set(ws.store.sql_cache.read_ahead_queries())


def test_queries_listed_but_not_read_ahead_in_time_stay_recorded(ws, monkeypatch):
    """On a busy machine the read-ahead thread may not have started a listed query when the
    section asks for it: the section runs it itself, and however fast it runs then, the query
    qualified last time and stays on the list for the next run."""
    from suara.store import readahead
    def run():
        ws.__dict__.pop("_suara_analysis_cache", None)
        ws.analyse(reuse=False)
    monkeypatch.setattr(readahead, "MIN_SECONDS", 0.0)        # every query over stable tables qualifies
    monkeypatch.setenv("SUARA_READ_AHEAD", "0")
    run()
    listed = ws.store.sql_cache.read_ahead_queries()
    assert len(listed) >= 3
    monkeypatch.delenv("SUARA_READ_AHEAD")
    monkeypatch.setattr(readahead, "MIN_SECONDS", float("inf"))   # nothing run now would qualify
    # nothing read ahead is ready in time: every listed query is handed back to its section
    monkeypatch.setattr(readahead.ReadAhead, "take", lambda self, sql: self._futures.pop(sql, None) and None)
    run()
    assert set(q for q in listed if isinstance(q, str)) <= set(ws.store.sql_cache.read_ahead_queries())


def test_a_new_workspace_reads_ahead_what_another_of_its_election_recorded(ws, tmp_path, read_ahead_takes):
    """A workspace's first analysis has no recording of its own: it reads ahead the queries
    the last workspace of the same election and enrichment recorded (kept in the user's
    cache folder), takes the rows of those it asks for again, and computes the same document."""
    import shutil
    ws.store.execute("CHECKPOINT")
    copies = []
    for name in ("a", "b"):
        d = tmp_path / name
        shutil.copytree(ws.path, d)
        for f in list(d.glob("*.sqlcache")) + list(d.glob("*.analysis")):
            f.unlink()
        copies.append(suara.open(d))
    a, b = copies

    def run(w):
        doc = w.analyse(reuse=False)
        doc["meta"].pop("timings_s", None)
        return json.loads(json.dumps(doc, default=str, sort_keys=True))
    first = run(a)                 # nothing to read ahead: it records, and shares the list
    assert not read_ahead_takes
    second = run(b)
    assert sum(ok for _, ok in read_ahead_takes) >= 3, read_ahead_takes
    assert second == first
    # from now on b reads ahead its own recording
    assert b.store.sql_cache.read_ahead_queries() and b.store.sql_cache._read_ahead
    for w in copies:
        w.close()


def test_a_first_analysis_with_the_packages_sql_is_the_same_document(ws, tmp_path, monkeypatch, read_ahead_takes):
    """On a machine where nothing was compiled yet, a workspace's first analysis starts from
    the SQL the package ships (suara.store.sqlfiles.seed, built from the bundled elections'
    demo campaigns): most of its queries are found compiled, the demo's read-ahead list runs
    beside it, and the document is the one computed without it."""
    import shutil

    from suara.store import sqlfiles
    monkeypatch.setattr(sqlfiles, "_SEED", None)
    monkeypatch.setenv("SUARA_SQL_SEED", "1")
    entries, lists = sqlfiles.seed()
    if not entries:
        pytest.skip(f"the shipped SQL is for other versions than {sqlfiles._versions()} "
                    "(rebuild it with tools/build_sql_seed.py)")
    assert ws.election.id in lists
    ws.store.execute("CHECKPOINT")
    docs, caches = {}, {}
    for env in ("0", "1"):
        monkeypatch.setenv("SUARA_SQL_SEED", env)
        monkeypatch.setenv("SUARA_CACHE_DIR", str(tmp_path / f"cache{env}"))
        d = tmp_path / f"ws{env}"
        shutil.copytree(ws.path, d)
        for f in list(d.glob("*.sqlcache")) + list(d.glob("*.analysis")):
            f.unlink()
        w = suara.open(d)
        doc = w.analyse(reuse=False)
        doc["meta"].pop("timings_s", None)
        docs[env] = json.loads(json.dumps(doc, default=str, sort_keys=True))
        caches[env] = (w.store.sql_cache.hits, w.store.sql_cache.misses)
        w.close()
    assert docs["1"] == docs["0"]
    # (hits, misses): without the seed every query is compiled once. A stale seed (a query
    # changed since tools/build_sql_seed.py ran) fails here
    assert caches["1"][1] * 3 <= caches["0"][1], (caches, "rebuild the seed: tools/build_sql_seed.py")
    assert sum(ok for _, ok in read_ahead_takes) >= 3, read_ahead_takes


def test_erasure_keeps_aggregates_consistent(ws):
    s = ws.store
    acc = s.sql("SELECT platform, account_id, sum(mentions) AS n FROM agg_account_daily "
                "WHERE account_id IS NOT NULL GROUP BY ALL ORDER BY n DESC, account_id LIMIT 1").iloc[0]
    before = s.sql("SELECT sum(mentions) AS n FROM agg_daily").n.iloc[0]
    ws.forget(acc.platform, acc.account_id)
    assert A.ready(s, *A.config_of(ws.election))
    assert s.sql("SELECT sum(mentions) AS n FROM agg_daily").n.iloc[0] == before - acc.n
    assert s.sql("SELECT count(*) AS n FROM agg_account_daily WHERE platform = ? AND account_id = ?",
                 [acc.platform, acc.account_id]).n.iloc[0] == 0
    _assert_same(_snapshot(s), _full(s, ws.election))


def test_other_zone_or_pairs_are_not_ready(ws):
    off, ballots = A.config_of(ws.election)
    assert not A.ready(ws.store, off - 60, ballots)
    assert not A.ready(ws.store, off, ballots[:1])
