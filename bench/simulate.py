"""Benchmark `suara simulate`: wall time, items/s and peak memory for small and medium.

Each scale runs in a fresh subprocess so peak RSS (resource.getrusage) belongs to that run only.
Usage: .venv/bin/python bench/simulate.py [small medium ...]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time
from suara.sim import simulate
t = time.perf_counter()
s = simulate(sys.argv[1], seed=7, scale=sys.argv[2])
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"items": s["items"], "seconds": dt, "peak_mb": rss, "files": len(s["files"]),
                  "accounts": sum(s["accounts"].values())}))
"""


def main(scales: list[str]) -> None:
    print(f"{'scale':8} {'items':>10} {'seconds':>8} {'items/s':>9} {'peak MB':>8} {'files':>6} {'accounts':>9}")
    for scale in scales:
        with tempfile.TemporaryDirectory() as d:
            res = subprocess.run([sys.executable, "-c", CHILD, d, scale], capture_output=True, text=True, check=True)
            r = json.loads(res.stdout.strip().splitlines()[-1])
            print(f"{scale:8} {r['items']:>10,} {r['seconds']:>8.1f} {r['items'] / r['seconds']:>9,.0f} "
                  f"{r['peak_mb']:>8.0f} {r['files']:>6} {r['accounts']:>9,}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["small", "medium"])
