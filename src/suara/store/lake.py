"""LakeStore: the canonical tables as a Parquet lake, read by Spark (and DuckDB).

Layout (``<workspace>/lake`` by default)::

    lake/_suara.json                         {"schema_version": 1}
    lake/posts/platform=x/day=2024-11-01/*.parquet
    lake/metric_observations/platform=x/day=.../*.parquet
    lake/<other table>/data.parquet

Writes share the DuckDB code path: a LakeStore *is* a :class:`~suara.store.Store` over a DuckDB
working copy of the lake on the driver's disk (``<lake>/_work/driver.duckdb`` by default), so
ingest, enrich and every ``upsert``/``append``/``replace`` keep exactly the same idempotence
rules (re-import changes nothing, observations are appended). At each outermost commit the
tables written since the last one are fingerprinted (row count + XOR of row hashes; per
(platform, day) partition for ``posts`` and ``metric_observations``) and only what changed is
written to ``lake/_staging/<id>/`` -- whole small tables, single partitions of the partitioned
ones -- then swapped into place after a COMMIT marker is written; opening a lake finishes a
committed swap or discards an uncommitted one, so each file's import is atomic on disk too.
Every commit stamps ``_suara.json`` with a commit id; the working copy remembers the id it
matches and is reused on the next open (no reload) unless the lake moved on, a swap had to be
finished, or the process died between its own commit and the lake's ("pending").

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
import pyarrow as pa

from suara.store.schema import PRIMARY_KEYS, SCHEMA_VERSION, TABLES
from suara.store.staging import registered
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
        self._fp: dict[str, object] = {}
        self._dirty: set[str] = set()
        # (platform, day) partitions written since the last flush; None = any partition
        self._touched: dict[str, set | None] = {}
        self._frames: dict[str, tuple] = {}
        self._views: dict[str, tuple] = {}
        self._ibis_spark = None
        self._flush_lock = threading.RLock()
        self._lake_read_only = True  # no flushing until the working copy is loaded
        try:
            self.lake.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{self.lake}: cannot create lake folder: {e}") from None
        self._check_lake_version()
        recovered = False if read_only else self._recover()
        from suara.store.spark import check_java, check_master
        check_java()
        check_master(getattr(spark_settings, "master", "local[2]"))
        wc = getattr(spark_settings, "working_copy", None)
        if read_only or wc == ":memory:":
            copy = ":memory:"
        else:
            copy = Path(wc) if wc else self.lake / "_work" / "driver.duckdb"
            copy.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(copy, read_only=False)
        self.working_copy = str(copy)
        self.path = str(self.lake)
        self.con.execute("CREATE TABLE IF NOT EXISTS _lake_state (key VARCHAR PRIMARY KEY, value VARCHAR)")
        state = dict(self.con.execute("SELECT key, value FROM _lake_state").fetchall())
        commit = self._lake_commit()
        if (not recovered and commit is not None and state.get("commit") == commit
                and "fingerprints" in state):
            # the working copy is exactly the lake as last committed: no reload
            self._fp = _decode_fp(json.loads(state["fingerprints"]))
            self.reloaded = False
        else:
            self._load()
            self._save_state(commit)
            self.reloaded = True
        self._lake_read_only = read_only

    # ----- lake layout ----------------------------------------------------------------
    def _lake_commit(self) -> str | None:
        f = self.lake / _VERSION_FILE
        if not f.exists():
            return None
        try:
            return json.loads(f.read_text()).get("commit")
        except ValueError:
            return None

    def _save_state(self, commit: str | None) -> None:
        fps = json.dumps(_encode_fp(self._fp))
        self.con.execute("INSERT OR REPLACE INTO _lake_state VALUES ('commit', ?), "
                         "('fingerprints', ?)", [commit or "", fps])

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

    def _recover(self) -> bool:
        """Finish swaps whose COMMIT marker was written; drop staging dirs without one.
        Returns whether a swap was finished (the working copy must then be reloaded)."""
        staging = self.lake / "_staging"
        finished = False
        if staging.exists():
            for d in sorted(staging.iterdir()):
                marker = d / "COMMIT"
                if marker.exists():
                    self._swap(d, json.loads(marker.read_text()))
                    finished = True
                shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(self.lake / "_old", ignore_errors=True)
        return finished

    def _swap(self, stage: Path, entries: list) -> None:
        """Move staged tables (a name) or partitions (``{"table", "parts", "removed"}``) into
        place. Idempotent, so a crash between two renames is finished on the next open."""
        old = self.lake / "_old" / stage.name
        old.mkdir(parents=True, exist_ok=True)
        moves: list[tuple[Path, Path]] = []
        removed: list[Path] = []
        for e in entries:
            if isinstance(e, str):
                moves.append((stage / e, self.lake / e))
            else:
                t = e["table"]
                moves += [(stage / t / part, self.lake / t / part) for part in e.get("parts", [])]
                removed += [self.lake / t / part for part in e.get("removed", [])]
        for i, (src, dst) in enumerate(moves):
            if not src.exists():  # already swapped before a crash
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.exists():
                os.replace(dst, old / f"{i}")
            os.replace(src, dst)
        for i, dst in enumerate(removed):
            if dst.exists():
                os.replace(dst, old / f"r{i}")
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
        """Fill the working copy from the lake (on first open, or when the lake moved on)."""
        with Store.transaction(self):
            for t in TABLES:
                self.con.execute(f'DELETE FROM "{t}"')
                src = self._files(t)
                if src is None:
                    continue
                cols = ", ".join(f'"{c}"' for c, _ in TABLES[t])
                hive = "true" if t in PARTITIONED else "false"
                self.con.execute(f'INSERT INTO "{t}" ({cols}) SELECT {cols} FROM '
                                 f"read_parquet('{src}', hive_partitioning = {hive})")
        for t in TABLES:
            self._fp[t] = self._fingerprint(t)

    def _day(self, table: str, alias: str = "") -> str:
        """SQL for the partition day of a row (``alias`` qualifies the time column)."""
        col = f'{alias + "." if alias else ""}"{PARTITIONED[table]}"'
        return f"coalesce(strftime({col}, '%Y-%m-%d'), 'unknown')"

    def _fingerprint(self, table: str, parts: set | None = None):
        """Row count + XOR of row hashes: per table, or per (platform, day) partition (only
        the partitions in ``parts``, merged into the last fingerprint, when given)."""
        if table in PARTITIONED:
            where, params = "", []
            if parts is not None:
                if not parts:
                    return dict(self._fp.get(table) or {})
                ts, conds = PARTITIONED[table], []
                for p, d in sorted(parts):
                    if d == "unknown":
                        conds.append(f'(platform = ? AND "{ts}" IS NULL)')
                        params.append(p)
                    else:
                        conds.append(f'(platform = ? AND "{ts}" >= CAST(? AS TIMESTAMP) AND '
                                     f'"{ts}" < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY)')
                        params += [p, d, d]
                where = "WHERE " + " OR ".join(conds)
            rows = self.con.execute(
                f'SELECT platform, {self._day(table)} AS day, count(*), bit_xor(hash(t)) '
                f'FROM "{table}" t {where} GROUP BY ALL', params).fetchall()
            got = {(str(p), str(d)): (int(n), int(h)) for p, d, n, h in rows}
            if parts is None:
                return got
            merged = {k: v for k, v in (self._fp.get(table) or {}).items() if k not in parts}
            merged.update(got)
            return merged
        return tuple(self.con.execute(
            f'SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM "{table}" t').fetchall()[0])

    def flush(self, full: bool = False) -> list[str]:
        """Write the tables changed since the last flush to the lake atomically; returns them.

        Only tables written through the store's methods are checked (all with ``full``, as
        ``close`` does); of ``posts`` and ``metric_observations`` only the (platform, day)
        partitions whose rows changed are rewritten. Called after each outermost transaction.

        Example
        -------
        >>> import tempfile
        >>> LakeStore(tempfile.mkdtemp()).flush()
        []
        """
        if self._lake_read_only:
            return []
        with self._flush_lock:
            check = list(TABLES) if full else [t for t in TABLES if t in self._dirty]
            touched = {} if full else dict(self._touched)
            self._dirty.clear()
            self._touched.clear()
            changed, entries, fps = [], [], {}
            for t in check:
                known = isinstance(self._fp.get(t), dict) and (self.lake / t).exists()
                fp = self._fingerprint(t, touched.get(t) if known else None)
                if fp == self._fp.get(t) and (self.lake / t).exists():
                    continue
                fps[t] = fp
                changed.append(t)
            if not changed:
                return []
            stage = self.lake / "_staging" / uuid.uuid4().hex
            stage.mkdir(parents=True)
            cols_of = {t: ", ".join(f'"{c}"' for c, _ in TABLES[t]) for t in changed}
            for t in changed:
                out = stage / t
                if t not in PARTITIONED:
                    out.mkdir()
                    self.con.execute(f"COPY \"{t}\" TO '{out / 'data.parquet'}' (FORMAT parquet)")
                    entries.append(t)
                    continue
                before = self._fp.get(t) if (self.lake / t).exists() else {}
                before = before if isinstance(before, dict) else {}
                now = fps[t]
                touched = sorted(k for k in now if before.get(k) != now[k])
                gone = sorted(k for k in before if k not in now)
                if touched:
                    keys = pa.table({"p": [k[0] for k in touched], "d": [k[1] for k in touched]})
                    with registered(self.con, f"_lake_parts_{uuid.uuid4().hex}", keys) as name:
                        q = (f'SELECT * FROM (SELECT {cols_of[t]}, {self._day(t)} AS day '
                             f'FROM "{t}") x WHERE EXISTS (SELECT 1 FROM "{name}" k '
                             f'WHERE k.p = x.platform AND k.d = x.day) '
                             f'ORDER BY "{PRIMARY_KEYS[t][1]}"')
                        self.con.execute(f"COPY ({q}) TO '{out}' (FORMAT parquet, "
                                         "PARTITION_BY (platform, day), WRITE_PARTITION_COLUMNS false)")
                parts = sorted(p.parent.relative_to(out).as_posix() + "/" + p.name
                               for p in out.glob("*/*")) if out.exists() else []
                entries.append({"table": t, "parts": parts,
                                "removed": [f"platform={p}/day={d}" for p, d in gone]})
            (stage / "COMMIT").write_text(json.dumps(entries))
            self._swap(stage, entries)
            shutil.rmtree(stage, ignore_errors=True)
            commit = uuid.uuid4().hex
            (self.lake / _VERSION_FILE).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION, "commit": commit}))
            self._fp.update(fps)
            self._save_state(commit)
            return changed

    # ----- writes: same code path as Store, then flush ----------------------------------
    def transaction(self):  # noqa: D102 - same contract as Store.transaction
        import contextlib

        @contextlib.contextmanager
        def tx():
            outer = self._in_tx == 0
            if outer and not self._lake_read_only:
                # until the flush below finishes, the working copy may hold more than the lake:
                # a crash in between makes the next open reload from the lake
                self.con.execute("INSERT OR REPLACE INTO _lake_state VALUES ('commit', 'pending')")
            with Store.transaction(self):
                yield self
            if outer and self._in_tx == 0:
                self.flush()
        return tx()

    def _note(self, table: str, data=None) -> None:
        """Remember that ``table`` was written and, for a partitioned one, which partitions
        ``data`` can touch (all when unknown): the flush then fingerprints only those."""
        self._dirty.add(table)
        if table not in PARTITIONED:
            return
        prev = self._touched.get(table, set())
        if prev is None:
            return
        ts, pk = PARTITIONED[table], PRIMARY_KEYS[table]
        parts = None
        staged = isinstance(data, str)   # a relation of this connection (Store.upsert)
        cols = ({r[0] for r in self.con.execute(f'DESCRIBE "{data}"').fetchall()} if staged else
                set(getattr(data, "column_names", None) or getattr(data, "columns", [])))
        if data is not None and {"platform", ts, *pk} <= cols:
            try:
                with registered(self.con, f"_lake_note_{uuid.uuid4().hex}", data) as name:
                    # the partitions of the incoming rows, and of the stored rows they merged
                    # into (a stored row keeps its own time, so it may sit in another partition)
                    on = " AND ".join(f't."{k}" = d."{k}"' for k in pk)
                    parts = {(str(p), str(d)) for p, d in self.con.execute(
                        f'SELECT DISTINCT platform, {self._day(table)} FROM "{name}" UNION '
                        f'SELECT DISTINCT t.platform, {self._day(table, "t")} '
                        f'FROM "{table}" t SEMI JOIN "{name}" d ON {on}').fetchall()}
            except Exception:  # noqa: BLE001 - odd input: fall back to every partition
                parts = None
        self._touched[table] = None if parts is None else prev | parts

    def upsert(self, table, data, keep_greatest=(), overwrite=(), all_stored=False):  # noqa: D102
        with self.transaction():
            n = super().upsert(table, data, keep_greatest, overwrite, all_stored=all_stored)
            self._note(table, data)
            return n

    def append(self, table, data, ignore_conflicts=True):  # noqa: D102
        with self.transaction():
            n = super().append(table, data, ignore_conflicts)
            self._note(table, data)
            return n

    def replace(self, table, data, where=None, params=None):  # noqa: D102
        with self.transaction():
            self._note(table)   # the DELETE may empty any partition
            return super().replace(table, data, where, params)

    def set_meta(self, key, value):  # noqa: D102
        with self.transaction():
            self._dirty.add("meta")
            super().set_meta(key, value)

    def execute(self, query, params=None):  # noqa: D102
        with self.transaction():
            self._dirty.update(TABLES)  # any table: checked by fingerprint
            for t in PARTITIONED:
                self._touched[t] = None
            return super().execute(query, params)

    def close(self) -> None:
        """Write pending changes (e.g. from raw ``con`` statements) and close."""
        try:
            if getattr(self, "con", None) is not None and self._in_tx == 0:
                self.flush(full=True)
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
            from suara.store.ibis_import import lazy_compilers
            lazy_compilers()   # the PySpark compiler only, not Ibis' twenty dialects
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
        # listing a partitioned table and reading its Parquet footers costs Spark about a
        # second: reuse the DataFrame until the next lake commit
        commit = self._lake_commit()
        hit = self._frames.get(name)
        if hit is not None and hit[0] == commit:
            return hit[1]
        df = self._read_frame(name)
        self._frames[name] = (commit, df)
        return df

    def _read_frame(self, name: str):
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
        hit = self._views.get(name)
        if hit is not None and hit[0] is df:
            return hit[1]
        view = f"suara_{name}"
        df.createOrReplaceTempView(view)
        t = self.ibis_spark.table(view)
        self._views[name] = (df, t)
        return t

    def duckdb_table(self, name: str) -> ibis.Table:
        """The same table on the in-process DuckDB working copy (the documented fallback)."""
        return self.ibis.table(name)

    def __repr__(self) -> str:
        return f"LakeStore({self.path!r}, engine='spark', schema_version={SCHEMA_VERSION})"


def _spark_schema(schema):
    """Arrow schema -> Spark StructType (for empty tables, which have no Parquet file)."""
    from pyspark.sql.pandas.types import from_arrow_schema
    return from_arrow_schema(schema)


def _encode_fp(fp: dict) -> dict:
    return {t: ({f"{k[0]}\x1f{k[1]}": list(v) for k, v in f.items()} if isinstance(f, dict)
                else list(f)) for t, f in fp.items()}


def _decode_fp(raw: dict) -> dict:
    out = {}
    for t, f in raw.items():
        if isinstance(f, dict):
            out[t] = {tuple(k.split("\x1f", 1)): tuple(v) for k, v in f.items()}
        else:
            out[t] = tuple(f)
    return out
