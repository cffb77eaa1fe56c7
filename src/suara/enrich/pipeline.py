"""The enrich stage: a pipeline of named, versioned components over batches of posts.

`enrich_workspace(ws)` enriches every post that has no enrichment for the current pipeline
version (all posts with ``rebuild=True``), batch by batch, writing ``enrichments`` (one row
per post and version) and ``mentions`` (one row per post and candidate, with targeted
sentiment). Each batch commits in one transaction, so an interrupted run leaves whole
batches and the next run resumes. Analyses read only the version recorded under
``suara.store.schema.ENRICH_VERSION_KEY``; older versions stay in the store.

The version string names every component and a fingerprint of the inputs that change
results (election config, claims list, settings), e.g.
``suara-enrich-1.0+normalise.v1+language.v1+tag.v1+...+cfg.3f2a9c1d``.

Settings (optional ``<workspace>/enrich.yaml``): ``path`` (``fast``, the default linear
path), ``ocr`` (true), ``batch_size`` (5000), ``hoax_threshold`` (0.45),
``dedup_threshold`` (0.7), ``workers`` (2: processes for the per-post components on large
runs; near-duplicates and writing stay in the calling process), ``embeddings`` (unset: the
election's ``text.embeddings``; off, auto or on, see `suara.enrich.embed`).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> enrich_workspace(ws)["posts"]
0
>>> df = enrich_texts(["Gratispol mantap, lanjutkan!"], election=ws.election)
>>> df.loc[0, "candidates"], df.loc[0, "sentiment"]
(['2'], 'positive')
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa
import yaml

from suara.enrich.base import (DEFAULT_SETTINGS as _DEFAULTS, PIPELINE_VERSION, Batch, Component,
                               EnrichError, Pipeline, STORED_COLUMNS, load_plugins,
                               run_components as _run_components)
from suara.enrich.components import Emotion, LanguageId, Sentiment, Toxicity
from suara.enrich.dedup import NearDuplicates
from suara.store.schema import ENRICH_VERSION_KEY
from suara.store.staging import registered

__all__ = ["Pipeline", "enrich_workspace", "enrich_texts", "load_settings", "PIPELINE_VERSION",
           "SETTINGS_FILE", "EnrichError"]

SETTINGS_FILE = "enrich.yaml"


def load_settings(folder: str | Path | None) -> dict:
    """Enrich settings: defaults overlaid with ``<folder>/enrich.yaml`` when present."""
    s = dict(_DEFAULTS)
    if folder is not None:
        f = Path(folder) / SETTINGS_FILE
        if f.is_file():
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as e:
                raise EnrichError(f"{f}: not valid YAML: {e}") from None
            unknown = set(data) - set(_DEFAULTS)
            if unknown:
                raise EnrichError(f"{f}: unknown setting(s) {sorted(unknown)}; known: {sorted(_DEFAULTS)}")
            s.update(data)
    if s["path"] not in ("fast", "embedding"):
        raise EnrichError(f"enrich setting path must be 'fast' or 'embedding', not {s['path']!r}")
    if s["path"] == "embedding":
        raise EnrichError("path: embedding is not a path of its own: set embeddings: auto (posts "
                          "naming a candidate) or on (every post) in enrich.yaml, or text.embeddings "
                          "in the election config; path stays fast")
    if isinstance(s.get("embeddings"), bool):  # YAML reads a bare off/on as false/true
        s["embeddings"] = "on" if s["embeddings"] else "off"
    if s.get("embeddings") is not None and str(s["embeddings"]).lower() not in ("off", "auto", "on"):
        raise EnrichError(f"enrich setting embeddings must be off, auto or on, not {s['embeddings']!r}")
    return s


def enrich_texts(texts, election=None, components: list[str] | None = None,
                 settings: dict | None = None) -> pd.DataFrame:
    """Enrich a list of texts (or a DataFrame with ``text``) outside any workspace.

    ``components`` selects by name (e.g. ``["sentiment", "toxicity"]``); all text components
    run by default (tagging and issues only with an election). ``settings`` are enrich
    settings (as in ``enrich.yaml``) for the full pipeline.
    """
    if components is None:
        if election is None:
            comps = [LanguageId(), Sentiment(), Emotion(), Toxicity()]
        else:
            return Pipeline.default(election, {"ocr": False, **(settings or {})}).run(texts).df
    else:
        comps = components_by_name(components)
    return Pipeline.for_components(comps, election=election, settings=settings).run(texts).df


def components_by_name(names) -> list[Component]:
    """New (not yet initialised) components for registered names, third-party ones included.

    Example
    -------
    >>> [c.id for c in components_by_name(["language", "sentiment"])]
    ['language.v1', 'sentiment.v3']
    """
    reg = load_plugins()
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise EnrichError(f"unknown component {unknown[0]!r}; known: {', '.join(sorted(reg))}")
    return [reg[n]() for n in names]


_ENR_COLS = STORED_COLUMNS


def enrich_workspace(ws, rebuild: bool = False, progress: Callable | None = None,
                     batch_size: int | None = None) -> dict:
    """Enrich the workspace's posts not yet enriched for the current version (all with
    ``rebuild``); returns ``{"posts", "version", "seconds", "posts_per_s", "notes",
    "hoax_matches"}`` (posts matching a known claim; None without a claims list).

    ``progress(n, total=None)`` is called once with ``(0, total=...)`` then per batch.
    """
    store = ws.store
    on_duckdb = getattr(store, "engine", "duckdb") == "duckdb" and hasattr(store, "sql")
    threads = _one_thread(store) if on_duckdb else None
    try:
        return _enrich_workspace(ws, rebuild, progress, batch_size)
    finally:
        if threads is not None:
            store.execute(f"SET threads = {int(threads)}")


def _enrich_workspace(ws, rebuild, progress, batch_size) -> dict:
    from suara.store.store import utcnow

    t0 = time.time()
    settings = load_settings(ws.path)
    pipe = Pipeline.default(ws.election, settings, workspace=ws.path)
    from suara.enrich.adapt import attach
    attach(pipe, ws.path)  # the workspace's own models, trained on its labels
    version = pipe.version
    store = ws.store
    on_spark = getattr(store, "engine", "duckdb") == "spark" and hasattr(store, "spark_frame")
    on_duckdb = getattr(store, "engine", "duckdb") == "duckdb" and hasattr(store, "sql")
    if not on_spark:  # on Spark the posts stay on the executors (see enrich_lake)
        df = _todo_duckdb(store, version, rebuild) if on_duckdb else \
            _todo_ibis(store, version, rebuild)
        total = len(df)
        if progress:
            progress(0, total=total)
    dedup = next(c for c in pipe.components if isinstance(c, NearDuplicates))
    if not rebuild and (on_spark or total):  # seed near-duplicates with what is enriched
        if on_duckdb:
            old = store.sql("SELECT platform, post_id, text_norm FROM enrichments WHERE version = ? "
                            "ORDER BY platform, post_id", [version])
        else:
            enr = store.table("enrichments")
            old = enr.filter(enr.version == version).select("platform", "post_id", "text_norm") \
                .order_by(["platform", "post_id"]).to_pandas()
        dedup.add_many([f"{a}:{b}" for a, b in zip(old.platform, old.post_id)], old.text_norm.tolist())
        dedup.dirty.clear()
    models = json.dumps({"pipeline": version, "components": [c.id for c in pipe.components],
                         **pipe.notes}, ensure_ascii=False)
    size = int(batch_size or settings["batch_size"])
    if on_spark:
        from suara.enrich.spark import enrich_lake
        total = enrich_lake(ws, version, rebuild, settings, progress=progress, size=size,
                            write_batch=lambda out: _write_batch(store, version, models, dedup, out,
                                                                 rebuild, utcnow))
        _workspace_steps(ws)
        return _finish(store, version, total, t0, pipe, ws.election)
    stateless = [c for c in pipe.components if not isinstance(c, NearDuplicates)]
    pool = _pool(stateless, int(settings["workers"]), total, size)
    if pool is not None:
        size = min(size, 2500)  # smaller pieces keep both workers busy
    parts = (df.iloc[s:s + size].reset_index(drop=True) for s in range(0, total, size))
    results = pool.imap(_work, parts) if pool is not None else \
        (_run_components(stateless, p) for p in parts)
    try:
        for out in results:
            _write_batch(store, version, models, dedup, out, rebuild, utcnow)
            if progress:
                progress(len(out))
    finally:
        if pool is not None:
            pool.terminate()
            import gc
            gc.unfreeze()
    _workspace_steps(ws)
    return _finish(store, version, total, t0, pipe, ws.election)


def _one_thread(store) -> int | None:
    """Let DuckDB run the stage's statements with one thread; returns the setting to
    restore. Each batch writes a few thousand rows: more threads mostly wait for each other
    (measured on 2 cores: about a tenth of the stage's CPU and half its wall time)."""
    try:
        n = int(store.sql("SELECT current_setting('threads') AS n")["n"].iloc[0])
        if n > 1:
            store.execute("SET threads = 1")
            return n
    except Exception:  # noqa: BLE001 - a setting DuckDB refuses changes nothing
        pass
    return None


def _todo_ibis(store, version: str, rebuild: bool) -> pd.DataFrame:
    """The posts to enrich, ordered by key, through Ibis (engines other than DuckDB)."""
    posts = store.table("posts")
    cols = ["platform", "post_id", "text"] + (["media_files"] if "media_files" in posts.columns else [])
    if rebuild:
        todo = posts.select(*cols)
    else:
        enr = store.table("enrichments")
        done = enr.filter(enr.version == version).select("platform", "post_id")
        todo = posts.anti_join(done, ["platform", "post_id"]).select(*cols)
    return todo.order_by(["platform", "post_id"]).to_pandas()


def _todo_duckdb(store, version: str, rebuild: bool) -> pd.DataFrame:
    """The same rows as :func:`_todo_ibis` in plain SQL: the enrich stage need not import Ibis
    (about half a CPU-second per run)."""
    cols = ["platform", "post_id", "text", "media_files"]
    sel = ", ".join(f'p."{c}"' for c in cols)
    if rebuild:
        df = store.sql(f"SELECT {sel} FROM posts p ORDER BY p.platform, p.post_id")
    else:
        df = store.sql(f"SELECT {sel} FROM posts p ANTI JOIN (SELECT platform, post_id FROM "
                       "enrichments WHERE version = ?) e USING (platform, post_id) "
                       "ORDER BY p.platform, p.post_id", [version])
    # DuckDB hands lists over as arrays, Ibis as Python lists (what the components expect)
    df["media_files"] = pd.Series([v.tolist() if hasattr(v, "tolist") else
                                   (v if isinstance(v, list) else None) for v in df["media_files"]], index=df.index, dtype=object)
    return df


def _workspace_steps(ws) -> None:
    """Registered components of ``scope = "workspace"`` (region inference): once per run,
    over the whole workspace, after the post batches."""
    import suara.enrich.demographics  # noqa: F401 - registers the built-in workspace steps
    import suara.enrich.regions  # noqa: F401
    for cls in list(load_plugins().values()):
        if getattr(cls, "scope", "batch") == "workspace":
            cls().apply_workspace(ws)


def _finish(store, version: str, total: int, t0: float, pipe: "Pipeline", election=None) -> dict:
    store.set_meta(ENRICH_VERSION_KEY, version)
    if election is not None:   # the days of the new mentions (all of them for a new version)
        from suara.store import aggregates
        aggregates.refresh(store, *aggregates.config_of(election))
    secs = time.time() - t0
    engine = getattr(store, "engine", "duckdb")
    hoax = None  # posts of this version matching a known claim (when a claims list is loaded)
    if engine == "duckdb" and any(c.name == "hoax" for c in pipe.components):
        hoax = int(store.sql("SELECT count(*) AS n FROM enrichments WHERE version = ? AND "
                             "hoax_claim_id IS NOT NULL", [version])["n"].iloc[0])
    return {"posts": total, "version": version, "seconds": round(secs, 2),
            "posts_per_s": round(total / secs, 1) if secs > 0 and total else None,
            "notes": pipe.notes, "engine": engine, "hoax_matches": hoax}


_WORKER_COMPONENTS: list[Component] = []


def _work(part: pd.DataFrame) -> pd.DataFrame:
    return _run_components(_WORKER_COMPONENTS, part)


def _pool(components, workers: int, total: int, size: int):
    """A fork()ed process pool sharing the loaded models copy-on-write, or None to run in
    this process (one worker, small runs, or no fork on this platform)."""
    import multiprocessing as mp
    if workers <= 1 or total < 5000 or "fork" not in mp.get_all_start_methods():
        return None
    global _WORKER_COMPONENTS
    _run_components(components, pd.DataFrame({"platform": ["w"], "post_id": ["0"],
                                               "text": ["warm up the models sekali saja"]}))
    for c in components:
        if isinstance(c, LanguageId):
            c.parallel = False
    _WORKER_COMPONENTS = components
    import gc
    gc.collect()
    # the loaded models stay shared: the workers' collector never touches them (and the
    # caller's not until the run ends, see enrich_workspace)
    gc.freeze()
    return mp.get_context("fork").Pool(workers)


def _write_batch(store, version, models, dedup, out: pd.DataFrame, rebuild: bool, utcnow) -> None:
    """Near-duplicates (stateful, so in this process) and one transaction for the batch."""
    dedup.apply(Batch(out))
    now = utcnow()
    rows = pd.DataFrame({"platform": out.platform, "post_id": out.post_id, "version": version,
                         "enriched_at": now})
    for c in _ENR_COLS:
        rows[c] = out[c] if c in out else None
    rows["models"] = models
    ment = [(p, i, version, m["candidate"], m["sentiment"], m["score"], m["evidence"])
            for p, i, ms in zip(out.platform, out.post_id, out.mentions) for m in ms]
    mdf = pd.DataFrame(ment, columns=["platform", "post_id", "version", "candidate", "sentiment",
                                      "score", "evidence"])
    cats = [(p, i, version, c["category"], c["score"]) for p, i, cs in
            zip(out.platform, out.post_id, out["categories"] if "categories" in out else [])
            for c in (cs or [])]
    batch_keys = set(out["_key"])
    dirty = [k for k in dedup.dirty if k not in batch_keys]
    dedup.dirty.clear()
    with store.transaction():
        if rebuild:
            _delete_version_rows(store, version, rows[["platform", "post_id"]])
        store.append("enrichments", _arrow(rows))
        if len(mdf):
            store.append("mentions", mdf)
        if cats:
            store.append("categories", pd.DataFrame(cats, columns=["platform", "post_id", "version",
                                                                   "category", "score"]))
        if dirty:
            _update_clusters(store, version, [(*k.split(":", 1), dedup.cluster_of(k)) for k in dirty])


def _arrow(rows: pd.DataFrame) -> pa.Table:
    list_str = pa.list_(pa.string())
    fields = {"candidates": list_str, "issues": list_str, "enriched_at": pa.timestamp("s")}
    arrays = {}
    for c in rows.columns:
        t = fields.get(c)
        vals = rows[c].tolist()
        if c in ("hate_speech", "abusive"):
            vals = [None if v is None else bool(v) for v in vals]
        arrays[c] = pa.array(vals, type=t) if t is not None else pa.array(
            [None if (isinstance(v, float) and v != v) else v for v in vals])
    return pa.table(arrays)


def _update_clusters(store, version: str, rows: list[tuple[str, str, str]]) -> None:
    """Give already-written posts the near-duplicate cluster that a later copy revealed."""
    t = pa.table({"platform": [r[0] for r in rows], "post_id": [r[1] for r in rows],
                  "cluster": [r[2] for r in rows]})
    with registered(store.con, f"_enrich_dups_{id(t)}", t) as name:
        store.execute(f'UPDATE enrichments SET dup_cluster = d.cluster FROM "{name}" d WHERE '
                      'enrichments.version = ? AND enrichments.platform = d.platform AND '
                      'enrichments.post_id = d.post_id', [version])


def _delete_version_rows(store, version: str, keys: pd.DataFrame) -> None:
    with registered(store.con, f"_enrich_keys_{id(keys)}", pa.Table.from_pandas(keys, preserve_index=False)) as name:
        for t in ("enrichments", "mentions", "categories"):
            store.execute(f'DELETE FROM "{t}" WHERE version = ? AND (platform, post_id) IN '
                          f'(SELECT platform, post_id FROM "{name}")', [version])
