"""Ingest per format family as a ratio to what DuckDB itself needs for the same file, in the
same run, so that figures compare across machines (and across loads: CPU seconds are shown
next to wall seconds).

    .venv/bin/python bench/ingest_ratios.py [--rows 100000] [--only tweet-harvest,generic] [--repeat 3] [--keep DIR]
    .venv/bin/python bench/ingest_ratios.py --only twarc2,zeeschuimer      # JSON Lines: row and bulk path
    .venv/bin/python bench/ingest_ratios.py --only "tweet-harvest csv" --reimport   # + a later export, every post updated

For each family a file of ``--rows`` records is built from the shared fixtures with fresh
ids (bench/ingest.py's generators; CrowdTangle with a WIB dashboard zone), then:

suara:  ``suara ingest FILE -w WS`` as a user runs it (a fresh process into a fresh
        workspace: start-up, detection, mapping, quarantine, upsert, commit);
duckdb: DuckDB reading the same file into a table (``read_csv_auto``; ``read_json_auto``
        for JSON Lines), in this process: "mem", a table of an in-memory database; "disk",
        a table of a new on-disk database file, committed and closed (what a durable store
        needs at least: Suara writes an on-disk store); "cmd", the on-disk case as a command
        of its own (a fresh Python process importing DuckDB, as `suara ingest` is one: the
        best of three).
ratio = suara wall ÷ duckdb wall, against each floor, and suara CPU ÷ the on-disk floor's CPU.
Rows/s counts the file's records over Suara's wall time. Suara's CPU seconds and peak memory
are its process's own (``os.wait4``, parallel workers included). The JSON Lines families run
twice on the same file: the row path (the default) and the bulk path
(``SUARA_INGEST_JSON_BULK=1``).
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import ingest as gen  # noqa: E402  (bench/ingest.py: the generators)
from _child import measure  # noqa: E402


def gen_crowdtangle(d: Path, n: int) -> Path:
    src = gen.SHARED / "crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv"
    rows = list(csv.reader(src.open(encoding="utf-8-sig", newline="")))
    head, body = rows[0], rows[1:]
    iu, ip, ic = head.index("URL"), head.index("Facebook Id"), head.index("Post Created")
    f = d / "crowdtangle.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for i in range(n):
            r = list(body[i % len(body)])
            r[ip] = str(100050295107499 + i % 700)      # 700 pages
            r[iu] = f"https://www.facebook.com/{r[ip]}/posts/{10**14 + i}"
            r[ic] = r[ic].replace(" BRT", " WIB")        # an Indonesian dashboard
            w.writerow(r)
    return f


def gen_tweet_harvest_folder(d: Path, n: int, files: int = 100) -> Path:
    """A folder of ``files`` tweet-harvest CSVs (one per search, as a campaign collects
    them) holding the rows of the single-file family between them."""
    tmp = d / "folder-src"
    tmp.mkdir(exist_ok=True)
    one = gen.gen_tweet_harvest(tmp, n)
    rows = list(csv.reader(one.open(encoding="utf-8", newline="")))
    shutil.rmtree(tmp)
    out = d / "folder"
    out.mkdir(exist_ok=True)
    per = -(-(len(rows) - 1) // files)
    for i in range(files):
        with (out / f"search-{i:03d}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(rows[0])
            w.writerows(rows[1 + i * per:1 + (i + 1) * per])
    return out


_ZEE_TIKTOK = gen.gen_zeeschuimer("tiktok")
_JSON_BULK = {"SUARA_INGEST_JSON_BULK": "1"}
FAMILIES = {   # name -> (generator, --format, mapping, DuckDB reader[, environment])
    "tweet-harvest csv": (gen.gen_tweet_harvest, "auto", None, "csv"),
    "tweet-harvest 100 csv files": (gen_tweet_harvest_folder, "auto", None, "csv"),
    "generic csv (mapping)": (gen.gen_generic, "generic", gen.GENERIC_MAP, "csv"),
    "crowdtangle csv": (gen_crowdtangle, "auto", None, "csv"),
    # JSON Lines: the row path (the default) and the opt-in bulk path, on the same file
    "zeeschuimer-tiktok jsonl": (_ZEE_TIKTOK, "auto", None, "json"),
    "zeeschuimer-tiktok jsonl, bulk": (_ZEE_TIKTOK, "auto", None, "json", _JSON_BULK),
    "twarc2-flat jsonl": (gen.gen_twarc_flat, "auto", None, "json"),
    "twarc2-flat jsonl, bulk": (gen.gen_twarc_flat, "auto", None, "json", _JSON_BULK),
}


def _newer_counts(path: Path, out: Path) -> Path:
    """The tweet-harvest CSV ``path`` as a later export of the same posts: every like count
    one higher (written once to ``out``)."""
    if not out.exists():
        with path.open(encoding="utf-8", newline="") as fin, out.open("w", encoding="utf-8", newline="") as fout:
            r, w = csv.reader(fin), csv.writer(fout)
            head = next(r)
            w.writerow(head)
            i = head.index("favorite_count")
            for row in r:
                if len(row) > i and row[i].isdigit():
                    row[i] = str(int(row[i]) + 1)
                w.writerow(row)
    return out


def _suara(path: Path, ws: Path, fmt: str, mapping, env: dict | None = None,
           init: bool = True) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of ``suara ingest`` in a fresh process, from its own
    resource usage (``os.wait4``: the process and the workers it waited for; the peak is the
    largest of them). ``init=False``: into the workspace as it is."""
    import yaml
    if init:
        subprocess.run([sys.executable, "-m", "suara", "init", str(ws)], check=True, stdout=subprocess.DEVNULL)
    args = [sys.executable, "-m", "suara", "ingest", str(path), "-w", str(ws), "--format", fmt]
    if mapping:
        mp = ws / "map.yaml"
        mp.write_text(yaml.safe_dump(mapping), encoding="utf-8")
        args += ["--mapping", str(mp)]
    # bench/_child.py: this process holds DuckDB's floors, which must not count as Suara's peak
    rc, wall, cpu, peak = measure(args, env)
    if rc not in (0, 1):
        raise SystemExit(f"suara ingest failed ({rc}): {' '.join(args)}")
    return wall, cpu, peak


