"""Suara's time as a ratio to what DuckDB itself needs for the same input, in the same run, so
figures compare across machines.

    .venv/bin/python bench/ratios.py [--rows 340000] [--keep DIR]
    .venv/bin/python bench/ratios.py --workspace DIR [--repeat 3]   # analyse only, an enriched workspace
    .venv/bin/python bench/ratios.py --scale medium [--repeat 3]    # analyse only, a simulated campaign

ingest:  ``suara ingest`` of a tweet-harvest CSV (built from the shared fixture with fresh ids,
         ~118 MB at 340,000 rows) ÷ DuckDB ``read_csv_auto`` of the same file into a table:
         of an in-memory database ("in memory"), and of a new on-disk database file,
         committed and closed ("on disk": Suara's store is on disk), and the on-disk case as a
         command of its own (a fresh Python process importing DuckDB, as `suara ingest` is).
analyse: ``suara analyse --json`` (every section) on that workspace after ``suara enrich`` ÷
         three typical DuckDB scans of the same store (daily counts, mentions × sentiment,
         top accounts), on an open connection and, as a second floor, including opening
         and closing the store file (which every command reading the store pays too), and as a
         third floor as a command of their own (a fresh Python process importing DuckDB).
Analyse is timed six times: the first run of a copy of the new workspace that compiles every
query (``SUARA_SQL_SEED=0`` and an empty cache folder: an election the package ships no SQL
for); the first run of the new workspace, on a machine where nothing was compiled yet (it
finds the SQL the package ships for its election: suara.store.sqlfiles.seed); the first run
of a second new workspace holding the same store (it finds the SQL the first one compiled,
and the queries it read ahead, in the user's cache folder: suara.store.sqlcache; the bench
keeps that folder to itself and starts it empty); a repeat computed again
(``--recompute``); a repeat over the unchanged workspace, which gives back the document the
last complete run kept (suara.store.doccache); and the first run after the next import (a
tenth as many rows again, ingested and enriched), which is what a campaign's daily loop
meets: a workspace that has run analyses before, with new posts.
Each Suara step runs as its own command (a fresh process, as a user runs it); its peak memory
is the process tree's maximum resident set. With ``--workspace`` only analyse is timed, on a
copy of that workspace, each round computed (``--recompute``) and then unchanged (a run finds the pre-aggregated tables and the detect stages current
when `suara enrich` ran them; otherwise its first run brings them up to date); the
DuckDB scans run right after each analyse, so both see the same load. CPU seconds of the
analyse process (user + system) are printed too: on a shared machine they move less than the
wall time.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _child import measure  # noqa: E402


def _run(args: list[str], env: dict | None = None) -> tuple[float, float]:
    dt, peak, _ = _run_cpu(args, env)
    return dt, peak


def _run_cpu(args: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB, CPU seconds) of one ``suara`` command: its own resource use
    (``os.wait4``), not the maximum over every command run so far."""
    # bench/_child.py: started from a small process, so this one's size (generated data,
    # DuckDB's floors) does not count as the command's peak
    argv = [sys.executable, "-m", "suara", *args]
    rc, dt, cpu, peak = measure(argv, env)
    if rc:
        raise subprocess.CalledProcessError(rc, argv)
    return dt, peak, cpu


def _bytecode() -> str:
    """Compile Suara's modules to bytecode first, as `suara init` does (suara.bytecode): where
    the environment sets PYTHONDONTWRITEBYTECODE, an uncompiled source tree is compiled again
    by every command."""
    from suara.bytecode import compile_package
    return "bytecode compiled" if compile_package() else "bytecode current (or kept by Python itself)"


