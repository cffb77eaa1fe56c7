"""Model inference on Spark: the same enrich components, batched, through ``mapInPandas``.

Each executor task builds the component pipeline once (models are loaded from the installed
package, never downloaded) and enriches its partition in batches of ``batch`` texts with
:func:`suara.enrich.pipeline.enrich_texts`; only the scalar result columns travel back.
"""
from __future__ import annotations

import json

#: scalar result columns and their Spark types (list-valued outputs are joined with ';')
COLUMNS = {
    "language": "string", "language_conf": "double",
    "sentiment": "string", "sentiment_score": "double", "sentiment_conf": "double",
    "emotion": "string", "emotion_score": "double",
    "hate_speech": "boolean", "hate_score": "double", "abusive": "boolean", "abusive_score": "double",
    "candidates": "string", "issues": "string",
}


def enrich_frame(df, components: list[str], election=None, text_col: str = "text",
                 keys: tuple[str, ...] = ("platform", "post_id"), batch: int = 512):
    """Enrich a Spark DataFrame's text column on the executors; returns keys + result columns.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        Must hold ``keys`` and ``text_col``.
    components : list of str
        Enrich component names (``language``, ``sentiment``, ``emotion``, ``toxicity``,
        ``tag``, ``issues``...); ``tag``/``issues`` need ``election``.
    batch : int
        Texts per model call inside a partition.

    Example
    -------
    >>> out = enrich_frame(lake.spark_frame("posts"), ["language", "sentiment"])  # doctest: +SKIP
    >>> out.columns[:4]  # doctest: +SKIP
    ['platform', 'post_id', 'language', 'language_conf']
    """
    from suara.enrich.base import EnrichError, load_plugins

    reg = load_plugins()
    unknown = [c for c in components if c not in reg]
    if unknown:
        raise EnrichError(f"unknown component(s) {unknown}; known: {sorted(reg)}")
    probe = _enrich_batch(["ok"], components, election)
    cols = [c for c in COLUMNS if c in probe.columns]
    schema = ", ".join([f"`{k}` string" for k in keys] + [f"`{c}` {COLUMNS[c]}" for c in cols])
    keys, text_col = list(keys), text_col

    def run(parts):
        import pandas as pd
        for part in parts:
            for i in range(0, len(part), batch):
                chunk = part.iloc[i:i + batch]
                texts = chunk[text_col].fillna("").astype(str).tolist()
                res = _enrich_batch(texts, components, election)
                out = chunk[keys].reset_index(drop=True).astype(str)
                for c in cols:
                    v = res[c] if c in res else pd.Series([None] * len(chunk))
                    if c in ("candidates", "issues"):
                        v = [";".join(x) if isinstance(x, (list, tuple)) else x for x in v]
                    out[c] = list(v)
                yield out

    return df.select(*keys, text_col).mapInPandas(run, schema)


def _enrich_batch(texts, components, election):
    # hand-written cache: one pipeline per worker process, not per batch (model load is the cost)
    from suara.enrich.base import Pipeline, load_plugins
    key = (tuple(components), id(election))
    pipe = _PIPES.get(key)
    if pipe is None:
        pipe = _PIPES[key] = Pipeline.for_components([load_plugins()[n]() for n in components], election=election)
    return pipe.run(texts).df


_PIPES: dict = {}


# --------------------------------------------------------------------------------------
# the workspace enrich stage on Spark (`suara enrich --engine spark`)

#: per-post enrichment columns computed on the executors and their Spark types; near-duplicate
#: clusters (``dup_cluster``) need every earlier text, so they stay on the driver
WORKSPACE_COLUMNS = {
    "text_norm": "string", "language": "string", "language_conf": "double",
    "candidates": "array<string>", "sentiment": "string", "sentiment_score": "double",
    "sentiment_conf": "double", "emotion": "string", "emotion_score": "double",
    "hate_speech": "boolean", "hate_score": "double", "abusive": "boolean",
    "abusive_score": "double", "hs_target": "string", "sara": "string", "sara_score": "double",
    "hs_strength": "string", "issues": "array<string>", "hoax_claim_id": "string",
    "hoax_score": "double", "ocr_text": "string", "mentions_json": "string",
}


