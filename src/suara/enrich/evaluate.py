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
           "paraphrase", "DATA_DIR"]

#: the hand-labelled sets (tests/data/enrich in a source checkout)
DATA_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "enrich"
_STANCE = {"+": "positive", "-": "negative", "=": "neutral"}


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
_SWAPS = {"tidak": "gak", "yang": "yg", "dengan": "dgn", "untuk": "utk", "sudah": "udah",
          "karena": "krn", "akan": "bakal", "banyak": "byk", "bahwa": "kalau", "saja": "aja"}


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


def evaluate_hoax(claims_csv: str | Path, negatives: list[str], n: int = 300, seed: int = 7,
                  threshold: float | None = None) -> dict:
    """Precision@1 on ``n`` paraphrased claims from ``claims_csv`` (is the top match the
    source claim?), the share matched above the threshold (recall), and the false-match
    rate on ``negatives`` (texts that repeat no claim)."""
    from suara.enrich.hoax import HoaxMatcher
    m = HoaxMatcher.from_csv(claims_csv)
    if threshold is not None:
        m.threshold = threshold
    rng = random.Random(seed)
    idx = rng.sample(range(len(m.claims)), min(n, len(m.claims)))
    queries = [paraphrase(m.claims[i][1].split(". ", 1)[-1], rng) for i in idx]
    norm = [m._prep(q) for q in queries]
    s = m.scores(norm)
    top = s.argmax(1)
    p1 = float(np.mean([m.claims[j][0] == m.claims[i][0] for i, j in zip(idx, top)]))
    res = m.match(queries)
    matched = [(r[0], m.claims[i][0]) for r, i in zip(res, idx) if r[0] is not None]
    neg = m.match(negatives)
    return {"claims": len(m.claims), "queries": len(queries), "precision_at_1": round(p1, 4),
            "matched_share": round(len(matched) / len(queries), 4),
            "precision_when_matched": round(float(np.mean([a == b for a, b in matched])), 4)
            if matched else 0.0,
            "false_match_rate": round(float(np.mean([r[0] is not None for r in neg])), 4)
            if negatives else 0.0, "threshold": m.threshold}
