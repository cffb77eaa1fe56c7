"""Compiled SQL reused between runs: a query found in the cache gives the same rows as one
compiled afresh, a changed literal or table is a different query, and a damaged or foreign
cache file is ignored."""
from __future__ import annotations

import pickle

import ibis
import pandas as pd

from suara.store import Store
from suara.store.sqlcache import SqlCache


def _store(path) -> Store:
    s = Store(path)
    s.execute("INSERT INTO accounts (platform, account_id, handle, followers) VALUES "
              "('x', 'a1', 'satu', 10), ('x', 'a2', 'dua', 20), ('tiktok', 'a3', 'tiga', 30)")
    return s


def _query(s: Store, min_followers: int):
    a = s.table("accounts")
    a = a.filter(a.followers >= min_followers).drop("bio", "location_text", "display_name")
    return a.group_by("platform").aggregate(n=a.count(), f=a.followers.sum()).order_by("platform")


def test_sqlcache_reuses_compiled_sql_across_processes(tmp_path):
    db = tmp_path / "suara.duckdb"
    s = _store(db)
    first = s.ibis.execute(_query(s, 15))
    assert s.sql_cache.misses == 1 and s.sql_cache.save()
    s.close()
    # a new store object (as a new process sees it) loads the file and compiles nothing
    s2 = Store(db)
    again = s2.ibis.execute(_query(s2, 15))
    assert (s2.sql_cache.hits, s2.sql_cache.misses) == (1, 0)
    pd.testing.assert_frame_equal(first, again)
    # another literal is another query, with its own rows
    other = s2.ibis.execute(_query(s2, 0))
    assert s2.sql_cache.misses == 1 and int(other.n.sum()) == 3 and int(again.n.sum()) == 2
    s2.close()


def test_sqlcache_ignores_a_damaged_or_foreign_file(tmp_path):
    path = tmp_path / "c.sqlcache"
    path.write_bytes(b"not a pickle")
    con = ibis.duckdb.connect()
    c = SqlCache(str(path))
    c.install(con)
    assert int(con.execute(ibis.memtable({"a": [1, 2]}).a.sum())) == 3
    assert c.misses == 1 and c.save()
    path.write_bytes(pickle.dumps(("ibis 0.0 sqlglot 0.0", {"k": "SELECT 1"})))
    c2 = SqlCache(str(path))
    c2.install(ibis.duckdb.connect())
    assert c2._load() == {}


def test_sqlcache_does_not_key_arrays_by_their_elided_repr(tmp_path):
    import numpy as np
    con = ibis.duckdb.connect()
    c = SqlCache(None)
    c.install(con)
    t = ibis.memtable({"a": list(range(3000))})
    a = np.arange(2000)
    b = np.concatenate([np.arange(1000), np.arange(1500, 2500)])
    assert int(con.execute(t.filter(t.a.isin(a)).count())) == 2000
    assert int(con.execute(t.filter(t.a.isin(b)).count())) == 2000
    assert int(con.execute(t.filter(t.a.isin(b[:1100])).count())) == 1100


def test_read_ahead_builds_a_materialised_table_and_reads_the_queries_over_it(tmp_path, monkeypatch,
                                                                                read_ahead_takes):
    """A table a run materialises from stable tables is noted by its statements; the next
    run's read-ahead builds it on its own connection and reads the query over it there, and
    the rows the run gets are the ones it would compute itself."""
    from suara.store import readahead
    monkeypatch.setattr(readahead, "MIN_SECONDS", 0.0)   # the tiny test queries all qualify
    db = tmp_path / "suara.duckdb"

    def run(st: Store) -> pd.DataFrame:
        a = st.table("accounts")
        big = a.filter(a.followers >= 15).select("platform", "account_id", "followers").cache()
        q = big.group_by("platform").aggregate(n=big.count(), f=big.followers.sum()).order_by("platform")
        return st.ibis.execute(q)

    s = _store(db)
    s.sql_cache.record()
    first = run(s)
    s.sql_cache.keep_recording()
    assert s.sql_cache.save()
    noted = s.sql_cache.read_ahead_queries()
    tables = [q for q in noted if not isinstance(q, str)]
    assert len(tables) == 1 and "ibis_cached" not in " ".join(tables[0])
    over = [q for q in noted if isinstance(q, str) and tables[0][0] in q]
    assert over, noted
    s.close()

    s2 = Store(db)
    taken = read_ahead_takes   # filled from here on (the run above read nothing ahead)
    with readahead.read_ahead(s2) as ahead:
        assert ahead is not None
        again = run(s2)
    assert (over[0], True) in taken and (tables[0][3], True) in taken, taken
    pd.testing.assert_frame_equal(first, again)
    assert list(again.n) == [1, 1]   # tiktok a3 (30), x a2 (20)
    s2.close()


def test_sqlcache_a_new_workspace_reuses_what_another_compiled(tmp_path):
    """A workspace's first run finds the SQL another workspace of the user compiled for the
    same expression (the same rows as compiling it), never one for a different literal; an
    erasure removes the shared file; SUARA_SQL_CACHE_SHARED=0 keeps each workspace's own."""
    import os

    a = _store(tmp_path / "a.duckdb")
    a.ibis.execute(_query(a, 15))
    assert a.sql_cache.save() and os.path.exists(a.sql_cache.shared)
    shared = a.sql_cache.shared
    assert oct(os.stat(shared).st_mode & 0o777) == "0o600"
    a.close()
    b = _store(tmp_path / "b.duckdb")
    rows = b.ibis.execute(_query(b, 15))
    assert (b.sql_cache.hits, b.sql_cache.misses) == (1, 0)
    assert int(rows.n.sum()) == 2 and list(rows.platform) == ["tiktok", "x"]
    b.ibis.execute(_query(b, 0))   # another literal: compiled, then shared too
    assert b.sql_cache.misses == 1 and b.sql_cache.save()
    b.sql_cache.clear()            # what an erasure does
    assert not os.path.exists(shared) and not os.path.exists(tmp_path / "b.duckdb.sqlcache")
    b.close()


