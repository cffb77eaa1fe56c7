"""Variants of the workspace sentiment model on the real political posts, in-process.

    .venv/bin/python bench/adapt_variants.py [--split dev|whole] [--seed 0,1,2,3,4]
        [--collections political-posneg,political-3] [--variants base,self-training,...]

`bench/adapt.py` measures the model a team gets (a fresh workspace, `suara train sentiment`
through the CLI, the rest of the collection scored). This script measures candidate changes
to that model cheaply: the features of every post are computed once (the fast reading,
`pilpres-2024` candidates, as `suara.enrich.adapt.featurise` builds them) and each variant
fits and scores in-process. ``base`` is the model `suara train` fits; with ``--split whole``
it reproduces `bench/adapt.py --sizes 200` (positive vs negative) and ``--sizes 300``
(3 classes) exactly, seed for seed.

``--split dev`` (the default, for choosing variants): only posts of the dev split
(docs/devset.md) are labelled (150 for positive vs negative, 170 for 3 classes, a seeded
sample) and the other dev posts are scored; no test-split post is labelled, scored or used
unlabelled. The workspace's unlabelled posts (what the transductive variants read) are the
distinct tweets of the two fixture files the collection comes from, minus the labelled ones
(and, on dev, minus every test-split post) - as a team's workspace holds its collection.

Variants (docs/labelling.md, "Real political posts", has the figures):
- ``self-training``: fit, pseudo-label the most confident unlabelled posts per class (quotas
  in the labels' class proportions, a share of the pool), refit with them at a lower weight.
- ``self-training-equal``: the same with equal quotas per class.
- ``self-training-thr``: pseudo-labels above a probability threshold, three rounds.
- ``handles``: the @handles of a post (the n-grams read them as one placeholder) as hashed
  indicator columns, e.g. whom a reply answers.
- ``knn``: the labels of the 5 nearest labelled posts in e5 space (cosine-weighted vote; for a
  training row its own label left out) as columns.
- ``spreading``: label spreading (scikit-learn) over the e5 kNN graph of the labelled and the
  workspace's posts, its log-odds added to the model's at half weight.
- ``c-ensemble``: the model's probabilities averaged over the C grid instead of the C chosen
  by cross-validation; ``bagging``: averaged over 25 bootstrap samples of the labels.
- ``clauses`` (``-3``: at weight 3): the shipped sentiment of the clauses that name a candidate
  and of the others, as six columns (a defence attacks the critics in clauses without the
  candidate's name).
- ``shared-ngrams`` (``-3``): only the n-grams found in 2 (3) posts of the workspace or more.
- ``prior``: class biases shifted so that the model predicts each class on the workspace's
  unlabelled posts naming a candidate in the labels' shares (``-all``: on all of them;
  ``-scored``: on the scored posts only; ``-hard``: shares of the decisions, not of the
  probabilities).

The figures of every variant are noise at this size (within the seeds' spread, and the
dev split's best did not hold on the whole collections); none is in `suara train`.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from suara.store.labels import dedupe_key  # noqa: E402

ORDER = ["negative", "neutral", "positive"]
SIZES = {"dev": {"political-posneg": 150, "political-3": 170},
         "whole": {"political-posneg": 200, "political-3": 300}}
SOURCES = ("tweet-harvest-csv/anies.csv", "tweet-harvest-csv/ganjar.csv")


def collection(name: str, fixtures: Path) -> pd.DataFrame:
    """text, label, split of a political collection, in `bench/adapt.py`'s order."""
    from suara.enrich.evaluate import DATA_DIR, load_political_real, post_stance
    rows = load_political_real(fixtures) + load_political_real(fixtures, path=DATA_DIR / "political_real_2.tsv")
    out = []
    for r in rows:
        lab = post_stance(r["gold"])
        if lab is None or (name == "political-posneg" and lab == "neutral"):
            continue
        out.append((r["text"], lab, r["split"]))
    df = pd.DataFrame(out, columns=["text", "label", "split"])
    df["_k"] = [dedupe_key(t) for t in df["text"]]
    return df[df["_k"] != ""].drop_duplicates("_k")


