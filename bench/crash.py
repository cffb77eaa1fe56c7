"""Kill -9 during an import, an enrich run and a report; check the store after each restart.

Each trial starts the real CLI (``suara ingest`` / ``suara enrich`` / ``suara report``) in a
subprocess on a copy of a prepared workspace, sends SIGKILL at a random moment of the
stage's reference duration, then reopens the workspace and checks:

* import: the store opens; files committed so far form a prefix of the import order and
  the posts, accounts and quarantine counts equal the reference after exactly that prefix
  (one transaction per file: nothing half-written is visible); re-running the import
  reaches the reference counts.
* enrich: no post enriched twice for a version, every mention has its enrichment row, the
  rows come in whole batches; re-running finishes every post with the reference mentions.
* report: the report file is absent or complete (written to a temporary name and renamed);
  re-running writes it.

Usage::

    python bench/crash.py --trials 10                  # all stages, small simulation
    python bench/crash.py --stage enrich --trials 20 --dir /tmp/crash

Prints one line per trial (kill time, what was committed, checks) and a summary table.
``tests/test_crash.py`` runs the same checks with a few trials per stage.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

PY = sys.executable
#: small batches so a kill lands between batch commits (and inside one)
ENRICH_SETTINGS = "batch_size: 400\nworkers: 1\nocr: false\n"


def cli(*args: str) -> list[str]:
    return [PY, "-m", "suara", *args]


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("SUARA_INGEST_WORKERS", "1")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run(cmd: list[str], timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env())


def input_files(sim: Path, limit: int | None = None) -> list[Path]:
    """The simulation's export files, taken in turn from each platform folder."""
    per = [sorted(p for p in (sim / d).rglob("*") if p.is_file()) for d in ("facebook", "instagram", "tiktok", "x")]
    files = [f for group in zip(*per) for f in group] + [f for g in per for f in g[min(map(len, per)):]]
    return files[:limit] if limit else files


