"""Benchmark: ingest and relational analytics on DuckDB vs Spark local[2] (Parquet lake).

Usage::

    .venv/bin/python bench/engines.py --scale 5000            # quick
    .venv/bin/python bench/engines.py --scale medium --scale large   # documented long run

Prints, per engine and stage, wall seconds and peak resident memory (driver process, and the
JVM child for Spark) for each simulated scale, then the growth factor between scales.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of finished children, in MB (Linux reports KiB)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _jvm_rss_mb() -> float:
    """Current RSS of the Spark JVM (a live child), 0 when none."""
    import psutil
    me = psutil.Process()
    return sum(c.memory_info().rss for c in me.children(recursive=True)
               if "java" in c.name()) / 2**20


def run(scale: str, root: Path) -> list[dict]:
    """Simulate one campaign, ingest and aggregate it on both engines; returns figure rows."""
    import suara
    from suara.sim import simulate
    rows = []
    sim = simulate(root / f"sim-{scale}", seed=7, scale=int(scale) if scale.isdigit() else scale)
    paths = sim["export_dirs"]
    for engine in ("duckdb", "spark"):
        d = root / f"{engine}-{scale}"
        suara.init(d).close()
        ws = suara.open(d, engine=engine)
        t = time.perf_counter()
        ws.ingest(paths)
        rows.append({"scale": scale, "engine": engine, "stage": "ingest",
                     "seconds": time.perf_counter() - t, "posts": ws.store.count("posts"),
                     "driver_mb": _rss_mb()[0], "jvm_mb": _jvm_rss_mb()})
        for rep in range(2):
            t = time.perf_counter()
            p = ws.store.table("posts")
            p = p.mutate(day=p.created_at.date())
            out = (p.group_by(["platform", "day"]).aggregate(n=p.count(), likes=p.likes.sum())
                   .order_by(["platform", "day"]).execute())
            rows.append({"scale": scale, "engine": engine, "stage": f"aggregate#{rep + 1}",
                         "seconds": time.perf_counter() - t, "posts": int(out["n"].sum()),
                         "driver_mb": _rss_mb()[0], "jvm_mb": _jvm_rss_mb()})
        ws.close()
    return rows


def main(argv=None) -> None:
    """Entry point; see the module docstring."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", action="append", default=None)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="suara-engines-"))
    rows = []
    try:
        for s in a.scale or ["5000"]:
            rows += run(s, root)
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
        from suara.store.spark import stop_session
        stop_session()
    print(f"{'scale':>8} {'engine':>7} {'stage':>12} {'seconds':>8} {'posts':>8} {'driverMB':>9} {'jvmMB':>7}")
    for r in rows:
        print(f"{r['scale']:>8} {r['engine']:>7} {r['stage']:>12} {r['seconds']:8.2f} {r['posts']:8d} "
              f"{r['driver_mb']:9.0f} {r['jvm_mb']:7.0f}")
    scales = list(dict.fromkeys(r["scale"] for r in rows))
    for a_, b_ in zip(scales, scales[1:]):
        for r in rows:
            if r["scale"] != a_:
                continue
            o = next(x for x in rows if x["scale"] == b_ and x["engine"] == r["engine"]
                     and x["stage"] == r["stage"])
            print(f"growth {a_}->{b_} {r['engine']} {r['stage']}: x{o['seconds'] / r['seconds']:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