def _analyse_only(ws: Path, repeat: int, bytecode: bool = True) -> None:
    import shutil
    if bytecode:
        print(_bytecode())
    tmp = Path(tempfile.mkdtemp(prefix="suara-ratios-ws-")) / "ws"
    shutil.copytree(ws, tmp)
    n = _count(tmp / "suara.duckdb")
    print(f"workspace: {ws} ({n:,} posts, {_mentions(tmp / 'suara.duckdb'):,} candidate mentions); "
          f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    for i in range(repeat):
        for how, extra in (("computed", ["--recompute"]), ("unchanged", [])):
            t_an, rss_an, cpu = _run_cpu(["analyse", "--json", "-w", str(tmp), *extra])
            # best of 3: on a shared machine one round can wait behind other work
            scans, scans_cpu = _duckdb_scans_cpu(tmp / "suara.duckdb", best_of=3)
            opened, opened_cpu = _duckdb_scans_cpu(tmp / "suara.duckdb", best_of=3, with_open=True)
            proc = _scans_process(tmp / "suara.duckdb")
            print(f"analyse #{i + 1} {how:9s} suara {t_an:6.2f} s wall, {cpu:6.2f} s CPU (peak {rss_an:,.0f} MB) | "
                  f"duckdb 3 scans {scans * 1000:5.0f} ms wall, {scans_cpu * 1000:5.0f} ms CPU; with opening the "
                  f"store {opened * 1000:5.0f} ms wall, {opened_cpu * 1000:5.0f} ms CPU; as a command "
                  f"{proc * 1000:5.0f} ms | ratio "
                  f"{t_an / scans:5.0f}x wall, {cpu / max(scans_cpu, 1e-3):5.0f}x CPU; with opening "
                  f"{t_an / opened:5.0f}x wall, {cpu / max(opened_cpu, 1e-3):5.0f}x CPU; as a command "
                  f"{t_an / proc:5.0f}x | load average {os.getloadavg()[0]:.1f}")
    shutil.rmtree(tmp.parent, ignore_errors=True)


def _simulated(scale: str) -> Path:
    """A simulated campaign of ``scale``, ingested (bench/enrich.py builds it in a process of
    its own) and enriched by `suara enrich` as a command; left in a temporary folder, which
    is printed."""
    from enrich import build_workspace   # bench/enrich.py
    ws = build_workspace(scale, 7)
    t, peak = _run(["enrich", "-w", str(ws)])
    print(f"simulated campaign ({scale}) at {ws}; enrich {t:.1f} s (peak {peak:,.0f} MB)")
    return ws


def _mentions(db: Path) -> int:
    """Candidate mentions of the current enrichment (what most sections count)."""
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM mentions WHERE version = "
                           "(SELECT value FROM meta WHERE key = 'enrich.current_version')").fetchall()[0][0]
    except duckdb.Error:
        return 0
    finally:
        con.close()


def _count(db: Path) -> int:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    finally:
        con.close()


def _duckdb_floor(csv: Path, db: str = ":memory:") -> float:
    """Seconds DuckDB needs to read ``csv`` into a table of ``db`` (a file: created afresh,
    the table committed and the database closed, which writes it out)."""
    import duckdb
    for f in (db, db + ".wal") if db != ":memory:" else ():
        Path(f).unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{csv}')")
    con.close()
    return time.perf_counter() - t0


def _duckdb_scans(db: Path) -> float:
    return _duckdb_scans_cpu(db)[0]


def _duckdb_scans_cpu(db: Path, best_of: int = 1, with_open: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds of the three scans (the best of ``best_of`` rounds)."""
    out = []
    for _ in range(best_of):
        c0 = time.process_time()
        w = _scans_once(db, with_open)
        out.append((w, time.process_time() - c0))
    return min(out)


#: the three typical scans (daily counts, mentions x sentiment, top accounts)
SCANS = ("SELECT date_trunc('day', created_at) d, platform, count(*) FROM posts GROUP BY ALL",
         "SELECT candidate, sentiment, count(*) FROM mentions GROUP BY ALL",
         "SELECT account_id, count(*) n FROM posts GROUP BY ALL ORDER BY n DESC LIMIT 20")
_SCANS_PROCESS = f"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for q in {SCANS!r}:
    con.execute(q).fetchall()
con.close()
"""


def _scans_process(db: Path, best_of: int = 3) -> float:
    """Wall seconds of the three scans as a command of their own: a fresh Python process that
    imports DuckDB, opens the store, scans and exits (what any command reading the store pays
    at the least; `suara analyse` pays it too, plus its own imports). The best of ``best_of``."""
    out = []
    for _ in range(best_of):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", _SCANS_PROCESS, str(db)], check=True)
        out.append(time.perf_counter() - t0)
    return min(out)


def _scans_once(db: Path, with_open: bool = False) -> float:
    """Wall seconds of the three scans on an open connection, or (``with_open``) including
    opening and closing the store file, which every command that reads the store pays too."""
    import duckdb
    t0 = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    if not with_open:
        t0 = time.perf_counter()
    for q in SCANS:
        con.execute(q).fetchall()
    if not with_open:
        dt = time.perf_counter() - t0
    con.close()
    return dt if not with_open else time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=340_000)
    ap.add_argument("--skip-analyse", action="store_true")
    ap.add_argument("--keep", type=Path, help="folder for the file and workspace (default: temporary, removed)")
    ap.add_argument("--workspace", type=Path, help="time analyse only, on a copy of this enriched workspace")
    ap.add_argument("--repeat", type=int, default=2, help="analyse runs with --workspace")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="with --workspace: leave Suara's modules uncompiled (see _bytecode)")
    ap.add_argument("--scale", help="time analyse only, on a simulated campaign of this scale (e.g. medium: "
                                    "300,000 posts, most of them about the pairs), built and enriched first")
    a = ap.parse_args()
    # the compiled SQL that workspaces share (suara.store.sqlcache) starts empty and stays in
    # the bench's own folder: the user's cache neither helps nor hears from these runs
    os.environ["SUARA_CACHE_DIR"] = tempfile.mkdtemp(prefix="suara-bench-sqlcache-")
    if a.scale:
        _analyse_only(_simulated(a.scale), a.repeat, bytecode=not a.no_bytecode)
        return
    if a.workspace:
        _analyse_only(a.workspace, a.repeat, bytecode=not a.no_bytecode)
        return
    d = a.keep or Path(tempfile.mkdtemp(prefix="suara-ratios-"))
    d.mkdir(parents=True, exist_ok=True)
    try:
        _ingest_and_analyse(a, d)
    finally:
        if not a.keep:
            import shutil
            shutil.rmtree(d, ignore_errors=True)


