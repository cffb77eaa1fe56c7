"""Ingest throughput per format family (items/s) and peak memory on a large streamed file.

    .venv/bin/python bench/ingest.py [--n 100000] [--large-mb 200] [--only zeeschuimer-tiktok,...]

Inputs are built by replicating the shared fixture records (and tests/data/ingest samples)
with fresh ids, so every row is a new post. Each family is imported in its own subprocess
into a fresh on-disk workspace; items/s = raw records read per second of ingest wall time
(parse + map + quarantine + upsert + commit). The large-file run streams one NDJSON file of
``--large-mb`` MB and reports the process's peak RSS (ru_maxrss).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN = ROOT / "tests" / "data" / "ingest"
SHARED = Path(os.environ.get("SUARA_SHARED", ROOT.parent / "shared")) / "fixtures"

CHILD = r"""
import json, resource, sys, time
from suara.store import Store
from suara.ingest import ingest_paths
path, db, fmt = sys.argv[1], sys.argv[2], sys.argv[3]
mapping = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
st = Store(db)
def cpu_all():
    # this process plus reaped children (the worker processes of a parallel import)
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
t0, c0 = time.perf_counter(), cpu_all()
reps = ingest_paths(st, [path], fmt=fmt, mapping=mapping)
dt, cpu = time.perf_counter() - t0, cpu_all() - c0
r = reps[0]
print(json.dumps({"seconds": dt, "cpu": cpu, "format": r.format, "accepted": r.accepted, "quarantined": r.quarantined,
                  "error": r.error, "rows": r.accepted + r.updated + r.unchanged + r.quarantined,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _lines(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def _write_ndjson(f: Path, recs, n: int, fix) -> Path:
    with f.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(fix(recs[i % len(recs)], i)) + "\n")
    return f


def gen_zeeschuimer(kind: str):
    src = {"tiktok": "zeeschuimer-tiktok/tiktok-test.ndjson", "instagram": "zeeschuimer-instagram/posts.ndjson",
           "x": "zeeschuimer-twitter/twitter-test.ndjson"}[kind]

    def gen(d: Path, n: int) -> Path:
        recs = _lines(SHARED / src)

        def fix(r, i):
            r = dict(r, data=dict(r["data"]))
            if kind == "tiktok":
                r["data"]["id"] = str(7 * 10**18 + i)
            elif kind == "instagram":
                r["data"]["code"] = f"C{i:010d}"
            else:
                r["data"]["rest_id"] = str(1 * 10**18 + i)
                r["data"].pop("quoted_status_result", None)
            return r
        return _write_ndjson(d / f"z-{kind}.ndjson", recs, n, fix)
    return gen


def gen_twarc_flat(d: Path, n: int) -> Path:
    recs = _lines(SHARED / "twarc2-twitter-v2/flat.jsonl")

    def fix(r, i):
        r = dict(r, id=str(10**18 + i))
        r.pop("referenced_tweets", None)
        return r
    return _write_ndjson(d / "flat.jsonl", recs, n, fix)


def gen_x_pages(d: Path, n: int) -> Path:
    page = _lines(SHARED / "twarc2-twitter-v2/brexit.jsonl")[0]
    base = page["data"]
    f = d / "pages.jsonl"
    with f.open("w", encoding="utf-8") as fh:
        for p in range(0, n, 100):
            data = [dict(base[i % len(base)], id=str(10**18 + i)) for i in range(p, min(p + 100, n))]
            fh.write(json.dumps({"data": data, "includes": {"users": page["includes"]["users"]},
                                 "meta": {"result_count": len(data)}}) + "\n")
    return f


def gen_tweet_harvest(d: Path, n: int, start: int = 0, name: str = "th.csv") -> Path:
    """``n`` rows of the shared tweet-harvest fixture with fresh ids (row ``start`` on: a
    later file continues an earlier one without repeating its ids)."""
    rows = list(csv.reader((SHARED / "tweet-harvest-csv/ganjar.csv").open(encoding="utf-8", newline="")))
    head, body = rows[0], rows[1:]
    iu, ii, ic = head.index("tweet_url"), head.index("id_str"), head.index("conversation_id_str")
    f = d / name
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for i in range(start, start + n):
            r = list(body[i % len(body)])
            # a fresh id, consistent across id_str, the status URL and (for a thread's first
            # tweet) the conversation id, as the scraper writes them
            tid = str(10**18 + i)
            if r[ic] == r[ii]:
                r[ic] = tid
            r[ii], r[iu] = tid, f"https://twitter.com/u{i % 900}/status/{tid}"
            w.writerow(r)
    return f


def gen_4cat(d: Path, n: int) -> Path:
    rows = list(csv.DictReader((OWN / "4cat-tiktok.csv").open(encoding="utf-8", newline="")))
    f = d / "4cat.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for i in range(n):
            r = dict(rows[i % len(rows)])
            r["id"] = r["thread_id"] = str(7 * 10**18 + i)
            r["tiktok_url"] = f"https://tiktok.com/@{r['author']}/video/{r['id']}"
            w.writerow(r)
    return f


def gen_generic(d: Path, n: int) -> Path:
    f = d / "generic.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["tanggal", "akun", "nama", "isi", "suka", "bagikan", "tautan"])
        for i in range(n):
            w.writerow(["15/11/2024 20:30", f"akun{i % 5000}", "Nama", f"Debat Pilgub Kaltim #Gratispol {i}",
                        str(i % 900), "3", f"https://x.com/akun{i % 5000}/status/{10**18 + i}"])
    return f


GENERIC_MAP = {"platform": "x", "timezone": "Asia/Makassar",
               "columns": {"url": "tautan", "created_at": "tanggal", "handle": "akun", "display_name": "nama",
                           "text": "isi", "likes": "suka", "shares": "bagikan"}}

FAMILIES = {
    "zeeschuimer-tiktok": (gen_zeeschuimer("tiktok"), "auto", None),
    "zeeschuimer-instagram": (gen_zeeschuimer("instagram"), "auto", None),
    "zeeschuimer-x": (gen_zeeschuimer("x"), "auto", None),
    "x-api-v2 (twarc2 pages)": (gen_x_pages, "auto", None),
    "twarc2-flat": (gen_twarc_flat, "auto", None),
    "tweet-harvest csv": (gen_tweet_harvest, "auto", None),
    "4cat csv": (gen_4cat, "auto", None),
    "generic csv": (gen_generic, "generic", GENERIC_MAP),
}


def run_child(path: Path, db: Path, fmt: str, mapping) -> dict:
    args = [sys.executable, "-c", CHILD, str(path), str(db), fmt] + ([json.dumps(mapping)] if mapping else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="records per family")
    ap.add_argument("--large-mb", type=int, default=200, help="size of the large streamed file (0: skip)")
    ap.add_argument("--only", default="", help="comma-separated family names")
    a = ap.parse_args()
    only = [s.strip() for s in a.only.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (items/CPU-s is the rate per "
              "second of CPU time used by the import, workers included: fairer on a shared machine)")
        print(f"{'family':26} {'records':>9} {'MB':>7} {'wall s':>7} {'items/s':>9} {'CPU s':>6} "
              f"{'items/CPU-s':>11} {'peak RSS MB':>11}")
        for name, (gen, fmt, mapping) in FAMILIES.items():
            if only and name not in only:
                continue
            f = gen(d, a.n)
            mb = f.stat().st_size / 1e6
            r = run_child(f, d / f"{abs(hash(name))}.duckdb", fmt, mapping)
            assert r["error"] is None and r["quarantined"] == 0, r
            print(f"{name:26} {r['rows']:>9,} {mb:>7.1f} {r['seconds']:>7.2f} {r['rows'] / r['seconds']:>9,.0f} "
                  f"{r['cpu']:>6.2f} {r['rows'] / r['cpu']:>11,.0f} {r['rss_mb']:>11.0f}")
            f.unlink()
        if a.large_mb:
            # a large file of small records (twarc2-flat shape): bounded memory while streaming
            recs = _lines(SHARED / "twarc2-twitter-v2/flat.jsonl")
            f = d / "large.jsonl"
            size, i = 0, 0
            with f.open("w", encoding="utf-8") as fh:
                while size < a.large_mb * 1e6:
                    r = dict(recs[i % len(recs)], id=str(10**18 + i))
                    r.pop("referenced_tweets", None)
                    line = json.dumps(r) + "\n"
                    fh.write(line)
                    size += len(line)
                    i += 1
            r = run_child(f, d / "large.duckdb", "auto", None)
            print(f"\nlarge file: {size / 1e6:,.0f} MB, {r['rows']:,} tweets in {r['seconds']:.1f} s "
                  f"({r['rows'] / r['seconds']:,.0f} items/s, {r['rows'] / r['cpu']:,.0f} items/CPU-s, "
                  f"{size / 1e6 / r['seconds']:.1f} MB/s); "
                  f"peak RSS {r['rss_mb']:,.0f} MB (largest worker {r['child_rss_mb']:,.0f} MB)")


if __name__ == "__main__":
    main()