def counts(ws: Path) -> dict:
    """Table counts of a workspace, opened read-only (also proves the store opens)."""
    con = duckdb.connect(str(ws / "suara.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("posts", "accounts", "quarantine", "imports", "enrichments", "mentions")}
    finally:
        con.close()


def _timed(cmd: list[str]) -> float:
    t0 = time.time()
    r = run(cmd)
    assert r.returncode in (0, 1), r.stderr[-2000:]
    return time.time() - t0


def prepare(base: Path, scale: str = "small", files: int | None = 24, seed: int = 7) -> dict:
    """Simulate, then build the references: per-file cumulative counts of an import (in
    this process, one file at a time), an ingested-but-not-enriched workspace
    (``base/ingested``) and the wall time of each stage through the CLI (the kill window)."""
    import suara
    base.mkdir(parents=True, exist_ok=True)
    sim = base / "sim"
    if not (sim / "ground_truth").is_dir():
        r = run(cli("simulate", "-o", str(sim), "--scale", scale, "--seed", str(seed)))
        assert r.returncode == 0, r.stderr
    inputs = input_files(sim, files)
    for d in ("ref", "ingested", "timing"):
        if (base / d).exists():
            shutil.rmtree(base / d)
    ws = suara.init(base / "ref")
    (base / "ref" / "enrich.yaml").write_text(ENRICH_SETTINGS)
    cumulative = []
    for f in inputs:   # the counts after each committed file
        ws.ingest([f])
        cumulative.append({t: ws.store.count(t) for t in ("posts", "accounts", "quarantine")})
    ws.close()
    shutil.copytree(base / "ref", base / "ingested")
    suara.init(base / "timing").close()
    ingest_s = _timed(cli("ingest", *map(str, inputs), "-w", str(base / "timing")))
    enrich_s = _timed(cli("enrich", "-w", str(base / "ref")))
    report_s = _timed(cli("report", "-o", str(base / "ref-report.html"), "-w", str(base / "ref")))
    startup_s = _timed(cli("--help"))
    con = duckdb.connect(str(base / "ref" / "suara.duckdb"), read_only=True)
    mentions = sorted(map(list, con.execute(
        "SELECT platform, post_id, candidate, sentiment FROM mentions").fetchall()))
    con.close()
    meta = {"inputs": [str(p) for p in inputs], "cumulative": cumulative, "final": counts(base / "ref"),
            "mentions": mentions, "ingest_s": ingest_s, "enrich_s": enrich_s, "report_s": report_s,
            "startup_s": startup_s}
    (base / "reference.json").write_text(json.dumps(meta))
    return meta


def kill_at(cmd: list[str], delay: float) -> dict:
    """Start ``cmd``, SIGKILL it after ``delay`` seconds (if it is still running)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        p.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        killed = True
    return {"killed": killed, "rc": p.returncode, "delay": round(delay, 2)}


def trial_import(base: Path, ref: dict, rnd: random.Random) -> dict:
    ws = base / "t-import"
    if ws.exists():
        shutil.rmtree(ws)
    assert run(cli("init", str(ws))).returncode == 0
    delay = rnd.uniform(ref["startup_s"], ref["ingest_s"] * 1.05)
    k = kill_at(cli("ingest", *ref["inputs"], "-w", str(ws)), delay)
    c = counts(ws)                       # the store opens after the kill
    con = duckdb.connect(str(ws / "suara.duckdb"), read_only=True)
    done = [r[0] for r in con.execute("SELECT file FROM imports ORDER BY started_at, file").fetchall()]
    files_with_posts = {r[0] for r in con.execute(
        "SELECT DISTINCT regexp_extract(source, '^[^:]+:(.*):[0-9]+$', 1) FROM posts").fetchall()}
    con.close()
    n = len(done)
    prefix_ok = sorted(done) == sorted(ref["inputs"][:n])
    expect = ref["cumulative"][n - 1] if n else {"posts": 0, "accounts": 0, "quarantine": 0}
    consistent = prefix_ok and all(c[t] == expect[t] for t in ("posts", "accounts", "quarantine")) \
        and files_with_posts <= set(done)
    r = run(cli("ingest", *ref["inputs"], "-w", str(ws)))
    after = counts(ws)
    finished = r.returncode in (0, 1) and all(after[t] == ref["final"][t] for t in ("posts", "accounts", "quarantine"))
    return {"stage": "import", **k, "committed_files": n, "of": len(ref["inputs"]), "posts": c["posts"],
            "consistent": consistent, "rerun_finishes": finished}


def trial_enrich(base: Path, ref: dict, rnd: random.Random) -> dict:
    ws = base / "t-enrich"
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(base / "ingested", ws)
    delay = rnd.uniform(ref["startup_s"], ref["enrich_s"] * 1.05)
    k = kill_at(cli("enrich", "-w", str(ws)), delay)
    c = counts(ws)
    con = duckdb.connect(str(ws / "suara.duckdb"), read_only=True)
    dup = con.execute("SELECT count(*) FROM (SELECT platform, post_id, version FROM enrichments "
                      "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
    orphan = con.execute("SELECT count(*) FROM mentions m ANTI JOIN enrichments e "
                         "USING (platform, post_id, version)").fetchone()[0]
    con.close()
    whole = c["enrichments"] % 400 == 0 or c["enrichments"] == c["posts"]
    consistent = dup == 0 and orphan == 0 and whole
    r = run(cli("enrich", "-w", str(ws)))
    con = duckdb.connect(str(ws / "suara.duckdb"), read_only=True)
    mentions = sorted(map(tuple, con.execute(
        "SELECT platform, post_id, candidate, sentiment FROM mentions").fetchall()))
    n_enr = con.execute("SELECT count(*) FROM enrichments").fetchone()[0]
    con.close()
    finished = r.returncode == 0 and n_enr == ref["final"]["posts"] and \
        mentions == [tuple(m) for m in ref["mentions"]]
    return {"stage": "enrich", **k, "enriched": c["enrichments"], "of": c["posts"],
            "consistent": consistent, "rerun_finishes": finished}


def trial_report(base: Path, ref: dict, rnd: random.Random) -> dict:
    ws = base / "ref"
    out = base / "t-report" / "brief.html"
    if out.parent.exists():
        shutil.rmtree(out.parent)
    out.parent.mkdir()
    delay = rnd.uniform(ref["startup_s"], ref["report_s"] * 0.85)
    k = kill_at(cli("report", "-o", str(out), "-w", str(ws)), delay)
    present = out.exists()
    complete = (not present) or out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    partial_tmp = any(p.name != out.name for p in out.parent.iterdir())   # the temporary name, if killed mid-write
    counts(ws)  # the store still opens
    r = run(cli("report", "-o", str(out), "-w", str(ws)))
    left_after = [p.name for p in out.parent.iterdir() if p.name != out.name]   # the re-run removes it
    finished = r.returncode == 0 and out.read_text(encoding="utf-8").rstrip().endswith("</html>") \
        and not left_after
    return {"stage": "report", **k, "file_present": present, "temp_file_left": partial_tmp,
            "temp_file_after_rerun": bool(left_after), "consistent": complete, "rerun_finishes": finished}


TRIALS = {"import": trial_import, "enrich": trial_enrich, "report": trial_report}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/suara-crash"))
    ap.add_argument("--stage", choices=[*TRIALS, "all"], default="all")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--files", type=int, default=24, help="simulation files imported (0 = all)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    ref = prepare(a.dir, files=a.files or None)
    print(f"reference: {len(ref['inputs'])} files -> {ref['final']['posts']:,} posts; CLI start-up "
          f"{ref['startup_s']:.1f} s, import {ref['ingest_s']:.1f} s, enrich {ref['enrich_s']:.1f} s, "
          f"report {ref['report_s']:.1f} s")
    rnd = random.Random(a.seed)
    stages = list(TRIALS) if a.stage == "all" else [a.stage]
    results = []
    for st in stages:
        for _ in range(a.trials):
            res = TRIALS[st](a.dir, ref, rnd)
            results.append(res)
            print(json.dumps(res))
    print("\nstage    trials  killed  consistent  rerun finishes")
    for st in stages:
        rs = [r for r in results if r["stage"] == st]
        print(f"{st:8s} {len(rs):6d}  {sum(r['killed'] for r in rs):6d}  {sum(r['consistent'] for r in rs):10d}"
              f"  {sum(r['rerun_finishes'] for r in rs):14d}")
    ok = all(r["consistent"] and r["rerun_finishes"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