def enrich_lake(ws, version: str, rebuild: bool, settings: dict, write_batch, progress=None,
                size: int = 5000) -> int:
    """Run the workspace's stateless enrich components on the Spark executors.

    Posts without an enrichment for ``version`` (all with ``rebuild``) are read from the lake
    as a Spark DataFrame and enriched with ``mapInPandas`` -- each Python worker builds the same
    :meth:`~suara.enrich.pipeline.Pipeline.default` pipeline once (same version string) and
    runs it over batches of ``size`` posts. The results are written as Parquet under
    ``<lake>/_work/`` and read back on the driver in (platform, post_id) order, where
    ``write_batch(out)`` adds near-duplicate clusters and writes ``enrichments``/``mentions``
    exactly as the DuckDB path does. Returns the number of posts enriched.

    Example
    -------
    >>> ws = suara.open("campaign", engine="spark")  # doctest: +SKIP
    >>> ws.enrich()["posts"]  # doctest: +SKIP
    1412
    """
    import shutil
    import uuid

    import duckdb
    import pandas as pd

    from suara.enrich.base import STORED_COLUMNS

    store = ws.store
    keys = ["platform", "post_id"]
    posts = store.spark_frame("posts")
    cols = keys + ["text"] + (["media_files"] if "media_files" in posts.columns else [])
    todo = posts.select(*cols)
    if not rebuild:
        enr = store.spark_frame("enrichments")
        done = enr.filter(enr.version == version).select(*keys)
        todo = todo.join(done, keys, "left_anti")
    total = todo.count()
    if progress:
        progress(0, total=total)
    if not total:
        return 0
    election, path = ws.election, str(ws.path)
    schema = ", ".join([f"`{k}` string" for k in keys] +
                       [f"`{c}` {t}" for c, t in WORKSPACE_COLUMNS.items()])

    def run(parts):
        comps = _workspace_components(election, settings, path, version)
        from suara.enrich.base import run_components
        for part in parts:
            for i in range(0, len(part), size):
                out = run_components(comps, part.iloc[i:i + size].reset_index(drop=True))
                res = pd.DataFrame({"platform": out.platform.astype(str),
                                    "post_id": out.post_id.astype(str)})
                for c in WORKSPACE_COLUMNS:
                    if c == "mentions_json":
                        res[c] = [json.dumps(list(m or []), ensure_ascii=False, default=str)
                                  for m in out.get("mentions", [None] * len(out))]
                    elif c in ("candidates", "issues"):
                        res[c] = [None if v is None else list(v)   # lists or arrays
                                  for v in out.get(c, [None] * len(out))]
                    else:
                        res[c] = list(out[c]) if c in out else None
                yield res

    work = store.lake / "_work" / f"enrich-{uuid.uuid4().hex}"
    try:
        todo.mapInPandas(run, schema).write.parquet(str(work))
        con = duckdb.connect()  # a reader of its own: the store's connection writes meanwhile
        try:
            reader = con.sql(
                f"SELECT * FROM read_parquet('{work.as_posix()}/*.parquet') "
                "ORDER BY platform, post_id").to_arrow_reader(size)
            with store.transaction():  # one lake commit for the whole run
                for rb in reader:
                    out = rb.to_pandas()
                    out["mentions"] = [json.loads(s) if s else [] for s in out.pop("mentions_json")]
                    for c in ("candidates", "issues"):
                        out[c] = [list(v) if v is not None else None for v in out[c]]
                    out["_key"] = [f"{a}:{b}" for a, b in zip(out.platform, out.post_id)]
                    for c in STORED_COLUMNS:
                        if c not in out:
                            out[c] = None
                    write_batch(out)
                    if progress:
                        progress(len(out))
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return total


def _workspace_components(election, settings, path, version):
    """The stateless components of the workspace pipeline, built once per worker process."""
    from suara.enrich.base import EnrichError, Pipeline
    from suara.enrich.components import LanguageId
    from suara.enrich.dedup import NearDuplicates
    key = ("workspace", path, version)
    comps = _PIPES.get(key)
    if comps is None:
        pipe = Pipeline.default(election, settings, workspace=path)
        from suara.enrich.adapt import attach
        attach(pipe, path)  # the workspace's own models, as on the driver
        if pipe.version != version:
            raise EnrichError(f"worker pipeline {pipe.version} differs from the driver's {version}: "
                              "executors need the same Suara version and workspace files")
        comps = [c for c in pipe.components if not isinstance(c, NearDuplicates)]
        for c in comps:
            if isinstance(c, LanguageId):
                c.parallel = False  # one worker process per core already
        _PIPES[key] = comps
    return comps
