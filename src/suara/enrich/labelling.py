"""Which posts to label next (active learning) and what the team's labels bought
(cross-validated evaluation of the shipped and the workspace model side by side).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> suggest(ws, "toxicity").empty   # no posts yet
True
>>> evaluate_labels(ws)
[]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from suara.enrich.adapt import (_stack, active_models, attach, choose_c, cv_predict, election_ballots,
                                featurise, sentiment_probs, training_set)
from suara.store.labels import LABELS, check_task, dedupe_key, read_labels, task_kind

__all__ = ["evaluate_labels", "suggest"]


# ----------------------------------------------------------------------------- evaluation
def evaluate_labels(ws, task: str | None = None, folds: int = 5, seed: int = 0) -> list[dict]:
    """Cross-validated macro-F1 and confusion matrices on the team's labels: the shipped
    model (no training) and the workspace model (fitted on the other folds, same features
    and settings as the active one) side by side. Predictions are restricted to the classes
    present in the labels (a positive/negative set is judged on positive vs negative).
    One dict per task with labels."""
    from sklearn.metrics import confusion_matrix, f1_score
    tasks = [check_task(task)] if task else sorted(set(read_labels(ws.store)["task"])) \
        if ws.store.count("labels") else []
    active = active_models(ws.path)
    res = []
    for t in tasks:
        texts, y, lab = training_set(ws, t)
        kind = task_kind(t)
        y = np.asarray(y, dtype=object)
        classes = [c for c in LABELS[kind] if (y == c).any()]
        row = {"task": t, "labels": len(y), "counts": {c: int((y == c).sum()) for c in classes},
               "classes": classes, "active_version": active[t].version if t in active else None}
        if len(classes) < 2 or min(row["counts"].values()) < 2:
            row["note"] = f"need at least 2 labels of each of two classes (have {row['counts']})"
            res.append(row)
            continue
        emb = active[t].embeddings if t in active else False
        ballots = active[t].ballots if t in active else election_ballots(kind, ws.election)
        targets = lab["target"].tolist() if "target" in lab else None
        X, shipped = featurise(texts, kind, emb, ws.election, targets=targets, ballots=ballots)
        if kind == "sentiment":
            ps = sentiment_probs(shipped)
            idx = [LABELS["sentiment"].index(c) for c in classes]
            base = np.array(classes, dtype=object)[ps[:, idx].argmax(1)]
        elif kind == "toxicity":
            base = np.where(shipped["hate_score"].to_numpy() >= 0.5, "toxic", "not_toxic")
        else:
            base = None  # no shipped model for a custom category
        C = None
        if t in active:
            C = float(active[t].meta.get("C", 1.0))
        nf = max(2, min(folds, min(row["counts"].values())))
        if C is None:
            C, _ = choose_c(X, y, t)
        pred = cv_predict(X, y, t, C, nf, seed)
        row["folds"] = nf
        row["adapted"] = {"macro_f1": round(float(f1_score(y, pred, labels=classes, average="macro")), 4),
                          "confusion": confusion_matrix(y, pred, labels=classes).tolist()}
        if base is not None:
            row["shipped"] = {"macro_f1": round(float(f1_score(y, base, labels=classes, average="macro")), 4),
                              "confusion": confusion_matrix(y, base, labels=classes).tolist()}
        else:
            row["shipped"] = None
        res.append(row)
    return res


# ----------------------------------------------------------------------------- active learning
def suggest(ws, task: str, n: int = 10, pool: int = 3000, seed: int = 0,
            diversity: float = 0.5) -> pd.DataFrame:
    """Posts to label next for ``task``: the most uncertain under the model in use (the
    workspace's when trained, else the shipped one), spread out so that near-identical posts
    are not asked twice (greedy: uncertainty minus ``diversity`` x the highest cosine
    similarity to posts already picked). For sentiment, only posts that name a candidate,
    with the candidates to judge in ``candidates`` (posts that name none, judged as a whole,
    only when fewer than ``n`` posts name one).

    Columns: platform, post_id, text, candidates, prediction, uncertainty.
    """
    task = check_task(task)
    kind = task_kind(task)
    posts = ws.store.table("posts").select("platform", "post_id", "text", "created_at")
    posts = posts.filter(posts.text.notnull() & (posts.text.strip().length() > 0))
    done = ws.store.table("labels")
    done = done.filter(done.task == task).select("platform", "post_id")
    cand = posts.anti_join(done, ["platform", "post_id"])
    df = cand.order_by([cand.created_at.desc(), cand.platform, cand.post_id]).limit(pool * 3).to_pandas()
    cols = ["platform", "post_id", "text", "candidates", "prediction", "uncertainty"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["_k"] = [dedupe_key(t) for t in df["text"]]
    df = df[df["_k"] != ""].drop_duplicates("_k")
    if len(df) > pool:
        df = df.sample(pool, random_state=seed)
    df = df.reset_index(drop=True)
    from suara.enrich.components import Sentiment, TargetedSentiment, Toxicity
    from suara.enrich.base import Pipeline
    pipe = Pipeline.for_components([Sentiment(), Toxicity(), TargetedSentiment()], election=ws.election)
    models = active_models(ws.path)
    m = models.get(task)
    if m is not None:
        attach(pipe, ws.path)
    b = pipe.run(df["text"].tolist())
    out = b.df
    df["candidates"] = out["candidates"].tolist()
    if kind == "sentiment":
        named = np.array([len(c) > 0 for c in df["candidates"]])
        # posts naming no candidate are asked about as a whole, only when too few name one
        keep = named if named.sum() >= n else np.ones(len(df), bool)
        post = np.abs(out["sentiment_score"].to_numpy(dtype=float))
        unc = np.array([1 - min([abs(x["score"]) for x in ms]) if ms else 1 - p
                        for ms, p in zip(out["mentions"], post)])
        pred = [", ".join(f"{x['candidate']}:{x['sentiment']}" for x in ms) or s
                for ms, s in zip(out["mentions"], out["sentiment"])]
    elif kind == "toxicity":
        keep = np.ones(len(df), bool)
        p = out["hate_score"].to_numpy(dtype=float)
        unc = 1 - np.abs(2 * p - 1)
        pred = np.where(p >= 0.5, "toxic", "not_toxic").tolist()
    else:
        keep = np.ones(len(df), bool)
        if m is not None:
            p = m.predict_proba(_stack(b, kind, m.embeddings))[:, 1]
            unc = 1 - np.abs(2 * p - 1)
            pred = np.where(p >= 0.5, "yes", "no").tolist()
        else:  # no model yet: words of the category's name first, then spread
            words = set(task.split(":", 1)[1].replace("-", "_").split("_"))
            unc = np.array([0.5 + 0.5 * any(w in dedupe_key(t).split() for w in words)
                            for t in df["text"]])
            pred = [""] * len(df)
    df["prediction"], df["uncertainty"] = pred, np.round(unc, 4)
    idx = np.flatnonzero(keep)
    if not len(idx):
        return pd.DataFrame(columns=cols)
    order = idx[np.argsort(-unc[idx], kind="stable")][: max(n * 5, n)]
    Xs = b.cache["X"][order]
    picked: list[int] = []
    best_sim = np.zeros(len(order))
    gain = unc[order].astype(float).copy()
    for _ in range(min(n, len(order))):
        j = int(np.argmax(gain - diversity * best_sim - 1e9 * np.isin(np.arange(len(order)), picked)))
        picked.append(j)
        sim = np.asarray((Xs @ Xs[j].T).todense()).ravel()
        norms = np.sqrt(np.asarray(Xs.multiply(Xs).sum(1)).ravel() * float(Xs[j].multiply(Xs[j]).sum()))
        best_sim = np.maximum(best_sim, sim / np.maximum(norms, 1e-9))
    return df.iloc[order[picked]][cols].reset_index(drop=True)
