"""Mobilisation, law watch and forecast give the same answers on Spark as on DuckDB.

The canonical tables of hand-built DuckDB workspaces are loaded into a local Spark session as
Ibis views; a read-only store facade serves them to the unchanged functions.
"""
from __future__ import annotations

import json

import pytest

from test_analyse_brand_spark import _SparkWorkspace, spark_con  # noqa: F401  (fixture)
from test_analyse_forecast import _world
from test_analyse_lawwatch import watched  # noqa: F401  (fixture)
from test_analyse_mobilise import drive  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def _load(ws, con):
    import ibis
    from suara.analyse.base import _release_all
    from suara.analyse.privacy import workspace_salt
    from suara.store.schema import TABLES
    workspace_salt(ws)
    # the views below replace those of the workspace loaded before, under the same names in
    # the same session: what Ibis cached from them (the run's materialised mentions) would be
    # handed back for the equal expressions of this one. A Spark workspace of its own (the
    # lake) never replaces another's views in place.
    _release_all()
    for name in TABLES:
        con.create_view(name, ibis.memtable(ws.store.table(name).to_pyarrow()), overwrite=True)
    sw = _SparkWorkspace(ws, con)
    sw.store.read_only = True
    return sw


def _same(fn, a, b):
    x = json.dumps(fn(a), sort_keys=True, default=str)
    y = json.dumps(fn(b), sort_keys=True, default=str)
    assert x == y, getattr(fn, "__name__", fn)


def test_analyse_mobilise_spark_matches_duckdb(drive, spark_con):  # noqa: F811
    from suara.analyse import mobilise as mo
    mo.add_action(drive, "hashtag", "Pawai", "pawaiharum", "2024-11-20 20:00", "2024-11-21 20:00", goal=4,
                  action_id="pw")
    mo.add_action(drive, "comment_drive", "Serbu", "p1", "2024-11-20 20:00", "2024-11-21 20:00", action_id="cd")
    mo.add_volunteer(drive, "B", "x", handle="h_b", consent=True, consent_text="Saya setuju")
    sw = _load(drive, spark_con)
    _same(lambda w: mo.track_action(w, "pw"), sw, drive)
    _same(lambda w: mo.track_action(w, "cd"), sw, drive)
    _same(lambda w: mo.detect_actions(w, min_accounts=2), sw, drive)
    _same(mo.enthusiasm_section, sw, drive)
    _same(lambda w: mo.volunteer_leaderboard(w).to_dict("records"), sw, drive)


def test_analyse_lawwatch_and_forecast_spark_match_duckdb(watched, spark_con):  # noqa: F811
    from suara.analyse import forecast as fc
    from suara.analyse import lawwatch as lw
    truth = {r.code: 0.45 for r in watched.election.regions}
    _world(watched, truth, per_region=20, seed=5, buzzers=10)
    sw = _load(watched, spark_con)
    _same(lw.find_violations, sw, watched)
    _same(lambda w: fc.forecast(w, n_boot=50), sw, watched)
