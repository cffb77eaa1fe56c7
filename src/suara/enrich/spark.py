"""Model inference on Spark: the same enrich components, batched, through ``mapInPandas``.

Each executor task builds the component pipeline once (models are loaded from the installed
package, never downloaded) and enriches its partition in batches of ``batch`` texts with
:func:`suara.enrich.pipeline.enrich_texts`; only the scalar result columns travel back.
"""
from __future__ import annotations

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
    from suara.enrich.base import REGISTRY
    from suara.enrich.pipeline import EnrichError

    unknown = [c for c in components if c not in REGISTRY]
    if unknown:
        raise EnrichError(f"unknown component(s) {unknown}; known: {sorted(REGISTRY)}")
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
    from suara.enrich.pipeline import Pipeline
    from suara.enrich.base import REGISTRY
    key = (tuple(components), id(election))
    pipe = _PIPES.get(key)
    if pipe is None:
        comps = [REGISTRY[n](election) if n in ("tag", "issues") else REGISTRY[n]() for n in components]
        pipe = _PIPES[key] = Pipeline.for_components(comps, election=election)
    return pipe.run(texts).df


_PIPES: dict = {}
