"""Benchmark: every pipeline stage on DuckDB and on Spark local[2] (Parquet lake).

Usage::

    .venv/bin/python bench/engines.py --scale 3000                 # quick (~5 min)
    .venv/bin/python bench/engines.py --scale medium               # ~500k items
    .venv/bin/python bench/engines.py --scale medium --scale large # the documented long run
    .venv/bin/python bench/engines.py --scale medium --engine spark --stages ingest,enrich
    .venv/bin/python bench/engines.py --scale large --stages ingest --dir /data/b   # then:
    .venv/bin/python bench/engines.py --scale large --engine spark --dir /data/b --resume \
        --stages enrich,coordination,radar,analyse

One simulated campaign per scale (``suara simulate``), then, per engine, each stage runs as
its own ``suara`` command in a fresh process -- exactly what a user runs -- so the figures
include start-up (and, on Spark, the session start) and nothing is cached between stages:
``ingest``, ``enrich``, ``detect coordination``, ``radar --full``, ``analyse --json`` and
``report``. Wall seconds and peak resident memory of the whole process tree (Python driver,
the Spark JVM and its Python workers) are sampled every 0.2 s. The last table gives the growth
factor of each stage between consecutive scales.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

STAGES = {
    "ingest": lambda sim: ["ingest", *sorted(str(d) for d in sim.iterdir()
                                             if d.is_dir() and d.name != "ground_truth")],
    "enrich": lambda sim: ["enrich"],
    "coordination": lambda sim: ["detect", "coordination", "-o", "coordination"],
    "radar": lambda sim: ["radar", "--full", "--json", "--limit", "5"],
    "analyse": lambda sim: ["analyse", "--json"],
    "report": lambda sim: ["report", "-o", "report.html"],
}


def _tree_rss(proc) -> tuple[float, float]:
    """RSS in MB of a process and its descendants: (all, of which Java)."""
    import psutil
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0.0, 0.0
    total = java = 0
    for p in procs:
        try:
            r = p.memory_info().rss
        except psutil.Error:
            continue
        total += r
        if "java" in p.name():
            java += r
    return total / 2**20, java / 2**20


def run_stage(ws: Path, engine: str, args: list[str], timeout: float) -> dict:
    """Run one ``suara`` command; returns seconds, exit code and peak tree memory."""
    import psutil
    cmd = [sys.executable, "-m", "suara", *args, "-w", str(ws), "--engine", engine]
    env = dict(os.environ, SUARA_NO_PROGRESS="1")
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    pp = psutil.Process(p.pid)
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            a, j = _tree_rss(pp)
            peak[0], peak[1] = max(peak[0], a), max(peak[1], j)
            done.wait(0.2)
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = "timeout"
    done.set()
    th.join()
    secs = time.perf_counter() - t
    tail = (err or b"").decode(errors="replace").strip().splitlines()[-1:] if rc else []
    return {"seconds": round(secs, 1), "rc": rc, "peak_mb": round(peak[0]),
            "jvm_mb": round(peak[1]), "error": tail[0][:160] if tail else ""}


def bench_scale(scale: str, root: Path, engines: list[str], stages: list[str],
                timeout: float, resume: bool = False) -> list[dict]:
    sim = root / f"sim-{scale}"
    if not sim.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "suara", "simulate", "-o", str(sim), "--scale", scale,
                        "--seed", "7"], check=True, capture_output=True)
        print(f"simulated {scale} in {time.perf_counter() - t:.0f} s", flush=True)
    rows = []
    for engine in engines:
        ws = root / f"{engine}-{scale}"
        if ws.exists() and not resume:
            shutil.rmtree(ws)
        if not ws.exists():
            subprocess.run([sys.executable, "-m", "suara", "init", str(ws), "--engine", engine],
                           check=True, capture_output=True)
        for stage in stages:
            r = run_stage(ws, engine, STAGES[stage](sim), timeout)
            r.update(scale=scale, engine=engine, stage=stage)
            if stage == "ingest":
                r["posts"] = _count_posts(ws, engine)
            rows.append(r)
            print(json.dumps(r), flush=True)
            if r["rc"] not in (0,):
                break  # later stages need this one
    return rows


def _count_posts(ws: Path, engine: str) -> int | None:
    import duckdb
    if engine == "spark":
        files = ws / "lake" / "posts"
        if not files.exists():
            return None
        q = f"SELECT count(*) FROM read_parquet('{files}/*/*/*.parquet', hive_partitioning = true)"
        return duckdb.sql(q).fetchall()[0][0]
    con = duckdb.connect(str(ws / "suara.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", action="append", help="3000, small, medium, large (repeatable)")
    ap.add_argument("--engine", action="append", choices=["duckdb", "spark"])
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--dir", type=Path, help="keep simulations and workspaces here")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per stage")
    ap.add_argument("--resume", action="store_true",
                    help="keep existing workspaces in --dir (e.g. run later stages after ingest)")
    a = ap.parse_args()
    scales = a.scale or ["3000"]
    engines = a.engine or ["duckdb", "spark"]
    stages = [s.strip() for s in a.stages.split(",") if s.strip()]
    root = a.dir or Path(tempfile.mkdtemp(prefix="suara-engines-"))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for sc in scales:
        rows += bench_scale(sc, root, engines, stages, a.timeout, a.resume)
    print(f"\n{'scale':>8} {'engine':>7} {'stage':>13} {'posts':>9} {'wall s':>8} {'peak MB':>8} "
          f"{'JVM MB':>7}  rc")
    for r in rows:
        print(f"{r['scale']:>8} {r['engine']:>7} {r['stage']:>13} {r.get('posts') or '':>9} "
              f"{r['seconds']:>8} {r['peak_mb']:>8} {r['jvm_mb']:>7}  {r['rc']} {r['error']}")
    if len(scales) > 1:
        print("\ngrowth of wall time between scales")
        for e in engines:
            for st in stages:
                t = [r["seconds"] for sc in scales for r in rows
                     if r["scale"] == sc and r["engine"] == e and r["stage"] == st and r["rc"] == 0]
                if len(t) == len(scales):
                    print(f"{e:>7} {st:>13} " + "  ".join(
                        f"x{t[i + 1] / t[i]:.1f}" if t[i] else "-" for i in range(len(t) - 1)))
    if not a.dir:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