def _ingest_and_analyse(a, d: Path) -> None:
    import ingest as gen   # bench/ingest.py builds the file from the shared fixture
    csv = gen.gen_tweet_harvest(d, a.rows)
    ws = d / "ws"
    subprocess.run([sys.executable, "-m", "suara", "init", str(ws)], check=True, stdout=subprocess.DEVNULL)
    floor = _duckdb_floor(csv)
    disk = _duckdb_floor(csv, str(d / "floor.duckdb"))
    from ingest_ratios import duckdb_command   # the same floor as a command of its own
    cmd = duckdb_command(csv, "csv", str(d / "floor.duckdb"))
    t_ing, rss_ing = _run(["ingest", str(csv), "-w", str(ws)])
    print(f"file: {csv.stat().st_size / 1e6:,.0f} MB, {a.rows:,} rows; cores: {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"ingest   suara {t_ing:7.2f} s (peak {rss_ing:,.0f} MB) | duckdb read_csv_auto in memory "
          f"{floor:6.2f} s, on disk {disk:6.2f} s, on disk as a command {cmd:6.2f} s | ratio "
          f"{t_ing / floor:5.1f}x in memory, {t_ing / disk:5.1f}x on disk, {t_ing / cmd:5.1f}x as a command")
    if a.skip_analyse:
        return
    t_enr, rss_enr = _run(["enrich", "-w", str(ws)])
    print(f"enrich   suara {t_enr:7.2f} s (peak {rss_enr:,.0f} MB) | {a.rows / t_enr:,.0f} posts/s")
    import shutil
    second = d / "ws-second"   # the same enriched store, as a second new workspace
    shutil.copytree(ws, second)
    cold = d / "ws-cold"       # and as one that compiles every query (nothing shipped or shared)
    shutil.copytree(ws, cold)
    # the first after enrich also brings the aggregates and the detect steps up to date, and
    # finds the SQL the package ships (suara.store.sqlfiles.seed; the cold one does without);
    # the second new workspace finds the SQL the first compiled and the queries it read
    for run in ("first, compiling every query", "first", "first of a second new workspace", "repeat, computed",
                "repeat, unchanged", "next import"):
        if run.startswith("first of") or run.startswith("first,"):
            other = second if run.startswith("first of") else cold
            env = None if other is second else {"SUARA_SQL_SEED": "0",
                                                "SUARA_CACHE_DIR": tempfile.mkdtemp(prefix="suara-bench-cold-")}
            t_an, rss_an = _run(["analyse", "--json", "-w", str(other)], env)
            scans = _duckdb_scans(other / "suara.duckdb")
            opened = _duckdb_scans_cpu(other / "suara.duckdb", with_open=True)[0]
            print(f"analyse ({run}) suara {t_an:7.2f} s (peak {rss_an:,.0f} MB) | duckdb 3 scans "
                  f"{scans * 1000:6.0f} ms, with opening the store {opened * 1000:6.0f} ms | ratio "
                  f"{t_an / scans:5.0f}x, with opening {t_an / opened:5.0f}x")
            shutil.rmtree(other, ignore_errors=True)
            continue
        if run == "next import":
            extra = max(1, a.rows // 10)
            nxt = gen.gen_tweet_harvest(d, extra, start=a.rows, name="th-next.csv")
            t_i2, _ = _run(["ingest", str(nxt), "-w", str(ws)])
            t_e2, _ = _run(["enrich", "-w", str(ws)])
            print(f"next import: {extra:,} rows, ingest {t_i2:.2f} s, enrich {t_e2:.2f} s")
        t_an, rss_an = _run(["analyse", "--json", "-w", str(ws), *(["--recompute"] if "computed" in run else [])])
        scans = _duckdb_scans(ws / "suara.duckdb")
        opened = _duckdb_scans_cpu(ws / "suara.duckdb", with_open=True)[0]
        proc = _scans_process(ws / "suara.duckdb")
        print(f"analyse ({run}) suara {t_an:7.2f} s (peak {rss_an:,.0f} MB) | duckdb 3 scans "
              f"{scans * 1000:6.0f} ms, with opening the store {opened * 1000:6.0f} ms, as a command "
              f"{proc * 1000:6.0f} ms | ratio {t_an / scans:5.0f}x, with opening {t_an / opened:5.0f}x, "
              f"as a command {t_an / proc:5.0f}x")


if __name__ == "__main__":
    main()
