"""LakeStore: the canonical tables as a Parquet lake, read by Spark (and DuckDB).

Layout (``<workspace>/lake`` by default)::

    lake/_suara.json                         {"schema_version": 1}
    lake/posts/platform=x/day=2024-11-01/*.parquet
    lake/metric_observations/platform=x/day=.../*.parquet
    lake/<other table>/data.parquet

Writes share the DuckDB code path: a LakeStore *is* a :class:`~suara.store.Store` whose DuckDB
working copy lives in memory, so ingest, enrich and every ``upsert``/``append``/``replace``
keep exactly the same idempotence rules (re-import changes nothing, observations are
appended). At each outermost commit the tables whose content changed (count + row-hash
fingerprint) are written to ``lake/_staging/<id>/`` and swapped into place after a COMMIT
marker is written; opening a lake finishes a committed swap or discards an uncommitted one,
so each file's import is atomic on disk too.

Reads: :meth:`LakeStore.table` returns Ibis tables over **Spark** DataFrames read from the
lake, so the engine-neutral Ibis analytics run on Spark unchanged. :meth:`LakeStore.sql`
(DuckDB dialect) runs on DuckDB over the same data: that is the documented fallback for the
few analyses that use DuckDB-only SQL.

Any DuckDB can read the lake directly::

    SELECT * FROM read_parquet('lake/posts/*/*/*.parquet', hive_partitioning = true);
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from pathlib import Path

import ibis

from suara.store.schema import PRIMARY_KEYS, SCHEMA_VERSION, TABLES
from suara.store.store import Store, StoreError

#: tables partitioned by platform and day (the day comes from this timestamp column)
PARTITIONED = {"posts": "created_at", "metric_observations": "observed_at"}
_VERSION_FILE = "_suara.json"


class LakeStore(Store):
    """Canonical tables in a Parquet lake; Ibis reads go through Spark.

    Parameters
    ----------
    path : str or Path
        Lake folder (created when missing).
    spark_settings : SparkSettings, optional
        ``master`` and extra ``conf`` for the Spark session (started lazily on first `table`).
    read_only : bool
        Never write the lake back.

    Example
    -------
    >>> import tempfile, pandas as pd
    >>> lake = LakeStore(tempfile.mkdtemp())
    >>> lake.upsert("accounts", pd.DataFrame({"platform": ["x"], "account_id": ["a1"]}))
    1
    >>> LakeStore(lake.path).count("accounts")   # a fresh open reads the lake
    1
    """

    engine = "spark"

    def __init__(self, path: str | Path, spark_settings=None, read_only: bool = False):
        self.lake = Path(path)
        self.settings = spark_settings
        self._fp: dict[str, tuple] = {}
        self._ibis_spark = None
        self._flush_lock = threading.RLock()
        self._lake_read_only = True  # no flushing until the working copy is loaded
        try:
            self.lake.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{self.lake}: cannot create lake folder: {e}") from None
        self._check_lake_version()
        if not read_only:
            self._recover()
        from suara.store.spark import check_java, check_master
        check_java()
        check_master(getattr(spark_settings, "master", "local[2]"))
        super().__init__(":memory:", read_only=False)
        self.path = str(self.lake)
        self._load()
        self._lake_read_only = read_only

    # ----- lake layout ----------------------------------------------------------------
    def _check_lake_version(self) -> None:
        f = self.lake / _VERSION_FILE
        if not f.exists():
            return
        try:
            v = int(json.loads(f.read_text())["schema_version"])
        except (ValueError, KeyError, TypeError) as e:
            raise StoreError(f"{f}: unreadable lake version file ({e})") from None
        if v > SCHEMA_VERSION:
            raise StoreError(f"{self.lake}: lake schema version {v} is newer than this Suara "
                             f"({SCHEMA_VERSION}); upgrade Suara to open it")

    def _recover(self) -> None:
        """Finish swaps whose COMMIT marker was written; drop staging dirs without one."""
        staging = self.lake / "_staging"
        if staging.exists():
            for d in sorted(staging.iterdir()):
                marker = d / "COMMIT"
                if marker.exists():
                    self._swap(d, json.loads(marker.read_text()))
                shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(self.lake / "_old", ignore_errors=True)

    def _swap(self, stage: Path, tables: list[str]) -> None:
        old = self.lake / "_old" / stage.name
        old.mkdir(parents=True, exist_ok=True)
        for t in tables:
            src = stage / t
            if not src.exists():  # already swapped before a crash
                continue
            dst = self.lake / t
            if dst.exists():
                os.replace(dst, old / t)
            os.replace(src, dst)
        shutil.rmtree(old, ignore_errors=True)

    def _files(self, table: str) -> str | None:
        d = self.lake / table
        if not d.exists():
            return None
        pattern = "*/*/*.parquet" if table in PARTITIONED else "*.parquet"
        if not any(d.glob(pattern)):
            return None
        return str(d / pattern)

    def _load(self) -> None:
        """Fill the in-memory working copy from the lake."""
        for t in TABLES:
            src = self._files(t)
            if src is None:
                continue
            cols = ", ".join(f'"{c}"' for c, _ in TABLES[t])
            hive = "true" if t in PARTITIONED else "false"
            self.con.execute(f'DELETE FROM "{t}"')
            self.con.execute(f'INSERT INTO "{t}" ({cols}) SELECT {cols} FROM '
                             f"read_parquet('{src}', hive_partitioning = {hive})")
        for t in TABLES:
            self._fp[t] = self._fingerprint(t)

    def _fingerprint(self, table: str) -> tuple:
        return tuple(self.con.execute(
            f'SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM "{table}" t').fetchall()[0])

    def flush(self) -> list[str]:
        """Write every changed table to the lake atomically; returns the tables written.

        Called automatically after each outermost transaction and by ``close``.

        Example
        -------
        >>> import tempfile
        >>> LakeStore(tempfile.mkdtemp()).flush()
        []
        """
        if self._lake_read_only:
            return []
        with self._flush_lock:
            changed = []
            fps = {}
            for t in TABLES:
                fp = self._fingerprint(t)
                if fp != self._fp.get(t) or not (self.lake / t).exists():
                    changed.append(t)
                    fps[t] = fp
            if not changed:
                return []
            stage = self.lake / "_staging" / uuid.uuid4().hex
            stage.mkdir(parents=True)
            for t in changed:
                out = stage / t
                if t in PARTITIONED:
                    cols = ", ".join(f'"{c}"' for c, _ in TABLES[t])
                    ts = PARTITIONED[t]
                    q = (f'SELECT {cols}, coalesce(strftime("{ts}", \'%Y-%m-%d\'), \'unknown\') AS day '
                         f'FROM "{t}" ORDER BY "{PRIMARY_KEYS[t][1]}"')
                    self.con.execute(f"COPY ({q}) TO '{out}' (FORMAT parquet, "
                                     "PARTITION_BY (platform, day), WRITE_PARTITION_COLUMNS false)")
                    out.mkdir(exist_ok=True)
                else:
                    out.mkdir()
                    self.con.execute(f"COPY \"{t}\" TO '{out / 'data.parquet'}' (FORMAT parquet)")
            (stage / "COMMIT").write_text(json.dumps(changed))
            self._swap(stage, changed)
            shutil.rmtree(stage, ignore_errors=True)
            (self.lake / _VERSION_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
            self._fp.update(fps)
            return changed

    # ----- writes: same code path as Store, then flush ----------------------------------
    def transaction(self):  # noqa: D102 - same contract as Store.transaction
        import contextlib

        @contextlib.contextmanager
        def tx():
            outer = self._in_tx == 0
            with Store.transaction(self):
                yield self
            if outer and self._in_tx == 0:
                self.flush()
        return tx()

    def upsert(self, table, data, keep_greatest=(), overwrite=()):  # noqa: D102
        with self.transaction():
            return super().upsert(table, data, keep_greatest, overwrite)

    def append(self, table, data, ignore_conflicts=True):  # noqa: D102
        with self.transaction():
            return super().append(table, data, ignore_conflicts)

    def set_meta(self, key, value):  # noqa: D102
        with self.transaction():
            super().set_meta(key, value)

    def execute(self, query, params=None):  # noqa: D102
        with self.transaction():
            return super().execute(query, params)

    def close(self) -> None:
        """Write pending changes (e.g. from raw ``con`` statements) and close."""
        try:
            if getattr(self, "con", None) is not None and self._in_tx == 0:
                self.flush()
        finally:
            super().close()

    # ----- reads through Spark ----------------------------------------------------------
    @property
    def spark(self):
        """The SparkSession (started on first use)."""
        from suara.store.spark import get_session
        s = self.settings
        return get_session(getattr(s, "master", "local[2]"), getattr(s, "conf", None))

    @property
    def ibis_spark(self):
        """The Ibis PySpark backend bound to :attr:`spark`."""
        if self._ibis_spark is None:
            self._ibis_spark = ibis.pyspark.connect(self.spark)
        return self._ibis_spark

    def spark_frame(self, name: str):
        """A Spark DataFrame over one canonical table of the lake, in canonical column order.

        Example
        -------
        >>> lake.spark_frame("posts").count()  # doctest: +SKIP
        0
        """
        if name not in TABLES:
            raise StoreError(f"unknown table {name!r}")
        if self._in_tx == 0:
            self.flush()
        cols = [c for c, _ in TABLES[name]]
        d = self.lake / name
        spark = self.spark
        if self._files(name) is None:
            # empty table: derive the schema from an empty Arrow batch of the working copy
            arrow = self.con.sql(f'SELECT * FROM "{name}" LIMIT 0').to_arrow_table()
            if hasattr(arrow, "read_all"):
                arrow = arrow.read_all()
            return spark.createDataFrame(arrow.to_pandas(), schema=_spark_schema(arrow.schema))
        df = spark.read.option("basePath", str(d)).parquet(str(d))
        return df.select(*cols)

    def table(self, name: str) -> ibis.Table:
        """An Ibis table over a Spark DataFrame read from the lake.

        Example
        -------
        >>> lake.table("posts").count().execute()  # doctest: +SKIP
        0
        """
        df = self.spark_frame(name)
        view = f"suara_{name}"
        df.createOrReplaceTempView(view)
        return self.ibis_spark.table(view)

    def duckdb_table(self, name: str) -> ibis.Table:
        """The same table on the in-process DuckDB working copy (the documented fallback)."""
        return self.ibis.table(name)

    def __repr__(self) -> str:
        return f"LakeStore({self.path!r}, engine='spark', schema_version={SCHEMA_VERSION})"


def _spark_schema(schema):
    """Arrow schema -> Spark StructType (for empty tables, which have no Parquet file)."""
    from pyspark.sql.pandas.types import from_arrow_schema
    return from_arrow_schema(schema)
