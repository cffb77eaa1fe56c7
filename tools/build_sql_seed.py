"""Build the compiled SQL the package ships (``src/suara/store/sqlseed.json.gz``, see
`suara.store.sqlfiles.seed`): the demo campaign of every bundled election is simulated,
ingested, enriched and analysed in a cache folder of its own, and what the workspaces left in
the shared file (the compiled queries, each election's read-ahead list) is written out for the
installed Ibis and SQLGlot versions.

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


def main() -> None:
    from suara.store import sqlfiles

    bundled = sorted(p.stem for p in (ROOT / "src/suara/config/elections").glob("*.yaml"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--elections", default=",".join(bundled))
    ap.add_argument("--out", type=Path, default=Path(sqlfiles.SEED_PATH))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="suara-sqlseed-"))
    env = dict(os.environ, SUARA_CACHE_DIR=str(tmp / "cache"), SUARA_SQL_SEED="0", SUARA_SQL_CACHE_SHARED="1")
    for e in a.elections.split(","):
        print(f"demo {e} ...", flush=True)
        subprocess.run([sys.executable, "-m", "suara", "demo", "--election", e, "--dir", str(tmp / e)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
    os.environ["SUARA_CACHE_DIR"] = env["SUARA_CACHE_DIR"]
    entries, lists = sqlfiles._read_entries(sqlfiles.shared_path(), keyed=True)
    doc = {"versions": sqlfiles._versions(), "elections": a.elections.split(","),
           "entries": dict(sorted(entries.items())),
           "read_ahead": {k: [list(q) if isinstance(q, tuple) else q for q in v] for k, v in sorted(lists.items())}}
    # no time stamp in the gzip header: the same queries make the same file
    with open(a.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as z:
        z.write(json.dumps(doc, ensure_ascii=False, indent=0).encode("utf-8"))
    print(f"{a.out}: {len(entries)} queries, read-ahead lists for {sorted(lists)} ({doc['versions']})")


if __name__ == "__main__":
    main()