def workspace_posts(fixtures: Path) -> pd.DataFrame:
    """Every distinct tweet of the collection's source files (text, _k)."""
    texts = []
    for src in SOURCES:
        texts += pd.read_csv(fixtures / src, dtype=str, keep_default_na=False)["full_text"].tolist()
    df = pd.DataFrame({"text": texts})
    df["_k"] = [dedupe_key(t) for t in df["text"]]
    return df[df["_k"] != ""].drop_duplicates("_k").reset_index(drop=True)


def test_keys(fixtures: Path) -> set[str]:
    """Normalised texts of every test-split post (all classes, mixed and unnamed included)."""
    from suara.enrich.evaluate import DATA_DIR, load_political_real
    rows = load_political_real(fixtures) + load_political_real(fixtures, path=DATA_DIR / "political_real_2.tsv")
    return {dedupe_key(r["text"]) for r in rows if r["split"] == "test"}


def split(name: str, fixtures: Path, seed: int, how: str, n: int | None = None):
    """(labelled, scored, unlabelled workspace texts) for one seed; ``how``: dev or whole."""
    df = collection(name, fixtures)
    hidden = set()
    if how == "dev":
        hidden = test_keys(fixtures)
        df = df[df["split"] == "dev"]
    df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    n = n or SIZES[how][name]
    lab, rest = df.iloc[:n], df.iloc[n:]
    rest = rest[~rest["_k"].isin(set(lab["_k"]))]
    ws = workspace_posts(fixtures)
    pool = ws[~ws["_k"].isin(set(lab["_k"]) | hidden)]
    return lab, rest, pool["text"].tolist()


# ----------------------------------------------------------------------------- features
class Features:
    def __init__(self, reading: str = "fast"):
        import tempfile

        import suara
        from suara.config.election import TextSettings
        from suara.enrich.adapt import election_ballots
        self.election = suara.init(tempfile.mkdtemp(), election="pilpres-2024").election
        if reading == "e5":  # the shipped outputs the model stacks on: the e5 reading's
            self.election = self.election.model_copy(update={"text": TextSettings(embeddings="on")})
        self.ballots = election_ballots("sentiment", self.election)
        self._rows: dict[str, tuple] = {}
        self._emb: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]):
        from suara.enrich.adapt import featurise
        todo = [t for t in dict.fromkeys(texts) if t not in self._rows]
        if todo:
            X, sh = featurise(todo, "sentiment", False, self.election, ballots=self.ballots)
            X = sp.csr_matrix(X)
            for i, t in enumerate(todo):
                self._rows[t] = (X[i], sh.iloc[[i]])
        rows = [self._rows[t] for t in texts]
        return sp.vstack([r[0] for r in rows], format="csr"), pd.concat([r[1] for r in rows], ignore_index=True)

    def e5(self, texts: list[str]) -> np.ndarray:
        from suara.enrich.stacking import _embed
        todo = [t for t in dict.fromkeys(texts) if t not in self._emb]
        if todo:
            self._emb.update(zip(todo, _embed(todo)))
        e = np.stack([self._emb[t] for t in texts])
        return e / np.linalg.norm(e, axis=1, keepdims=True).clip(1e-9)


# ----------------------------------------------------------------------------- models
def _fit(X, y: list[str], C: float, w: np.ndarray | None = None):
    """`AdaptedModel.fit` (balanced class weights, one-vs-rest liblinear heads), with optional
    row weights (balanced on the weighted counts)."""
    from suara.enrich.adapt import AdaptedModel
    return AdaptedModel.fit(X, y, "sentiment", C, {"version": 0}, sample_weight=w)


