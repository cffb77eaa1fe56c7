"""Benchmark of the vote-share forecast on the simulator, whose true support per region is the
official 2024 result.

Pipeline per seed: simulate -> ingest -> enrich -> detect coordination -> infer regions ->
forecast, then the mean absolute error (MAE, percentage points) of the forecast against
``ground_truth/support.csv``:

* ``filtered``   - the forecast as shipped (buzzers removed);
* ``unfiltered`` - the same without buzzer removal;
* ``oracle``     - the same estimator fed with the ground truth (true supporters among the
                   accounts visible in the workspace, true regions, no buzzers): the error that is
                   left is pure sampling noise, so the gap to ``filtered`` is what sentiment and
                   region inference cost;
* ``flat``       - a trivial baseline that predicts the forecast's provincial share in every region.

Usage::

    .venv/bin/python bench/forecast.py [--scale small|medium|N] [--seeds 7,8] [--variant plain]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _truth(sim: Path) -> tuple[dict, dict]:
    t = pd.read_csv(sim / "ground_truth" / "support.csv", dtype=str)
    t["true_share"] = t["true_share"].astype(float)
    t["votes"] = t["votes"].astype(float)
    reg: dict[str, dict[str, float]] = {}
    for r in t.itertuples():
        reg.setdefault(r.region, {})[r.ballot] = r.true_share
    tot = t.groupby("ballot")["votes"].sum()
    return reg, (tot / tot.sum()).to_dict()


def _oracle_counts(ws, sim: Path) -> pd.DataFrame:
    acc = pd.read_csv(sim / "ground_truth" / "accounts.csv", dtype=str)
    present = ws.store.sql("SELECT DISTINCT platform, account_id FROM posts WHERE account_id IS NOT NULL")
    m = acc.merge(present, on=["platform", "account_id"])
    m = m[(m["is_buzzer"].str.lower().isin(["0", "false", "no"])) & (m["account_type"] == "citizen")
          & (m["support"].fillna("none") != "none")]
    m["region"] = m["region"].where(m["region"].notna(), None)
    return m.groupby(["region", "candidate" if "candidate" in m else "support"], dropna=False).size().reset_index(
        name="n").rename(columns={"support": "candidate"})


def _mae_pp(pred: dict, truth: dict) -> float:
    from suara.analyse.forecast import mae
    return round(100 * mae(pred, truth), 2)


def run_one(scale, seed: int, variant: str | None, keep: Path | None = None) -> dict:
    import suara
    from suara.analyse.audience import ensure_regions
    from suara.detect.coordination import detect_coordination
    from suara.analyse.forecast import estimate_shares, forecast
    from suara.sim import simulate

    with tempfile.TemporaryDirectory() as d:
        d = keep or Path(d)
        t0 = time.perf_counter()
        simulate(d / "sim", seed=seed, scale=scale, variant=variant)
        ws = suara.init(d / "ws")
        ws.ingest([p for p in (d / "sim").iterdir() if p.is_dir() and p.name != "ground_truth"])
        ws.enrich()
        detect_coordination(ws)
        ensure_regions(ws)
        t1 = time.perf_counter()
        f = forecast(ws, n_boot=500)
        t_fc = time.perf_counter() - t1
        truth_r, truth_o = _truth(d / "sim")
        orc = estimate_shares(_oracle_counts(ws, d / "sim"), ws.election, n_boot=0)
        flat = {c: dict(f["overall"]) for c in f["regions"]}
        out = {
            "seed": seed, "supporters": f["supporters"]["total"], "located": f["supporters"]["located"],
            "flagged": int(ws.store.sql("SELECT count(*) FROM account_scores WHERE flagged").iloc[0, 0]),
            "mae_region": _mae_pp(f["regions"], truth_r),
            "mae_region_unfiltered": _mae_pp(f["unfiltered"]["regions"], truth_r),
            "mae_region_oracle": _mae_pp(orc["regions"], truth_r),
            "mae_region_flat": _mae_pp(flat, truth_r),
            "mae_overall": round(100 * np.mean([abs(f["overall"][b] - truth_o[b]) for b in truth_o]), 2),
            "mae_overall_unfiltered": round(100 * np.mean([abs(f["unfiltered"]["overall"][b] - truth_o[b])
                                                           for b in truth_o]), 2),
            "mae_overall_oracle": round(100 * np.mean([abs(orc["overall"][b] - truth_o[b]) for b in truth_o]), 2),
            "overall": f["overall"], "overall_unfiltered": f["unfiltered"]["overall"],
            "interval": f["interval"]["overall"], "truth": {b: round(v, 4) for b, v in truth_o.items()},
            "per_region": {c: round(100 * abs(f["regions"][c]["1"] - truth_r[c]["1"]), 2) for c in truth_r},
            "covered": sum(f["interval"]["regions"][c]["1"][0] <= truth_r[c]["1"] <= f["interval"]["regions"][c]["1"][1]
                           for c in truth_r),
            "pipeline_s": round(t1 - t0, 1), "forecast_s": round(t_fc, 2),
        }
        ws.close()
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default="small")
    ap.add_argument("--seeds", default="7")
    ap.add_argument("--variant", default=None)
    a = ap.parse_args()
    scale = int(a.scale) if a.scale.isdigit() else a.scale
    rows = []
    for s in [int(x) for x in a.seeds.split(",")]:
        r = run_one(scale, s, a.variant)
        rows.append(r)
        print(f"seed {s}: supporters {r['supporters']:,} ({r['located']:,} located), flagged accounts "
              f"{r['flagged']:,}, pipeline {r['pipeline_s']} s, forecast {r['forecast_s']} s")
        print(f"  overall  forecast {r['overall']}  without buzzer removal {r['overall_unfiltered']}  "
              f"truth {r['truth']}  95% interval {r['interval']}")
        print(f"  MAE overall (pp): filtered {r['mae_overall']}  unfiltered {r['mae_overall_unfiltered']}  "
              f"oracle {r['mae_overall_oracle']}")
        print(f"  MAE per region (pp): filtered {r['mae_region']}  unfiltered {r['mae_region_unfiltered']}  "
              f"oracle {r['mae_region_oracle']}  flat baseline {r['mae_region_flat']}  "
              f"(interval covers truth in {r['covered']}/{len(r['per_region'])} regions)")
        print("  abs error per region, pair 1 (pp): " +
              ", ".join(f"{c} {v}" for c, v in r["per_region"].items()))
    if len(rows) > 1:
        for k in ("mae_overall", "mae_overall_unfiltered", "mae_region", "mae_region_unfiltered",
                  "mae_region_oracle", "mae_region_flat"):
            print(f"mean {k}: {np.mean([r[k] for r in rows]):.2f} pp")
    print("Reference: Ibrahim et al. (2015) report 0.61 pp MAE nationally (Indonesia 2014). On the simulator the "
          "truth is planted in the accounts' stance, so a low error shows the pipeline recovers a planted "
          "signal, not that real social media predicts real votes.")


if __name__ == "__main__":
    main()
