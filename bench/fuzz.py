"""Run every importer family's coverage-guided fuzz target (atheris) for a bounded time and
print executions, coverage, new inputs and crashes per family.

Usage::

    python bench/fuzz.py                      # 30 s per family
    python bench/fuzz.py --seconds 300 --family x zeeschuimer
    python bench/fuzz.py --keep               # copy crash reproducers into the corpus as regress-*

Targets: ``tests/fuzz/fuzz_<family>.py`` (see ``tests/fuzz/_target.py``). New interesting
inputs go to a scratch folder; the corpus kept in the repository is only read, so the
repository stays small. A crash stops that family's run and leaves ``crash-<sha1>``; with
``--keep`` it is copied to ``tests/fuzz/corpus/<family>/regress-<sha1>`` so that
``tests/test_fuzz.py`` replays it from then on.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "tests" / "fuzz"


def families() -> list[str]:
    return sorted(p.stem[len("fuzz_"):] for p in FUZZ.glob("fuzz_*.py"))


def run_family(family: str, seconds: int, scratch: Path) -> dict:
    """One bounded libFuzzer run; returns its final statistics and any crash files."""
    new = scratch / family
    new.mkdir(parents=True, exist_ok=True)
    art = scratch / f"{family}-artifacts"
    art.mkdir(exist_ok=True)
    cmd = [sys.executable, str(FUZZ / f"fuzz_{family}.py"), str(new), str(FUZZ / "corpus" / family),
           f"-max_total_time={seconds}", f"-artifact_prefix={art}/", "-print_final_stats=1"]
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 300)
    log = r.stderr
    stat = {k: int(v) for k, v in re.findall(r"stat::(\w+):\s+(\d+)", log)}
    cov = re.findall(r"cov: (\d+) ft: (\d+)", log)
    crashes = sorted(art.glob("crash-*")) + sorted(art.glob("timeout-*")) + sorted(art.glob("oom-*"))
    exc = re.search(r"=== Uncaught Python exception: ===\n(.+)", log)
    return {"family": family, "rc": r.returncode, "seconds": round(time.time() - t0, 1),
            "execs": stat.get("number_of_executed_units", 0), "execs_per_s": stat.get("average_exec_per_sec", 0),
            "new_units": stat.get("new_units_added", 0), "peak_rss_mb": stat.get("peak_rss_mb", 0),
            "coverage": int(cov[-1][0]) if cov else 0, "features": int(cov[-1][1]) if cov else 0,
            "crashes": crashes, "exception": exc.group(1) if exc else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=30, help="per family")
    ap.add_argument("--family", nargs="*", default=None, help=f"default: all ({', '.join(families())})")
    ap.add_argument("--keep", action="store_true", help="copy crash reproducers into the corpus")
    a = ap.parse_args(argv)
    try:
        import atheris  # noqa: F401
    except ImportError:
        raise SystemExit("atheris is not installed: pip install atheris")
    scratch = Path(tempfile.mkdtemp(prefix="suara-fuzz-"))
    rows = []
    for fam in a.family or families():
        res = run_family(fam, a.seconds, scratch)
        rows.append(res)
        print(f"{fam:16s} {res['execs']:>9,} execs ({res['execs_per_s']:,}/s)  cov {res['coverage']:>5}  "
              f"new inputs {res['new_units']:>4}  crashes {len(res['crashes'])}"
              + (f"  <- {res['exception']}" if res["exception"] else ""), flush=True)
        if a.keep:
            for c in res["crashes"]:
                dest = FUZZ / "corpus" / fam / f"regress-{c.name.split('-', 1)[1][:12]}"
                shutil.copy(c, dest)
                print(f"    kept {dest.relative_to(ROOT)}")
    total = sum(r["execs"] for r in rows)
    crashes = sum(len(r["crashes"]) for r in rows)
    print(f"\ntotal: {total:,} executions in {sum(r['seconds'] for r in rows):.0f} s over {len(rows)} families; "
          f"{crashes} crash(es); scratch corpus in {scratch}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
