"""Quality measurements for the enrich stage (used by ``bench/quality.py`` and the tests).

Every function returns plain numbers in a dict so a benchmark prints them and a test
compares them with floors.

Example
-------
>>> from suara.config import load_election
>>> r = evaluate_political(load_election("kaltim-2024"))
>>> 0 <= r["tagging_precision"] <= 1
True
"""
from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

__all__ = ["load_political", "evaluate_political", "evaluate_language", "evaluate_hoax",
           "paraphrase", "hoax_query", "DATA_DIR", "load_political_real", "evaluate_political_real",
           "FIXTURES_DIR", "post_stance"]

#: the hand-labelled sets (tests/data/enrich in a source checkout)
DATA_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "enrich"
_STANCE = {"+": "positive", "-": "negative", "=": "neutral"}
#: real export samples (``../shared/fixtures`` next to a source checkout)
FIXTURES_DIR = Path(__file__).resolve().parents[4] / "shared" / "fixtures"


def _targets(spec: str) -> dict[str, str]:
    gold = {}
    if spec.strip() != "none":
        for t in spec.split(","):
            t = t.strip()
            gold[t[:-1]] = _STANCE[t[-1]]
    return gold


def post_stance(gold: dict) -> str | None:
    """One label for a whole post from its per-candidate labels: the one polar label it
    gives (positive or negative), else neutral; None when it has no label or gives both.

    >>> post_stance({"1": "positive", "2": "neutral"}), post_stance({"1": "positive", "2": "negative"})
    ('positive', None)
    """
    st = set(gold.values())
    polar = st - {"neutral"}
    if not st or len(polar) > 1:
        return None
    return polar.pop() if polar else "neutral"


def load_political_real(fixtures: str | Path | None = None, split: str | None = None,
                        path: str | Path | None = None) -> list[dict]:
    """The hand-labelled real political posts (``political_real.tsv``: post ids + labels)
    joined to their texts in the tweet-harvest fixtures. Returns dicts with ``id``, ``text``,
    ``gold`` ({ballot: sentiment}), ``toxic`` (bool) and ``split`` (dev|test).

    Raises FileNotFoundError when the fixtures folder is absent (tests skip on it) and
    ValueError naming the row when a labelled id is missing from its source file."""
    import pandas as pd
    fx = Path(fixtures) if fixtures else FIXTURES_DIR
    if not fx.is_dir():
        raise FileNotFoundError(f"{fx}: fixtures folder not found")
    lab = pd.read_csv(Path(path) if path else DATA_DIR / "political_real.tsv", sep="\t",
                      comment="#", dtype=str)
    texts: dict[str, str] = {}
    for src in lab["source"].unique():
        d = pd.read_csv(fx / src, dtype=str, keep_default_na=False)
        ids = d["tweet_url"].str.extract(r"/status/(\d+)")[0]
        texts.update({i: t for i, t in zip(ids, d["full_text"]) if isinstance(i, str)})
    out = []
    for n, r in enumerate(lab.itertuples(index=False), start=2):
        if split and r.split != split:
            continue
        if r.post_id not in texts:
            raise ValueError(f"political_real.tsv row {n}: post_id {r.post_id} not in {r.source}")
        out.append({"id": r.post_id, "text": texts[r.post_id], "gold": _targets(r.targets),
                    "toxic": r.toxic == "1", "split": r.split})
    return out


def score_targeted(gold_pred: list[tuple[str, str, float]]) -> dict:
    """3-class macro-F1 and accuracy over (gold, predicted label, score) triples, and
    positive-vs-negative macro-F1 over the pairs whose gold is not neutral (predicted by
    the sign of the score = P(pos) - P(neg))."""
    if not gold_pred:
        return {"targeted_macro_f1": 0.0, "targeted_accuracy": 0.0, "targeted_pairs": 0,
                "posneg_macro_f1": 0.0, "posneg_pairs": 0}
    g = [a for a, _, _ in gold_pred]
    p = [b for _, b, _ in gold_pred]
    pn = [(a, "positive" if s >= 0 else "negative") for a, _, s in gold_pred if a != "neutral"]
    return {"targeted_macro_f1": round(float(f1_score(g, p, average="macro")), 4),
            "targeted_accuracy": round(float(np.mean(np.array(g) == np.array(p))), 4),
            "targeted_pairs": len(g),
            "posneg_macro_f1": round(float(f1_score([a for a, _ in pn], [b for _, b in pn],
                                                    average="macro")), 4) if pn else 0.0,
            "posneg_pairs": len(pn)}


