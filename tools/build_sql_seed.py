"""Build the compiled SQL the package ships (``src/suara/store/sqlseed.json.gz``, see
`suara.store.sqlfiles.seed`): the demo campaign of every bundled election is simulated,
ingested, enriched and analysed twice, from two seeds, each in a cache folder of its own, and
what both runs left in the shared file is written out for the installed Ibis version: the
compiled queries both compiled alike, and of each election's read-ahead list the queries
both recorded. A query whose literals come from the data (a time window ending at the last
post, handles found in the texts) differs between the two campaigns and is left out: on
another workspace it would only be read ahead in vain, beside the run that needs the cores.

    .venv/bin/python tools/build_sql_seed.py [--elections kaltim-2024,pilpres-2024,...]

Run it after changing an analysis query (a query the seed lacks is compiled as before, so a
stale seed only costs the first analysis its speed; tests/test_aggregates.py says when it is).
The demo data is simulated: the file holds no one's data.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


#: the two simulated campaigns per election whose common queries are kept
SEEDS = (7, 23)


def main() -> None:
    from suara.store import sqlfiles

    bundled = sorted(p.stem for p in (ROOT / "src/suara/config/elections").glob("*.yaml"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--elections", default=",".join(bundled))
    ap.add_argument("--out", type=Path, default=Path(sqlfiles.SEED_PATH))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="suara-sqlseed-"))
    runs = []
    for seed in SEEDS:
        cache = tmp / f"cache-{seed}"
        # one hash seed for every run: Ibis lists some columns in set order (``EXCLUDE``), so
        # two processes can print the same expression differently
        env = dict(os.environ, SUARA_CACHE_DIR=str(cache), SUARA_SQL_SEED="0", SUARA_SQL_CACHE_SHARED="1",
                   PYTHONHASHSEED="0")
        for e in a.elections.split(","):
            print(f"demo {e} (seed {seed}) ...", flush=True)
            subprocess.run([sys.executable, "-m", "suara", "demo", "--election", e, "--seed", str(seed),
                            "--dir", str(tmp / f"{e}-{seed}")], check=True, env=env, stdout=subprocess.DEVNULL)
        os.environ["SUARA_CACHE_DIR"] = str(cache)
        runs.append(sqlfiles._read_entries(sqlfiles.shared_path(), keyed=True))
    (entries, lists), (other_entries, other_lists) = runs
    entries = {k: v for k, v in entries.items() if other_entries.get(k) == v}
    lists = {k: [q for q in v if q in other_lists.get(k, [])] for k, v in lists.items()}
    for k, v in sorted(lists.items()):
        print(f"{k}: {len(v)} of {len(runs[0][1][k])} read-ahead queries kept (the rest hold the data's literals)")
    doc = {"versions": sqlfiles._versions(), "elections": a.elections.split(","),
           "entries": dict(sorted(entries.items())),
           "read_ahead": {k: [list(q) if isinstance(q, tuple) else q for q in v] for k, v in sorted(lists.items())}}
    # no time stamp in the gzip header: the same queries make the same file
    with open(a.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as z:
        z.write(json.dumps(doc, ensure_ascii=False, indent=0).encode("utf-8"))
    print(f"{a.out}: {len(entries)} queries, read-ahead lists for {sorted(lists)} ({doc['versions']})")


if __name__ == "__main__":
    main()