def _choose_c(X, y):
    from suara.enrich.adapt import choose_c
    return choose_c(X, np.asarray(y, dtype=object), "sentiment")[0]


def _decide(p_full: np.ndarray, binary: bool) -> np.ndarray:
    if binary:  # as bench/adapt.py: the sign of sentiment_score
        return np.where(p_full[:, 2] - p_full[:, 0] >= 0, "positive", "negative")
    return np.array(ORDER, dtype=object)[p_full.argmax(1)]


def v_base(F, tl, yl, tr, pool):
    from suara.enrich.adapt import combine
    X, _ = F(tl)
    m = _fit(X, yl, _choose_c(X, yl))
    Xr, shr = F(tr)
    return combine(m, m.predict_proba(Xr), shr)


def v_self_training(F, tl, yl, tr, pool, share=0.2, weight=0.3, quota="prop", thr=None, rounds=1):
    from suara.enrich.adapt import combine
    X, _ = F(tl)
    C = _choose_c(X, yl)
    m = _fit(X, yl, C)
    if pool:
        Xp, shp = F(pool)
        counts = pd.Series(yl).value_counts()
        for _ in range(rounds):
            p = combine(m, m.predict_proba(Xp), shp)
            top = p.argmax(1) if len(m.classes) == 3 else np.where(p[:, 2] >= p[:, 0], 2, 0)
            pick, py = [], []
            for c in m.classes:
                j = ORDER.index(c)
                share_c = counts[c] / len(yl) if quota == "prop" else 1 / len(m.classes)
                order = [i for i in np.argsort(-p[:, j]) if top[i] == j and (thr is None or p[i, j] >= thr)]
                sel = order[: int(round(share * len(pool) * share_c))]
                pick += sel
                py += [c] * len(sel)
            w = np.r_[np.ones(len(yl)), np.full(len(py), weight)]
            m = _fit(sp.vstack([X, Xp[pick]], format="csr"), list(yl) + py, C, w)
    Xr, shr = F(tr)
    return combine(m, m.predict_proba(Xr), shr)


def _handles(texts, w=1.0):
    from sklearn.feature_extraction.text import HashingVectorizer
    hv = HashingVectorizer(n_features=2 ** 16, token_pattern=r"\S+", lowercase=False, norm=None,
                           alternate_sign=False, binary=True)
    return hv.transform([" ".join("h_" + h.lower() for h in re.findall(r"@(\w{2,})", t)) for t in texts]) * w


def v_handles(F, tl, yl, tr, pool, w=1.0):
    from suara.enrich.adapt import combine
    X = sp.hstack([F(tl)[0], _handles(tl, w)], format="csr")
    m = _fit(X, yl, _choose_c(X, yl))
    Xr, shr = F(tr)
    return combine(m, m.predict_proba(sp.hstack([Xr, _handles(tr, w)], format="csr")), shr)


def _vote(Eq, El, yl, classes, k, leave_out):
    S = Eq @ El.T
    if leave_out:
        np.fill_diagonal(S, -np.inf)
    idx = np.argsort(-S, 1)[:, :k]
    Y = np.array([[c == lab for c in classes] for lab in yl], float)
    w = np.take_along_axis(S, idx, 1).clip(0)
    return (Y[idx] * w[..., None]).sum(1) / w.sum(1, keepdims=True).clip(1e-9)


def v_knn(F, tl, yl, tr, pool, k=5, w=1.0):
    from suara.enrich.adapt import combine
    classes = sorted(set(yl), key=ORDER.index)
    El, Er = F.e5(tl), F.e5(tr)
    X = sp.hstack([F(tl)[0], sp.csr_matrix(_vote(El, El, yl, classes, k, True) * w)], format="csr")
    m = _fit(X, yl, _choose_c(X, yl))
    Xr, shr = F(tr)
    Xr = sp.hstack([Xr, sp.csr_matrix(_vote(Er, El, yl, classes, k, False) * w)], format="csr")
    return combine(m, m.predict_proba(Xr), shr)


