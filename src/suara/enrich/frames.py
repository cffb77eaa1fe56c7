"""Enrich one text column of a table outside any workspace (the `suara text` commands).

Each function takes a pandas DataFrame (one chunk of a CSV file) and returns a copy with the
new columns; pipelines are built once per process and reused for the next chunk.

Example
-------
>>> import pandas as pd
>>> sentiment_frame(pd.DataFrame({"t": ["mantap sekali"]}), "t")["sentiment"].tolist()
['positive']
"""
from __future__ import annotations

from suara.enrich.base import Component, Pipeline
from suara.enrich.components import Sentiment, TargetedSentiment, Toxicity
from suara.enrich.pipeline import components_by_name

__all__ = ["sentiment_frame", "toxicity_frame", "enrich_frame", "FLAT_COLUMNS"]

#: columns `enrich_frame` writes when their component ran (lists joined with ``;``)
FLAT_COLUMNS = ["text_norm", "language", "language_conf", "candidates", "sentiment",
                "sentiment_score", "sentiment_conf", "emotion", "emotion_score", "hate_speech",
                "hate_score", "abusive", "abusive_score", "hs_target", "sara", "sara_score",
                "hs_strength", "issues", "dup_cluster", "hoax_claim_id", "hoax_score"]
_PIPES: dict = {}


def _per_candidate(res, df, election) -> None:
    for c in election.candidates:
        res[f"sentiment_{c.ballot}"] = [
            next((m["sentiment"] for m in ms if m["candidate"] == c.ballot), "")
            for ms in df["mentions"]]


def _models_key(workspace) -> tuple:
    """Part of a cached pipeline's key: the workspace and its active model versions, so that
    a model trained after the pipeline was built is picked up."""
    if workspace is None:
        return ()
    from suara.enrich.adapt import active_versions
    return (str(workspace), active_versions(workspace))


def _adapted(pipe, workspace):
    """The pipeline with the workspace's own models (`suara.enrich.adapt`) when given one."""
    if workspace is None:
        return pipe
    from suara.enrich.adapt import attach
    return attach(pipe, workspace)


def sentiment_frame(chunk, column: str, election=None, workspace=None, embeddings: str | None = None):
    """Add ``sentiment``, ``sentiment_score`` and, with an election, ``sentiment_<ballot>``;
    with a ``workspace`` folder its own sentiment model (`suara train`) decides.
    ``embeddings`` (off|auto|on) overrides the election's ``text.embeddings`` for the shipped
    model's e5 head (`suara.enrich.embed`).

    Example
    -------
    >>> import pandas as pd
    >>> sentiment_frame(pd.DataFrame({"t": ["mantap sekali"]}), "t")["sentiment"].tolist()
    ['positive']
    """
    key = ("sent", id(election), _models_key(workspace), embeddings)
    pipe = _PIPES.get(key)
    if pipe is None:
        comps = [Sentiment()] + ([TargetedSentiment()] if election is not None else [])
        settings = {"embeddings": embeddings} if embeddings else None
        pipe = _PIPES[key] = _adapted(Pipeline.for_components(comps, election=election, settings=settings),
                                      workspace)
    df = pipe.run(chunk[column].tolist()).df
    res = chunk.copy()
    res["sentiment"] = df["sentiment"].to_numpy()
    res["sentiment_score"] = df["sentiment_score"].round(4).to_numpy()
    if election is not None:
        _per_candidate(res, df, election)
    return res


def toxicity_frame(chunk, column: str, workspace=None):
    """Add ``hate_speech``, ``abusive`` (0/1), ``sara`` and their scores; with a
    ``workspace`` folder its own toxicity model decides ``hate_speech``.

    Example
    -------
    >>> import pandas as pd
    >>> toxicity_frame(pd.DataFrame({"t": ["selamat pagi semua"]}), "t")["hate_speech"].tolist()
    [0]
    """
    key = ("tox", _models_key(workspace))
    pipe = _PIPES.get(key)
    if pipe is None:
        pipe = _PIPES[key] = _adapted(Pipeline.for_components([Toxicity()]), workspace)
    df = pipe.run(chunk[column].tolist()).df
    res = chunk.copy()
    res["hate_speech"] = df["hate_speech"].astype(int).to_numpy()
    res["hate_speech_score"] = df["hate_score"].to_numpy()
    res["abusive"] = df["abusive"].astype(int).to_numpy()
    res["abusive_score"] = df["abusive_score"].to_numpy()
    res["sara"] = df["sara"].to_numpy()
    res["sara_score"] = df["sara_score"].to_numpy()
    return res


def enrich_frame(chunk, column: str, election=None, only: list[str] | None = None,
                 extra: tuple[Component, ...] | list[Component] = (), workspace=None):
    """Every (or the chosen) enrich component over one text column; list values are joined
    with ``;`` and per-candidate sentiment goes to ``sentiment_<ballot>``. ``extra``
    components (e.g. a `HoaxMatcher` with its claims) run last. With a ``workspace`` folder
    its own models decide sentiment and toxicity and add ``categories``.

    Raises `~suara.enrich.base.EnrichError` for an unknown component name and
    `~suara.enrich.base.NeedsElection` when a chosen component needs an election.

    Example
    -------
    >>> import pandas as pd
    >>> enrich_frame(pd.DataFrame({"t": ["mantap sekali"]}), "t", only=["language"])["language"].tolist()
    ['id']
    """
    key = ("enrich", id(election), tuple(only or ()), tuple(id(c) for c in extra), _models_key(workspace))
    pipe = _PIPES.get(key)
    if pipe is None:
        if only:
            pipe = Pipeline.for_components(components_by_name(only), election=election)
        elif election is not None:
            pipe = Pipeline.default(election, {"ocr": False})
        else:
            pipe = Pipeline.for_components(components_by_name(
                ["language", "sentiment", "emotion", "toxicity", "dedup"]))
        pipe.components += list(extra)
        _PIPES[key] = pipe = _adapted(pipe, workspace)
    df = pipe.run(chunk[column].tolist()).df
    res = chunk.copy()
    for c in FLAT_COLUMNS:
        if c in df:
            v = df[c]
            res[c] = [";".join(x) if isinstance(x, list) else x for x in v] if c in (
                "candidates", "issues") else v.to_numpy()
    if "categories" in df:
        res["categories"] = [";".join(c["category"] for c in cs or []) for cs in df["categories"]]
    if "mentions" in df and election is not None:
        _per_candidate(res, df, election)
    return res
