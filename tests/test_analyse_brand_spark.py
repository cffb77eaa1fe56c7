"""The brand and audience sections give the same answers on Spark as on DuckDB.

The canonical tables of a hand-built DuckDB workspace are loaded into a local Spark session
as Ibis views; a read-only store facade serves them to the unchanged section functions.
"""
from __future__ import annotations

import json
import os
import sys

import pytest

from test_analyse_brand import build_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark_con():
    pytest.importorskip("pyspark")
    import ibis
    from pyspark.sql import SparkSession
    for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON"):
        os.environ[k] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    yield ibis.pyspark.connect(spark)
    spark.stop()


class _SparkStore:
    engine = "spark"

    def __init__(self, con, duck):
        self.con, self.duck = con, duck

    def table(self, name):
        return self.con.table(name)

    def meta(self, key, default=None):
        return self.duck.meta(key, default)

    def scoped(self, key, fn):   # as the Store outside a read scope: computed on every call
        return fn()

    def set_meta(self, key, value):
        raise RuntimeError("read-only store")

    def replace(self, *a, **k):
        raise RuntimeError("read-only store")


class _SparkWorkspace:
    def __init__(self, ws, con):
        self.election, self.config, self.store = ws.election, ws.config, _SparkStore(con, ws.store)
        self.path = ws.path   # the same pseudonymisation key file as the DuckDB workspace


def test_analyse_brand_spark_matches_duckdb(workspace, spark_con):
    import ibis
    from suara.analyse import audience, brand
    from suara.analyse.privacy import workspace_salt
    from suara.store.schema import TABLES
    ws = build_world(workspace)
    audience.infer_regions(ws)
    workspace_salt(ws)
    for name in TABLES:
        spark_con.create_view(name, ibis.memtable(ws.store.table(name).to_pyarrow()), overwrite=True)
    sw = _SparkWorkspace(ws, spark_con)
    for fn in (brand.share_of_voice_section, brand.exposure_section, brand.engagement_section,
               audience.regions_section, audience.segments_section, audience.recommendations_section):
        a = json.dumps(fn(sw), sort_keys=True, default=str)
        b = json.dumps(fn(ws), sort_keys=True, default=str)
        assert a == b, fn.__name__