def evaluate_political_real(split: str | None = "test", fixtures=None, election=None,
                            settings: dict | None = None) -> dict:
    """Every shipped model on the hand-labelled real posts: candidate tagging P/R, targeted
    sentiment (3 classes and positive vs negative, over correctly tagged pairs) and toxicity
    (hate speech or abusive vs the ``toxic`` label)."""
    from suara.config import load_election
    from suara.enrich.pipeline import enrich_texts
    election = election or load_election("pilpres-2024")
    data = load_political_real(fixtures, split)
    df = enrich_texts([d["text"] for d in data], election=election, settings=settings)
    tp = fp = fn = 0
    trip = []
    for d, ms in zip(data, df["mentions"]):
        pred = {m["candidate"]: (m["sentiment"], m["score"]) for m in ms}
        gold = d["gold"]
        tp += len(set(pred) & set(gold))
        fp += len(set(pred) - set(gold))
        fn += len(set(gold) - set(pred))
        trip += [(gold[b], pred[b][0], pred[b][1]) for b in set(pred) & set(gold)]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    tox_gold = [d["toxic"] for d in data]
    tox_pred = (df["hate_speech"] | df["abusive"]).tolist()
    return {"posts": len(data), "tagging_precision": round(p, 4), "tagging_recall": round(r, 4),
            **score_targeted(trip),
            "toxic_f1": round(float(f1_score(tox_gold, tox_pred)), 4),
            "toxic_posts": int(sum(tox_gold))}


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r for r in rows[1:] if len(r) >= 2]


def load_political(path: str | Path | None = None) -> list[tuple[str, dict[str, str]]]:
    """(text, {ballot: sentiment}) pairs from ``political_posts.tsv``."""
    out = []
    for targets, text in _rows(Path(path) if path else DATA_DIR / "political_posts.tsv"):
        gold = {}
        if targets.strip() != "none":
            for t in targets.split(","):
                t = t.strip()
                gold[t[:-1]] = _STANCE[t[-1]]
        out.append((text, gold))
    return out


def evaluate_political(election, path=None) -> dict:
    """Tagging precision/recall (per post x candidate) and targeted-sentiment accuracy and
    macro-F1 over correctly tagged pairs, plus post-level sentiment for one-candidate posts."""
    from suara.enrich.pipeline import enrich_texts
    data = load_political(path)
    df = enrich_texts([t for t, _ in data], election=election)
    tp = fp = fn = 0
    gold_s, pred_s = [], []
    for (text, gold), ms in zip(data, df["mentions"]):
        pred = {m["candidate"]: m["sentiment"] for m in ms}
        tp += len(set(pred) & set(gold))
        fp += len(set(pred) - set(gold))
        fn += len(set(gold) - set(pred))
        for b in set(pred) & set(gold):
            gold_s.append(gold[b])
            pred_s.append(pred[b])
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"posts": len(data), "pairs": tp + fn,
            "tagging_precision": round(p, 4), "tagging_recall": round(r, 4),
            "tagging_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "targeted_accuracy": round(float(np.mean(np.array(gold_s) == np.array(pred_s))), 4)
            if gold_s else 0.0,
            "targeted_macro_f1": round(float(f1_score(gold_s, pred_s, average="macro")), 4)
            if gold_s else 0.0}


def evaluate_language(path=None) -> dict:
    """Accuracy of `LanguageId` on the hand-written ``language.tsv`` set."""
    from suara.enrich.components import LanguageId
    rows = _rows(Path(path) if path else DATA_DIR / "language.tsv")
    pred = LanguageId().detect([t for _, t in rows])
    ok = [g == p for (g, _), (p, _) in zip(rows, pred)]
    per = {}
    for (g, _), good in zip(rows, ok):
        per.setdefault(g, []).append(good)
    return {"texts": len(rows), "accuracy": round(float(np.mean(ok)), 4),
            **{f"accuracy_{k}": round(float(np.mean(v)), 4) for k, v in sorted(per.items())}}


_FILLERS = ["Beredar kabar bahwa", "Katanya", "Viral:", "Info dari grup sebelah,", "Awas!",
            "Tolong sebarkan:", "Benarkah", "Heboh,"]
_REACTIONS = ["astaga", "ini beneran?", "parah sih", "cek dulu gaes", "wkwk masa sih", "serius??",
              "pantes aja", "hadeh", "share biar pada tau", "ngeri"]
_SWAPS = {"tidak": "gak", "yang": "yg", "dengan": "dgn", "untuk": "utk", "sudah": "udah",
          "karena": "krn", "akan": "bakal", "banyak": "byk", "bahwa": "kalau", "saja": "aja"}
