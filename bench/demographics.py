"""Demographics estimates against hand labels on real profiles, and the name lexicon on a
held-out part of itself.

    PYTHONPATH=src python bench/demographics.py [--fixtures ../shared/fixtures] [--min-confidence 0.5]

1. Imports every real export under ``../shared/fixtures`` into a temporary workspace, estimates
   every account, and compares with ``bench/data/demographics_labels.csv`` (platform,
   account_id and the labels a person gave from what the profile shows; no profile text is
   stored; guideline in docs/demographics.md). Per class: precision, recall, support; per
   attribute: coverage (share of labelled accounts given an answer at the confidence
   threshold) and answers where the labeller saw nothing (``unknown``).
2. Splits ``id_given_names/names.csv`` 80/20 by a hash of the name, rebuilds the lexicon
   (names + learned endings) from the 80 %, and scores the 20 % (which the lookup has never
   seen, so only the ending rules can answer): precision/recall for m and f, coverage, and how
   often a unisex (u) held-out name got a gender.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "demographics_labels.csv"
SHARED = ROOT.parent / "shared"


def prf(truth: list[str], pred: list[str], classes: list[str]) -> list[dict]:
    """Per class precision/recall over labelled items; ``unknown`` predictions are no answer."""
    out = []
    for c in classes:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        npred = sum(p == c for p in pred)
        ntrue = sum(t == c for t in truth)
        out.append({"class": c, "support": ntrue, "predicted": npred, "precision": tp / npred if npred else None,
                    "recall": tp / ntrue if ntrue else None})
    return out


def _fmt(x) -> str:
    return "  –  " if x is None else f"{x:5.2f}"


def report(title: str, truth: list[str], pred: list[str], classes: list[str]) -> None:
    n = len(truth)
    answered = sum(p != "unknown" for p in pred)
    labelled = sum(t != "unknown" for t in truth)
    guessed = sum(p != "unknown" and t == "unknown" for t, p in zip(truth, pred))
    correct = sum(p == t and p != "unknown" for t, p in zip(truth, pred))
    print(f"\n{title}  (n={n}, labelled {labelled}, answered {answered} = coverage {answered / n:.1%}; "
          f"answered where the labeller saw nothing: {guessed}; accuracy of answers on labelled: "
          f"{(correct / max(1, answered - guessed)):.2f})")
    print(f"  {'class':20} support predicted precision recall")
    for r in prf(truth, pred, classes):
        if r["support"] or r["predicted"]:
            print(f"  {r['class']:20} {r['support']:7d} {r['predicted']:9d}     {_fmt(r['precision'])}  {_fmt(r['recall'])}")


def real_profiles(fixtures: Path, min_conf: float) -> None:
    import suara
    from suara.enrich.demographics import estimate_workspace
    labels = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    with tempfile.TemporaryDirectory() as d:
        ws = suara.init(Path(d) / "ws")
        t0 = time.time()
        ws.ingest([fixtures])
        t1 = time.time()
        res = estimate_workspace(ws)
        t2 = time.time()
        est = ws.store.table("account_demographics").execute()
        ws.close()
    est["account_id"] = est.account_id.astype(str)
    print(f"fixtures: {res['accounts']} accounts imported in {t1 - t0:.1f} s, estimated in {t2 - t1:.2f} s "
          f"({res['accounts'] / max(t2 - t1, 1e-9):,.0f} accounts/s)")
    j = labels.merge(est, on=["platform", "account_id"], how="left", suffixes=("", "_est"))
    missing = int(j.person_est.isna().sum())
    if missing:
        print(f"WARNING: {missing} labelled accounts not found in the import (ids changed?)", file=sys.stderr)
    j = j[j.person_est.notna()]
    for c, cc in (("gender", "gender_conf"), ("age_band", "age_conf"), ("occupation", "occupation_conf")):
        j[c + "_est"] = j[c + "_est"].where(j[cc].astype(float) >= min_conf, "unknown")
    print(f"labelled accounts: {len(j)} ({dict(Counter(j.subset))}); confidence threshold {min_conf}")
    from suara.enrich.demographics import AGE_BANDS, OCCUPATIONS
    for subset in ("all", "profile", "handle_only"):
        s = j if subset == "all" else j[j.subset == subset]
        print(f"\n=== {subset} ({len(s)} accounts) ===")
        report("person", s.person.tolist(), s.person_est.tolist(), ["person", "organisation"])
        report("gender", s.gender.tolist(), s.gender_est.tolist(), ["f", "m"])
        if subset != "handle_only":
            report("age band", s.age_band.tolist(), s.age_band_est.tolist(), list(AGE_BANDS))
            report("walk of life", s.occupation.tolist(), s.occupation_est.tolist(), list(OCCUPATIONS))


def lexicon_holdout(data: Path, share: float = 0.2) -> None:
    from suara.enrich.demographics import name_gender
    from suara.models.train_names import build, load_names
    rows = load_names(data)

    def held(n: str) -> bool:
        return int(hashlib.sha256(n.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share
    hold = {r["name"] for r in rows if held(r["name"])}
    doc = build(data, holdout=hold)
    test = [r for r in rows if r["name"] in hold]
    truth, pred = [], []
    for r in test:
        g = name_gender(r["name"], doc)
        truth.append({"m": "m", "f": "f", "u": "unknown"}[r["gender"]])
        pred.append(g[0] if g and g[0] in ("m", "f") else "unknown")
    print(f"\n=== name lexicon, held-out {len(test)} of {len(rows)} names (lexicon rebuilt from the other "
          f"{len(rows) - len(test)}: {doc['meta']['endings']} ending rules) ===")
    report("held-out given names (ending rules only)", truth, pred, ["f", "m"])
    u = [p for t, p in zip(truth, pred) if t == "unknown"]
    print(f"  unisex held-out names given a gender: {sum(p != 'unknown' for p in u)} of {len(u)}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", type=Path, default=SHARED / "fixtures")
    ap.add_argument("--data", type=Path, default=SHARED / "data")
    ap.add_argument("--min-confidence", type=float, default=0.5)
    a = ap.parse_args(argv)
    if not a.fixtures.is_dir() or not (a.data / "id_given_names").is_dir():
        sys.exit(f"needs {a.fixtures} and {a.data / 'id_given_names'} (the shared data folder)")
    real_profiles(a.fixtures, a.min_confidence)
    lexicon_holdout(a.data)


if __name__ == "__main__":
    main()
