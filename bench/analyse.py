"""Benchmark `suara analyse` (brand + audience sections) on simulated campaigns, and the
accuracy of account region inference against the simulator's ground truth.

Usage::

    python bench/analyse.py --scale small                 # ~20k items, a minute
    python bench/analyse.py --scale medium --dir /tmp/bm  # ~500k items; reuses /tmp/bm if built
    python bench/analyse.py --dir EXISTING_WORKSPACE --truth EXPORTS/ground_truth/accounts.csv

Prints: pipeline step times (simulate, ingest, enrich, coordination: not ours, for context),
region inference (the enrich step) alone, `analyse` wall and CPU time per section cold and on a
rerun over unchanged data (no in-process cache), and
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
        from suara.detect.coordination import detect_coordination
        t = time.perf_counter()
        detect_coordination(ws)
        print(f"coordination {time.perf_counter() - t:8.1f} s", flush=True)
    except Exception as e:  # noqa: BLE001 - the filtered view then equals the unfiltered one
        print(f"coordination skipped: {type(e).__name__}: {e}", flush=True)
    ws.close()
    return exports / "ground_truth" / "accounts.csv"


def build_synthetic(d: Path, n_posts: int, seed: int) -> Path:
    """A store of canonical rows written directly (no simulator, ingest or enrichment): for
    timing `analyse` at sizes the shared machine cannot simulate and enrich in reasonable
    time. Accounts ~ n_posts / 12, half the posts replies, 0-2 issues per post, one pair
    mention per post with a random score, 2% of accounts flagged. Profiles name the region
    (30%), a place in it (15%) or nothing; the truth file is written for the accuracy code."""
    import datetime as dt

    import numpy as np

    import suara
    from suara.analyse.base import ENRICH_VERSION_KEY
    rng = np.random.default_rng(seed)
    ws = suara.init(d)
    el = ws.election
    regs = list(el.regions)
    w = np.array([r.dpt or 1 for r in regs], float)
    n_acc = max(50, n_posts // 12)
    true = rng.choice(len(regs), n_acc, p=w / w.sum())
    u = rng.random(n_acc)
    loc = [regs[t].name if x < 0.3 else (str(rng.choice(regs[t].places)) if x < 0.45 else None)
           for t, x in zip(true, u)]
    ids = [f"a{i}" for i in range(n_acc)]
    acc = pd.DataFrame({"platform": "x", "account_id": ids, "handle": [f"user{i}" for i in range(n_acc)],
                        "location_text": loc, "followers": rng.lognormal(4, 2, n_acc).astype(int),
                        "created_at": [dt.datetime(2015, 1, 1) + dt.timedelta(days=int(x))
                                       for x in rng.integers(0, 3600, n_acc)],
                        "account_type": "citizen"})
    ws.store.upsert("accounts", acc)
    t0 = dt.datetime.combine(el.dates.campaign_start, dt.time())
    auth = rng.integers(0, n_acc, n_posts)
    reply = rng.random(n_posts) < 0.5
    parent = [f"p{rng.integers(0, i)}" if r and i else None for i, r in enumerate(reply)]
    texts = [f"jalan rusak di {rng.choice(regs[true[a]].places)}" if rng.random() < 0.2 else "pilkada"
             for a in auth]
    posts = pd.DataFrame({
        "platform": "x", "post_id": [f"p{i}" for i in range(n_posts)], "account_id": [f"a{a}" for a in auth],
        "created_at": [t0 + dt.timedelta(seconds=int(x)) for x in rng.integers(0, 60 * 86400, n_posts)],
        "kind": np.where(reply, "reply", "post"), "parent_id": parent, "text": texts,
        "media_type": rng.choice(["text", "photo", "video", "reel"], n_posts),
        "likes": rng.poisson(5, n_posts), "comments": rng.poisson(1, n_posts),
        "shares": rng.poisson(0.5, n_posts),
        "views": np.where(rng.random(n_posts) < 0.3, rng.poisson(300, n_posts), 0)})
    ws.store.upsert("posts", posts)
    iss = [i.id for i in el.issues]
    ws.store.upsert("enrichments", pd.DataFrame({
        "platform": "x", "post_id": posts.post_id, "version": "bench",
        "issues": [list(rng.choice(iss, rng.integers(0, 3), replace=False)) for _ in range(n_posts)],
        "sentiment": rng.choice(["positive", "neutral", "negative"], n_posts)}))
    m = posts[["platform", "post_id"]].copy()
    m["candidate"] = rng.choice(el.ballots, n_posts)
    m["score"] = rng.uniform(-1, 1, n_posts)
    m["sentiment"] = np.where(m.score > 0.3, "positive", np.where(m.score < -0.3, "negative", "neutral"))
    m["version"] = "bench"
    ws.store.upsert("mentions", m)
    ws.store.upsert("account_scores", pd.DataFrame({
        "platform": "x", "account_id": [ids[i] for i in rng.choice(n_acc, n_acc // 50, replace=False)],
        "buzzer_score": 0.9, "flagged": True}))
    ws.store.set_meta(ENRICH_VERSION_KEY, "bench")
    ws.close()
    truth = d / "synthetic_truth.csv"
    pd.DataFrame({"platform": "x", "account_id": ids, "region": [regs[t].code for t in true]}).to_csv(truth, index=False)
    return truth


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
    ap.add_argument("--synthetic", type=int, metavar="N_POSTS",
                    help="time on a directly written store of N_POSTS posts instead of a simulation")
    a = ap.parse_args(argv)
    import suara
    if a.synthetic:
        d = a.dir or Path(f"/tmp/suara-bench-analyse-synthetic-{a.synthetic}-{a.seed}")
        truth = d / "synthetic_truth.csv"
        if not (d / "suara.yaml").exists():
            t = time.perf_counter()
            build_synthetic(d, a.synthetic, a.seed)
            print(f"synthetic store {time.perf_counter() - t:6.1f} s  posts={a.synthetic:,}", flush=True)
    else:
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
    from suara.enrich.regions import infer_regions
    inf = infer_regions(ws)   # the `regions` enrich step (suara enrich runs it)
    res["infer_regions_s"] = round(time.perf_counter() - t, 2)
    print(f"infer_regions {res['infer_regions_s']:.2f} s  located {inf['with_region']:,} / {inf['accounts']:,} "
          f"by method {inf['by_method']}", flush=True)
    ws.__dict__.pop("_suara_analysis_cache", None)
    res["cold"] = time_analyse(ws, "cold")      # first run: shared views built
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