def test_sqlcache_shared_file_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SUARA_SQL_CACHE_SHARED", "0")
    a = _store(tmp_path / "a.duckdb")
    a.ibis.execute(_query(a, 15))
    assert a.sql_cache.shared is None and a.sql_cache.save()
    a.close()
    b = _store(tmp_path / "b.duckdb")
    b.ibis.execute(_query(b, 15))
    assert (b.sql_cache.hits, b.sql_cache.misses) == (0, 1)
    b.close()


def test_sqlcache_shares_sql_across_enrichment_versions_with_each_ones_literal(tmp_path):
    """The enrichment version differs between workspaces while the SQL around it does not:
    it is keyed and kept as a token, and a hit gets the workspace's own version back (the
    rows are those of its own version, never the other's)."""
    def store(name, version):
        s = _store(tmp_path / f"{name}.duckdb")
        s.execute("INSERT INTO accounts (platform, account_id, handle, followers) VALUES ('x', ?, 'v', 5)",
                  [version])
        s.sql_cache.set_literal("__suara_enrich_version__", version)
        return s

    def query(s, version):
        a = s.table("accounts")
        return a.filter(a.account_id == version).select("account_id", "followers")

    a = store("a", "v-one")
    assert list(a.ibis.execute(query(a, "v-one")).account_id) == ["v-one"]
    assert a.sql_cache.misses == 1 and a.sql_cache.save()
    a.close()
    b = store("b", "v-two")
    rows = b.ibis.execute(query(b, "v-two"))
    assert (b.sql_cache.hits, b.sql_cache.misses) == (1, 0)
    assert list(rows.account_id) == ["v-two"]
    assert "v-two" in b.ibis.compile(query(b, "v-two")) and "v-one" not in b.ibis.compile(query(b, "v-two"))
    b.close()


def _seed_file(path, entries: dict, lists: dict, versions: str | None = None):
    import gzip
    import json

    from suara.store import sqlfiles
    doc = {"versions": versions or sqlfiles._versions(), "entries": entries,
           "read_ahead": {k: [list(q) if isinstance(q, tuple) else q for q in v] for k, v in lists.items()}}
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(doc, f)


def test_sqlcache_a_machine_without_a_cache_starts_from_the_packages_sql(tmp_path, monkeypatch):
    """The SQL the package ships is found by a workspace's first run on a machine where
    nothing was compiled yet (same rows as compiling it), together with its election's
    read-ahead list, whatever SQLGlot is installed; a seed for another Ibis version, and
    SUARA_SQL_SEED=0, are ignored; the seed is never written to and an erasure leaves it alone."""
    import os

    from suara.store import sqlfiles
    # what a workspace of another machine compiled and recorded
    monkeypatch.setenv("SUARA_CACHE_DIR", str(tmp_path / "elsewhere"))
    a = _store(tmp_path / "a.duckdb")
    want = a.ibis.execute(_query(a, 15))
    a.sql_cache.ahead_key = "kaltim-2024"
    a.sql_cache.recording = [("SELECT 42 AS x", 1.0)]
    a.sql_cache.keep_recording()
    assert a.sql_cache.save()
    entries, lists = sqlfiles._read_entries(a.sql_cache.shared, keyed=True)
    a.close()
    seed = tmp_path / "sqlseed.json.gz"
    _seed_file(seed, entries, lists)
    monkeypatch.setattr(sqlfiles, "SEED_PATH", str(seed))
    monkeypatch.setenv("SUARA_CACHE_DIR", str(tmp_path / "fresh"))

    def fresh(name):
        monkeypatch.setattr(sqlfiles, "_SEED", None)
        s = _store(tmp_path / f"{name}.duckdb")
        s.sql_cache.ahead_key = "kaltim-2024"
        return s
    monkeypatch.setenv("SUARA_SQL_SEED", "1")
    b = fresh("b")
    pd.testing.assert_frame_equal(b.ibis.execute(_query(b, 15)), want)
    assert (b.sql_cache.hits, b.sql_cache.misses) == (1, 0)
    assert b.sql_cache.read_ahead_queries() == ["SELECT 42 AS x"]
    b.ibis.execute(_query(b, 0))
    assert b.sql_cache.misses == 1 and b.sql_cache.save()
    b.sql_cache.clear()
    assert seed.exists() and not os.path.exists(b.sql_cache.shared)
    b.close()
    # a SQLGlot release later: the same Ibis expressions, the same DuckDB SQL
    other = sqlfiles._versions().split(" sqlglot ")[0] + " sqlglot 0.0"
    _seed_file(seed, entries, lists, other)
    d = fresh("d")
    pd.testing.assert_frame_equal(d.ibis.execute(_query(d, 15)), want)
    assert (d.sql_cache.hits, d.sql_cache.misses) == (1, 0)
    d.close()
    for env, versions in (("0", None), ("1", "ibis 0.0 sqlglot 0.0")):
        monkeypatch.setenv("SUARA_SQL_SEED", env)
        _seed_file(seed, entries, lists, versions)
        c = fresh(f"c{env}")
        c.ibis.execute(_query(c, 15))
        assert (c.sql_cache.hits, c.sql_cache.misses) == (0, 1)
        assert c.sql_cache.read_ahead_queries() == []
        c.close()