def v_spreading(F, tl, yl, tr, pool, alpha=0.5, mix=0.5, nn=10):
    from sklearn.semi_supervised import LabelSpreading

    from suara.enrich.adapt import combine
    classes = sorted(set(yl), key=ORDER.index)
    X, _ = F(tl)
    m = _fit(X, yl, _choose_c(X, yl))
    Xr, shr = F(tr)
    seen = set(tl)
    allt = list(tl) + [t for t in dict.fromkeys(list(pool) + list(tr)) if t not in seen]
    at = {t: i for i, t in enumerate(allt)}
    ys = np.r_[[classes.index(lab) for lab in yl], -np.ones(len(allt) - len(tl), int)]
    ls = LabelSpreading(kernel="knn", n_neighbors=nn, alpha=alpha, max_iter=100).fit(F.e5(allt), ys)
    q = ls.label_distributions_[[at[t] for t in tr]].clip(1e-3)
    z = np.log(m.predict_proba(Xr).clip(1e-6)) + mix * np.log(q / q.sum(1, keepdims=True))
    p = np.exp(z)
    return combine(m, p / p.sum(1, keepdims=True), shr)


def v_c_ensemble(F, tl, yl, tr, pool):
    from suara.enrich.adapt import _CS, combine
    X, _ = F(tl)
    Xr, shr = F(tr)
    ms = [_fit(X, yl, C) for C in _CS]
    return combine(ms[0], np.mean([m.predict_proba(Xr) for m in ms], 0), shr)


_CLAUSE = re.compile(r"[.!?;:\n]+|,|\b(?:tapi|tetapi|namun|sedangkan|padahal)\b", re.I)


def _about(F, texts, w=1.0):
    """Shipped sentiment (log-probabilities) of the clauses naming a candidate and of the
    others, each falling back to the whole post's when the post has none of them."""
    from suara.enrich.stacking import sentiment_probs
    from suara.enrich.tagging import CandidateTagger
    tagger = getattr(F, "_tagger", None) or CandidateTagger(F.election)
    F._tagger = tagger
    named, other = [], []
    for t in texts:
        cl = [c.strip() for c in _CLAUSE.split(t) if c and c.strip()]
        a = [c for c in cl if tagger.tag(c)]
        b = [c for c in cl if not tagger.tag(c) and re.search(r"[A-Za-z]{3}", c)]
        named.append(" . ".join(a) or t)
        other.append(" . ".join(b) or t)
    pa = np.log(sentiment_probs(F(named)[1]))
    pb = np.log(sentiment_probs(F(other)[1]))
    return sp.csr_matrix(np.hstack([pa, pb]) * w)


def v_clauses(F, tl, yl, tr, pool, w=1.0):
    from suara.enrich.adapt import combine
    X = sp.hstack([F(tl)[0], _about(F, tl, w)], format="csr")
    m = _fit(X, yl, _choose_c(X, yl))
    Xr, shr = F(tr)
    return combine(m, m.predict_proba(sp.hstack([Xr, _about(F, tr, w)], format="csr")), shr)


def v_shared_ngrams(F, tl, yl, tr, pool, min_df=2):
    """Only the n-gram columns found in at least ``min_df`` posts of the workspace (labelled
    and unlabelled): a labelled post cannot be fitted through words no other post has."""
    from suara.enrich.adapt import combine
    X, _ = F(tl)
    Xp, _ = F(list(pool))
    df = np.asarray((sp.vstack([X, Xp]) != 0).sum(0)).ravel()
    ng = _ngram_cols(F)
    keep = np.ones(X.shape[1], bool)
    keep[:ng] = df[:ng] >= min_df
    D = sp.diags(keep.astype(float))
    m = _fit(X @ D, yl, _choose_c(X @ D, yl))
    Xr, shr = F(tr)
    return combine(m, m.predict_proba(Xr @ D), shr)


