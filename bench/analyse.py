"""Benchmark `suara analyse` (brand + audience sections) on simulated campaigns, and the
accuracy of account region inference against the simulator's ground truth.

Usage::

    python bench/analyse.py --scale small                 # ~20k items, a minute
    python bench/analyse.py --scale medium --dir /tmp/bm  # ~500k items; reuses /tmp/bm if built
    python bench/analyse.py --dir EXISTING_WORKSPACE --truth EXPORTS/ground_truth/accounts.csv

Prints: pipeline step times (simulate, ingest, enrich, coordination: not ours, for context),
`analyse` wall and CPU time per section cold (region inference included) and on a rerun over
unchanged data (inference skipped, no in-process cache), and
region-inference coverage/accuracy overall, per method and per confidence band, against
the majority-region baseline.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd

OURS = ["share_of_voice", "engagement", "influencers", "exposure", "regions", "segments",
        "recommendations"]


def build(d: Path, scale: str, seed: int) -> Path:
    """Simulate, ingest, enrich and detect coordination into workspace ``d``; returns the
    ground-truth accounts file."""
    import suara
    from suara.sim import simulate
    exports = d / "exports"
    t = time.perf_counter()
    sim = simulate(exports, seed=seed, scale=scale)
    print(f"simulate     {time.perf_counter() - t:8.1f} s  items={sim.get('items'):,}", flush=True)
    ws = suara.init(d)
    inputs = sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth")
    t = time.perf_counter()
    reps = ws.ingest(inputs)
    print(f"ingest       {time.perf_counter() - t:8.1f} s  posts={sum(r.accepted for r in reps):,}", flush=True)
    t = time.perf_counter()
    enr = ws.enrich()
    print(f"enrich       {time.perf_counter() - t:8.1f} s  posts={enr.get('posts', 0):,}", flush=True)
    try:
        from suara.analyse.coordination import detect_coordination
        t = time.perf_counter()
        detect_coordination(ws)
        print(f"coordination {time.perf_counter() - t:8.1f} s", flush=True)
    except Exception as e:  # noqa: BLE001 - the filtered view then equals the unfiltered one
        print(f"coordination skipped: {type(e).__name__}: {e}", flush=True)
    ws.close()
    return exports / "ground_truth" / "accounts.csv"


def time_analyse(ws, label: str) -> dict:
    t, c = time.perf_counter(), time.process_time()
    doc = ws.analyse(sections=["meta", *OURS])
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    tim = doc["meta"]["timings_s"]
    errs = doc["meta"].get("errors") or {}
    print(f"analyse {label:5s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  | "
          + "  ".join(f"{k} {tim.get(k, 0):.2f}" for k in OURS), flush=True)
    for k, v in errs.items():
        print(f"  ERROR in {k}: {v}")
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "sections": tim, "errors": errs}


def region_accuracy(ws, truth_file: Path) -> dict:
    """Coverage and accuracy of inferred regions against ground truth."""
    truth = pd.read_csv(truth_file, dtype=str, keep_default_na=False)
    truth = truth[truth.region != ""][["platform", "account_id", "region"]]
    inf = ws.store.table("account_regions").execute()
    inf["account_id"] = inf.account_id.astype(str)
    j = truth.merge(inf, on=["platform", "account_id"], how="left", suffixes=("_true", ""))
    n = len(j)
    located = j.region.notna()
    correct = located & (j.region == j.region_true)
    out = {"accounts_with_true_region": n,
           "coverage": round(located.mean(), 4) if n else None,
           "accuracy_located": round(correct[located].mean(), 4) if located.any() else None,
           "accuracy_all": round(correct.mean(), 4) if n else None,
           "majority_baseline": round(truth.region.value_counts(normalize=True).iloc[0], 4) if n else None}
    by_m = {}
    for m, sub in j[located].groupby("method"):
        by_m[m] = {"accounts": int(len(sub)), "accuracy": round((sub.region == sub.region_true).mean(), 4)}
    out["by_method"] = by_m
    bands = pd.cut(j.confidence, [0, 0.5, 0.8, 1.0001], right=False, labels=["<0.5", "0.5-0.8", ">=0.8"])
    out["by_confidence"] = {str(b): {"accounts": int(len(sub)),
                                     "accuracy": round((sub.region == sub.region_true).mean(), 4)}
                            for b, sub in j[located].groupby(bands[located], observed=True)}
    # the accounts analytics use: those that mention a pair
    from suara.analyse.brand import candidate_mentions
    act = candidate_mentions(ws).select("platform", "account_id").distinct().execute()
    act["account_id"] = act.account_id.astype(str)
    ja = j.merge(act, on=["platform", "account_id"])
    if len(ja):
        la = ja.region.notna()
        out["active_accounts"] = {"accounts": int(len(ja)), "coverage": round(la.mean(), 4),
                                  "accuracy_located": round((ja.region[la] == ja.region_true[la]).mean(), 4)
                                  if la.any() else None}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="small", help="small | medium | large | number of items")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, help="workspace folder (built when missing)")
    ap.add_argument("--truth", type=Path, help="ground_truth/accounts.csv (default: DIR/exports/...)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    a = ap.parse_args(argv)
    import suara
    d = a.dir or Path(f"/tmp/suara-bench-analyse-{a.scale}-{a.seed}")
    truth = a.truth or d / "exports" / "ground_truth" / "accounts.csv"
    if not (d / "suara.yaml").exists():
        truth = build(d, a.scale, a.seed) if not a.truth else a.truth
    print(f"workspace {d}  cores {os.cpu_count()}  load {os.getloadavg()[0]:.2f}", flush=True)
    ws = suara.open(d)
    ws.store.set_meta("regions.inferred_signature", "")   # force a cold run (inference included)
    res = {"workspace": str(d), "scale": a.scale, "posts": ws.store.count("posts"),
           "accounts": ws.store.count("accounts")}
    t = time.perf_counter()
    from suara.analyse.audience import infer_regions
    inf = infer_regions(ws)
    res["infer_regions_s"] = round(time.perf_counter() - t, 2)
    print(f"infer_regions {res['infer_regions_s']:.2f} s  located {inf['with_region']:,} / {inf['accounts']:,} "
          f"by method {inf['by_method']}", flush=True)
    ws.store.set_meta("regions.inferred_signature", "")
    ws.__dict__.pop("_suara_analysis_cache", None)
    res["cold"] = time_analyse(ws, "cold")      # region inference included
    ws.__dict__.pop("_suara_analysis_cache", None)
    res["rerun"] = time_analyse(ws, "rerun")    # = a second `suara analyse` on unchanged data
    if truth.exists():
        res["regions"] = region_accuracy(ws, truth)
        print("region inference:", json.dumps(res["regions"], indent=1), flush=True)
    else:
        print(f"no ground truth at {truth}: accuracy not measured")
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, default=str))
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
