"""Arrow tables staged for a step are let go after it, even inside the long transaction of an
import (suara.store.staging): memory follows the batches in flight, not the file."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import suara
from suara.store.staging import registered, rescannable

needs_rescan = pytest.mark.skipif(not rescannable(), reason="this DuckDB (before 1.5) keeps registered tables "
                                                            "until the transaction ends; staging falls back to that")


def _batch(i: int, n: int = 100_000) -> pa.Table:
    return pa.table({"platform": ["x"] * n, "post_id": [f"{i}-{k}" for k in range(n)],
                     "text": [f"teks ke-{k} dari batch {i} " * 3 for k in range(n)]})


def test_registered_table_reads_like_the_table_and_is_gone_after():
    con = duckdb.connect()
    with registered(con, "t", pa.table({"a": [1, 2, 3], "b": ["x", None, "z"]})) as name:
        # scanned twice in one step: a holder gives a new stream every time
        assert con.execute(f"SELECT sum(a) FROM {name}").fetchall() == [(6,)]
        assert con.execute(f"SELECT count(b) FROM {name} WHERE a > 1").fetchall() == [(1,)]
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM t")


def test_a_dataframe_is_registered_as_it_is():
    pd = pytest.importorskip("pandas")
    con = duckdb.connect()
    with registered(con, "f", pd.DataFrame({"a": [1, 2]})):
        assert con.execute("SELECT sum(a) FROM f").fetchall() == [(3,)]


@needs_rescan
def test_batches_written_in_one_transaction_are_not_all_kept(tmp_path):
    """An import writes a whole file in one transaction; DuckDB keeps a view unregistered
    inside it until the commit, and with it the Arrow table it was registered from. Six
    batches of ~10 MB each must not all stay in memory (before staging, all six did)."""
    ws = suara.init(tmp_path / "ws")
    st = ws.store
    base = pa.total_allocated_bytes()
    one = 0
    with st.transaction():
        for i in range(6):
            t = _batch(i)
            one = max(one, t.nbytes)
            st.append("posts", t)
            del t
        held = pa.total_allocated_bytes() - base
    assert st.execute("SELECT count(*) FROM posts").fetchall() == [(600_000,)]
    assert held < 2 * one, (f"{held / 1e6:.0f} MB of Arrow data still held after the writes "
                            f"(one batch: {one / 1e6:.0f} MB)")


def test_a_relation_name_passes_through_and_stays():
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE staged AS SELECT 1 AS a")
    with registered(con, "unused", "staged") as name:
        assert name == "staged"
    assert con.execute("SELECT a FROM staged").fetchall() == [(1,)]