def _ngram_cols(F) -> int:
    """Width of the hashed n-gram block at the front of the feature matrix."""
    b = F._batch_x if hasattr(F, "_batch_x") else None
    if b is None:
        from suara.enrich.stacking import _shipped_pipeline
        F._batch_x = _shipped_pipeline(F.election).run(["x"]).cache["X"].shape[1]
    return F._batch_x


def _named_only(F, texts):
    from suara.enrich.tagging import CandidateTagger
    tagger = getattr(F, "_tagger", None) or CandidateTagger(F.election)
    F._tagger = tagger
    return [t for t in texts if tagger.tag(t)]


def _match_prior(p_pool: np.ndarray, p: np.ndarray, classes: list[str], target: np.ndarray, hard: bool):
    """Shift the log-probabilities of ``classes`` by one bias each so that the share of each
    class predicted on the pool equals ``target``; returns ``p`` shifted the same way."""
    j = [ORDER.index(c) for c in classes]
    lp = np.log(p_pool[:, j].clip(1e-9))
    b = np.zeros(len(j))
    for _ in range(500):
        z = lp + b
        if hard:
            share = np.bincount(z.argmax(1), minlength=len(j)) / len(z)
        else:
            e = np.exp(z - z.max(1, keepdims=True))
            share = (e / e.sum(1, keepdims=True)).mean(0)
        b += 0.2 * (np.log(target) - np.log(share.clip(1e-3)))
        b -= b.mean()
    out = p.copy()
    z = np.log(p[:, j].clip(1e-9)) + b
    e = np.exp(z - z.max(1, keepdims=True))
    out[:, j] = e / e.sum(1, keepdims=True) * p[:, j].sum(1, keepdims=True)
    return out


def v_prior(F, tl, yl, tr, pool, which="named", hard=False):
    """The base model with its class biases shifted so that on the workspace's unlabelled
    posts (``named``: those naming a candidate; ``all``; ``scored``: the scored posts only) it
    predicts each class in the share the labels have."""
    from suara.enrich.adapt import combine
    X, _ = F(tl)
    m = _fit(X, yl, _choose_c(X, yl))
    pp = {"named": _named_only(F, list(pool)), "all": list(pool), "scored": list(tr)}[which]
    Xp, shp = F(pp)
    Xr, shr = F(tr)
    counts = pd.Series(yl).value_counts()
    target = np.array([counts[c] / len(yl) for c in m.classes])
    pr = combine(m, m.predict_proba(Xr), shr)
    pq = combine(m, m.predict_proba(Xp), shp)
    return _match_prior(pq, pr, m.classes, target, hard)


def v_bagging(F, tl, yl, tr, pool, n=25):
    """The base model's probabilities averaged over ``n`` bootstrap samples of the labels
    (stratified; C chosen once on all labels)."""
    from suara.enrich.adapt import combine
    X, _ = F(tl)
    C = _choose_c(X, yl)
    Xr, shr = F(tr)
    ya = np.asarray(yl, dtype=object)
    rng = np.random.default_rng(0)
    ps, m = [], None
    for _ in range(n):
        idx = np.concatenate([rng.choice(np.flatnonzero(ya == c), (ya == c).sum()) for c in sorted(set(yl))])
        m = _fit(X[idx], list(ya[idx]), C)
        ps.append(m.predict_proba(Xr))
    return combine(m, np.mean(ps, 0), shr)


