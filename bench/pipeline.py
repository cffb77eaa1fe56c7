"""Walking-skeleton figures: ingest throughput of a simulated campaign (items/s, peak
memory) and the demo's wall time.

    python bench/pipeline.py                 # medium ingest + small demo
    python bench/pipeline.py --scale small   # quicker

Each measurement runs in a fresh subprocess so peak memory (ru_maxrss) is its own.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD_INGEST = r"""
import json, resource, sys, time
from pathlib import Path
import suara
exports, ws_dir = Path(sys.argv[1]), sys.argv[2]
ws = suara.init(ws_dir)
inputs = sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth")
t0 = time.perf_counter()
reps = ws.ingest(inputs)
dt = time.perf_counter() - t0
rows = sum(r.accepted + r.updated + r.unchanged + r.quarantined for r in reps)
t1 = time.perf_counter()
reps2 = ws.ingest(inputs)
dt2 = time.perf_counter() - t1
print(json.dumps({"seconds": dt, "items": rows, "posts": ws.store.count("posts"),
  "accounts": ws.store.count("accounts"), "quarantined": sum(r.quarantined for r in reps),
  "unreadable": sum(1 for r in reps if r.error), "reimport_seconds": dt2,
  "reimport_new": sum(r.accepted for r in reps2),
  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="medium")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-demo", action="store_true")
    a = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        t0 = time.perf_counter()
        subprocess.run([py, "-m", "suara.cli", "simulate", "-o", str(d / "exports"), "--scale", a.scale,
                        "--seed", str(a.seed)], check=True, capture_output=True)
        print(f"simulate {a.scale}: {time.perf_counter() - t0:.1f} s")
        out = subprocess.run([py, "-c", CHILD_INGEST, str(d / "exports"), str(d / "ws")], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"ingest {a.scale}: {r['items']:,} items in {r['seconds']:.1f} s = "
              f"{r['items'] / r['seconds']:,.0f} items/s; peak RSS {r['peak_rss_mb']:.0f} MB; "
              f"{r['posts']:,} posts, {r['accounts']:,} accounts, {r['quarantined']:,} quarantined, "
              f"{r['unreadable']} unreadable files")
        print(f"re-import (idempotent): {r['reimport_seconds']:.1f} s, {r['reimport_new']} new posts")
        if not a.skip_demo:
            t0 = time.perf_counter()
            subprocess.run([py, "-m", "suara.cli", "demo", "--dir", str(d / "demo")], check=True,
                           capture_output=True)
            print(f"demo (small, end to end): {time.perf_counter() - t0:.1f} s wall")


if __name__ == "__main__":
    main()