#: word-level paraphrases (synonyms and colloquial forms) for the paraphrase queries
_SYNONYMS = {"pemerintah": "rezim", "presiden": "pak presiden", "rakyat": "masyarakat",
             "mengatakan": "bilang", "menyatakan": "bilang", "uang": "duit", "melarang": "larang",
             "membeli": "beli", "menjual": "jual", "membuat": "bikin", "memberikan": "kasih",
             "diberikan": "dikasih", "meminta": "minta", "melihat": "lihat", "sekarang": "skrg",
             "besar": "gede", "banyak": "banyak bgt", "cina": "china", "asing": "luar negeri",
             "segera": "buruan", "semua": "seluruh", "orang": "org", "video": "vidio",
             "foto": "gambar", "berita": "kabar", "benar": "bener", "mau": "ingin",
             "bisa": "dapat", "agar": "supaya", "jika": "kalau", "kepada": "ke", "dari": "dr"}


def paraphrase(text: str, rng: random.Random) -> str:
    """A social-media style re-wording of a claim: the first ~30 words, slang swaps, some
    words dropped, a framing phrase in front (how hoaxes are re-shared)."""
    words = re.findall(r"\S+", text)[:30]
    out = []
    for w in words:
        lw = w.lower()
        if rng.random() < 0.12:
            continue
        out.append(_SWAPS.get(lw, w) if rng.random() < 0.8 else w)
    return f"{rng.choice(_FILLERS)} {' '.join(out)}"


def hoax_query(text: str, kind: str, rng: random.Random) -> str:
    """A post that repeats part of a claim. ``quote``: a 10-20-word span from inside the claim
    (not its opening) with a reaction and/or a framing phrase around it; ``paraphrase``: a
    12-25-word span re-worded (synonyms, slang, a fifth of the words dropped, halves
    swapped); ``head``: the claim's first 30 words with slang swaps (the old, easy benchmark)."""
    if kind == "head":
        return paraphrase(text, rng)
    words = re.findall(r"\S+", text)
    lo, hi = (10, 20) if kind == "quote" else (12, 25)
    n = min(len(words), rng.randint(lo, hi))
    start = rng.randint(5, len(words) - n) if len(words) > n + 5 else max(0, len(words) - n)
    span = words[start:start + n]
    if kind == "paraphrase":
        span = [_SYNONYMS.get(w.lower().strip(".,!?"), _SWAPS.get(w.lower(), w)) for w in span
                if rng.random() >= 0.2]
        cut = len(span) // 2
        if rng.random() < 0.5 and cut:
            span = span[cut:] + span[:cut]
    body = " ".join(span)
    return f"{rng.choice(_FILLERS)} {body} {rng.choice(_REACTIONS)}" if rng.random() < 0.7 \
        else f"{rng.choice(_REACTIONS)}, {body}"


def evaluate_hoax(claims_csv: str | Path, negatives: list[str], n: int = 300, seed: int = 7,
                  threshold: float | None = None, kind: str = "quote") -> dict:
    """Hoax matching on ``n`` posts that repeat a claim from ``claims_csv`` (see `hoax_query`
    for ``kind``): precision@1 (is the top claim the source?), the share matched above the
    threshold (recall) and its precision; and the false-match rate on ``negatives`` (real
    posts that repeat none of the claims, e.g. real political tweets)."""
    from suara.enrich.hoax import HoaxMatcher
    m = HoaxMatcher.from_csv(claims_csv)
    if threshold is not None:
        m.threshold = threshold
    rng = random.Random(seed)
    idx = rng.sample(range(len(m.claims)), min(n, len(m.claims)))
    queries = [hoax_query(m.claims[i][1].split(". ", 1)[-1], kind, rng) for i in idx]
    norm = [m._prep(q) for q in queries]
    s = m.scores(norm)
    top = s.argmax(1)
    p1 = float(np.mean([m.claims[j][0] == m.claims[i][0] for i, j in zip(idx, top)]))
    res = m.match(queries)
    matched = [(r[0], m.claims[i][0]) for r, i in zip(res, idx) if r[0] is not None]
    neg = m.match(negatives)
    return {"claims": len(m.claims), "queries": len(queries), "kind": kind,
            "precision_at_1": round(p1, 4),
            "matched_share": round(len(matched) / len(queries), 4),
            "precision_when_matched": round(float(np.mean([a == b for a, b in matched])), 4)
            if matched else 0.0,
            "false_match_rate": round(float(np.mean([r[0] is not None for r in neg])), 4)
            if negatives else 0.0, "negatives": len(negatives), "threshold": m.threshold}