VARIANTS = {"base": v_base, "self-training": v_self_training,
            "self-training-equal": lambda *a: v_self_training(*a, quota="equal"),
            "self-training-thr": lambda *a: v_self_training(*a, share=1.0, thr=0.9, rounds=3),
            "handles": v_handles, "knn": v_knn, "spreading": v_spreading, "c-ensemble": v_c_ensemble,
            "clauses": v_clauses, "clauses-3": lambda *a: v_clauses(*a, w=3.0),
            "shared-ngrams": v_shared_ngrams, "shared-ngrams-3": lambda *a: v_shared_ngrams(*a, min_df=3),
            "prior": v_prior, "prior-hard": lambda *a: v_prior(*a, hard=True),
            "prior-all": lambda *a: v_prior(*a, which="all"),
            "prior-scored": lambda *a: v_prior(*a, which="scored"),
            "prior-scored-hard": lambda *a: v_prior(*a, which="scored", hard=True),
            "bagging": v_bagging}


def threshold_check(F, fixtures: Path, seeds: list[int], how: str, n: int | None) -> None:
    from sklearn.metrics import roc_auc_score
    rows = []
    for s in seeds:
        lab, rest, pool = split("political-posneg", fixtures, s, how, n)
        p = v_base(F, lab["text"].tolist(), lab["label"].tolist(), rest["text"].tolist(), pool)
        sc, y = p[:, 2] - p[:, 0], (rest["label"] == "positive").to_numpy()
        ts = np.unique(sc)
        fs = [f1_score(y, sc >= t, average="macro") for t in ts]
        shipped = F(rest["text"].tolist())[1]["sentiment_score"].to_numpy(dtype=float)
        rows.append({"seed": s, "auc": roc_auc_score(y, sc), "auc_shipped": roc_auc_score(y, shipped),
                     "f1_at_0": f1_score(y, sc >= 0, average="macro"), "f1_best": max(fs),
                     "best_threshold": ts[int(np.argmax(fs))]})
    out = pd.DataFrame(rows)
    print(out.round(3).to_string(index=False))
    print("mean", out.drop(columns="seed").mean().round(3).to_dict())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", type=Path, default=ROOT.parent / "shared" / "fixtures")
    ap.add_argument("--split", choices=["dev", "whole"], default="dev")
    ap.add_argument("--collections", default="political-posneg,political-3")
    ap.add_argument("--variants", default="base,self-training", help=f"comma-separated, of: {', '.join(VARIANTS)}")
    ap.add_argument("--seed", default="0,1,2,3,4")
    ap.add_argument("--labels", type=int, help="labelled posts (default: 150 / 170 on dev, 200 / 300 whole)")
    ap.add_argument("--reading", choices=["fast", "e5"], default="fast",
                    help="e5: the workspaces' election with `text: {embeddings: on}` (bench/adapt.py "
                         "--election pilpres-e5.yaml)")
    ap.add_argument("--threshold-check", action="store_true",
                    help="positive vs negative: ROC AUC of the base model and of the shipped score on the "
                         "scored posts, and the macro-F1 the best threshold on them would give (a diagnostic)")
    a = ap.parse_args(argv)
    if not a.fixtures.is_dir():
        raise SystemExit(f"{a.fixtures}: no fixtures folder")
    seeds = [int(s) for s in a.seed.split(",")]
    F = Features(a.reading)
    t0 = time.time()
    for name in a.collections.split(","):
        for v in a.variants.split(","):
            fs = []
            for s in seeds:
                lab, rest, pool = split(name, a.fixtures, s, a.split, a.labels)
                yl = lab["label"].tolist()
                p = VARIANTS[v](F, lab["text"].tolist(), yl, rest["text"].tolist(), pool)
                pred = _decide(p, name == "political-posneg")
                fs.append(f1_score(rest["label"], pred, labels=sorted(set(yl)), average="macro"))
            print(f"{name:17} {a.split:5} {len(lab):>3} labels {len(rest):>3} scored  {v:20} macro-F1 "
                  f"{np.mean(fs):.3f}  ({' / '.join(f'{f:.3f}' for f in fs)})", flush=True)
    if a.threshold_check:
        threshold_check(F, a.fixtures, seeds, a.split, a.labels)
    print(f"total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