def _duckdb(path: Path, kind: str, db: str = ":memory:") -> tuple[float, float]:
    """(wall, CPU) seconds of DuckDB reading ``path`` into a table of ``db`` (a file: created
    afresh, the table committed and the database closed, which writes it out)."""
    import duckdb
    for f in (db, db + ".wal") if db != ":memory:" else ():
        Path(f).unlink(missing_ok=True)
    reader = "read_csv_auto" if kind == "csv" else "read_json_auto"
    src = f"{path}/*" if path.is_dir() else str(path)   # a folder: all its files, one table
    c0, t0 = time.process_time(), time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}('{src}')")
    con.close()
    return time.perf_counter() - t0, time.process_time() - c0


_FLOOR_COMMAND = """import sys, duckdb
path, db, reader = sys.argv[1:]
con = duckdb.connect(db)
con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}('{path}')")
con.close()
"""


def duckdb_command(path: Path, kind: str, db: str, best_of: int = 3) -> float:
    """Wall seconds of DuckDB reading ``path`` into a table of a new on-disk database as a
    command of its own: a fresh Python process that imports DuckDB, reads, commits, closes and
    exits (what `suara ingest`, a command too, pays at the least besides its own work; the
    floor the issue's first measurement took). The best of ``best_of``."""
    reader = "read_csv_auto" if kind == "csv" else "read_json_auto"
    src = f"{path}/*" if path.is_dir() else str(path)
    out = []
    for _ in range(best_of):
        for f in (db, db + ".wal"):
            Path(f).unlink(missing_ok=True)
        _rc, wall, _cpu, _peak = measure([sys.executable, "-c", _FLOOR_COMMAND, src, db, reader])
        out.append(wall)
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--only", help="comma-separated family names (default: all)")
    ap.add_argument("--keep", type=Path, help="folder for the files and workspaces (default: temporary, removed)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds per family (each: both DuckDB floors, then Suara into a fresh workspace)")
    ap.add_argument("--reimport", action="store_true",
                    help="tweet-harvest csv: also time a later export of the same posts with every like "
                         "count one higher, imported into the same workspace (every post updated)")
    a = ap.parse_args()
    d = a.keep or Path(tempfile.mkdtemp(prefix="suara-ingest-ratios-"))
    d.mkdir(parents=True, exist_ok=True)
    try:
        _rounds(a, d)
    finally:
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)


def _rounds(a, d: Path) -> None:
    names = [n for n in FAMILIES if not a.only or any(o.strip() in n for o in a.only.split(","))]
    print(f"{a.rows:,} records per family; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
          "at start (wall times stretch under load; CPU seconds less so)")
    print(f"{'':30} {'':>6} {'':>8} {'':>6} {'':>6} {'':>8} | {'duckdb in mem':>15} | "
          f"{'duckdb on disk':>15} | {'cmd':>6} | {'ratio to (wall)':>20} | {'(CPU)':>6}")
    print(f"{'family':30} {'MB':>6} {'suara s':>8} {'CPU s':>6} {'RSS MB':>6} {'rows/s':>8} | {'wall s':>8} "
          f"{'CPU s':>6} | {'wall s':>8} {'CPU s':>6} | {'wall s':>6} | {'mem':>6} {'disk':>6} {'cmd':>6} | "
          f"{'disk':>6}")
    made: dict = {}
    for name in names:
        make, fmt, mapping, kind, *env = FAMILIES[name]
        sub = d / name.split()[0].rstrip(",")
        sub.mkdir(exist_ok=True)
        if make not in made:   # the row and the bulk family of a format read the same file
            made[make] = make(sub, a.rows)
        path = made[make]
        for _ in range(a.repeat):
            shutil.rmtree(sub / "ws", ignore_errors=True)
            floor, floor_cpu = _duckdb(path, kind)
            disk, disk_cpu = _duckdb(path, kind, str(sub / "floor.duckdb"))
            cmd = duckdb_command(path, kind, str(sub / "floor.duckdb"))
            wall, cpu, rss = _suara(path, sub / "ws", fmt, mapping, env[0] if env else None)
            size = sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size
            print(f"{name:30} {size / 1e6:6.0f} {wall:8.2f} {cpu:6.2f} {rss:6.0f} {a.rows / wall:8,.0f} | "
                  f"{floor:8.2f} {floor_cpu:6.2f} | {disk:8.2f} {disk_cpu:6.2f} | {cmd:6.2f} | {wall / floor:5.1f}x "
                  f"{wall / disk:5.1f}x {wall / cmd:5.1f}x | {cpu / max(disk_cpu, 1e-9):5.1f}x", flush=True)
            if a.reimport and name == "tweet-harvest csv":
                later = _newer_counts(path, sub / "later.csv")
                wall, cpu, rss = _suara(later, sub / "ws", fmt, mapping, init=False)
                print(f"{'  re-import, new counts':30} {size / 1e6:6.0f} {wall:8.2f} {cpu:6.2f} {rss:6.0f} "
                      f"{a.rows / wall:8,.0f} | {'':>15} | {'':>15} | {'':>6} | {'':>6} {wall / disk:5.1f}x "
                      f"{wall / cmd:5.1f}x |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
