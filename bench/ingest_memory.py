"""Does an import's memory follow the file? Peak memory of ``suara ingest`` for tweet-harvest
CSVs of growing size (built from the shared fixture with fresh ids), each into a new workspace.

    .venv/bin/python bench/ingest_memory.py [--rows 340000,1000000,2500000] [--keep DIR]

Prints, per file: rows, size, wall and CPU seconds, the command's peak RSS, and the growth of
the peak per extra million rows against the previous file. Memory bounded by the batches in
flight shows as a growth near zero; a growth near the size of the rows themselves (~350 MB per
million rows of this export) means the import keeps what it has written. Each command's peak
is its own (``bench/_child.py``).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _child import measure  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", default="340000,1000000,2500000",
                    help="comma-separated row counts, one file each (default %(default)s)")
    ap.add_argument("--keep", type=Path, help="folder for the files (default: temporary, removed)")
    a = ap.parse_args()
    import ingest as gen   # bench/ingest.py builds the files from the shared fixture
    d = a.keep or Path(tempfile.mkdtemp(prefix="suara-ingest-memory-"))
    d.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'rows':>10} {'file MB':>8} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'MB per extra million rows':>26}")
    prev = None
    try:
        for n in [int(x) for x in a.rows.split(",") if x.strip()]:
            csv = gen.gen_tweet_harvest(d, n, name=f"th-{n}.csv")
            ws = d / f"ws-{n}"
            shutil.rmtree(ws, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "suara", "init", str(ws)], check=True, stdout=subprocess.DEVNULL)
            rc, wall, cpu, peak = measure([sys.executable, "-m", "suara", "ingest", str(csv), "-w", str(ws)])
            if rc:
                raise SystemExit(f"suara ingest {csv} failed with exit status {rc}")
            growth = "" if prev is None else f"{(peak - prev[1]) / ((n - prev[0]) / 1e6):,.0f}"
            print(f"{n:>10,} {csv.stat().st_size / 1e6:>8,.0f} {wall:>7.2f} {cpu:>6.2f} {peak:>8,.0f} {growth:>26}")
            prev = (n, peak)
            csv.unlink()
            shutil.rmtree(ws, ignore_errors=True)
    finally:
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
