"""Throughput of the part-B importers (items/s per format family) and peak memory on a large
streamed file. Prints a table; not a unit test.

    .venv/bin/python bench/ingest_b.py [--n 20000] [--large-mb 300]

Inputs are generated from the shapes of the shared fixtures and tests/data/ingest_b, with
unique ids, so every row is a new post. Each family is imported into a fresh workspace;
items/s counts stored posts (comments included) per second of `ingest` wall time.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ingest_b"
SHARED = Path(os.environ.get("SUARA_SHARED", ROOT.parent / "shared")) / "fixtures"


def gen_crowdtangle(d: Path, n: int) -> Path:
    import csv
    src = SHARED / "crowdtangle-csv/2021-07-05-22-49-20-BRT-search-csv-export.csv"
    rows = list(csv.reader(src.open(encoding="utf-8-sig", newline="")))
    head, body = rows[0], rows[1:]
    url_i = head.index("URL")
    f = d / "ct.csv"
    with f.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for i in range(n):
            r = list(body[i % len(body)])
            r[url_i] = f"https://www.facebook.com/{100000 + i % 500}/posts/{10**14 + i}"
            w.writerow(r)
    return f


def gen_meta(d: Path, n: int) -> Path:
    page = json.loads((SHARED / "meta-graph-api-facebook/feeds_default_fields_p1.json").read_text())
    base = page["data"]
    f = d / "graph.jsonl"
    with f.open("w", encoding="utf-8") as fh:
        for p in range(0, n, 100):
            data = []
            for i in range(p, min(p + 100, n)):
                x = copy.deepcopy(base[i % len(base)])
                x["id"] = f"19292868552_{10**15 + i}"
                data.append(x)
            fh.write(json.dumps({"data": data, "paging": {}}) + "\n")
    return f


def gen_tiktok(d: Path, n: int) -> Path:
    f = d / "tt.jsonl"
    with f.open("w", encoding="utf-8") as fh:
        for p in range(0, n, 100):
            vids = [{"id": 7439876543210000000 + i, "username": f"user{i % 997}", "create_time": 1732100000 + i,
                     "video_description": f"Pilgub Kaltim #kaltim2024 video {i}", "like_count": i % 500,
                     "comment_count": 3, "share_count": 1, "view_count": 1000 + i, "region_code": "ID",
                     "hashtag_names": ["kaltim2024"]} for i in range(p, min(p + 100, n))]
            fh.write(json.dumps({"data": {"videos": vids, "cursor": p + 100, "has_more": True, "search_id": "1"},
                                 "error": {"code": "ok", "message": "", "log_id": "x"}}) + "\n")
    return f


def gen_youtube(d: Path, n: int) -> Path:
    page = json.loads((SHARED / "youtube-data-api-v3/comment_threads_by_video_paged_1.json").read_text())
    base = page["items"]
    f = d / "yt.jsonl"
    with f.open("w", encoding="utf-8") as fh:
        for p in range(0, n, 100):
            items = []
            for i in range(p, min(p + 100, n)):
                x = copy.deepcopy(base[i % len(base)])
                x["id"] = x["snippet"]["topLevelComment"]["id"] = f"Ugz{i:012d}"
                items.append(x)
            fh.write(json.dumps(dict(page, items=items)) + "\n")
    return f


def gen_apify(d: Path, n: int, name: str = "apify.json") -> Path:
    base = json.loads((DATA / "apify/instagram_posts.json").read_text())[:2]
    f = d / name
    with f.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            x = dict(base[i % 2], shortCode=f"B{i:010d}", latestComments=[])
            fh.write(("," if i else "") + json.dumps(x, ensure_ascii=False) + "\n")
        fh.write("]\n")
    return f


def gen_instaloader(d: Path, n: int) -> Path:
    base = json.loads((DATA / "instaloader/2024-11-20_02-15-00_UTC.json").read_text())
    folder = d / "instaloader"
    folder.mkdir()
    for i in range(n):
        x = copy.deepcopy(base)
        x["node"]["shortcode"] = f"C{i:010d}"
        (folder / f"2024-11-20_{i:06d}_UTC.json").write_text(json.dumps(x))
    return folder


def run_family(name, make, n):
    import suara
    with tempfile.TemporaryDirectory() as t:
        d = Path(t)
        path = make(d, n)
        ws = suara.init(d / "ws")
        t0 = time.perf_counter()
        reps = ws.ingest([path])
        secs = time.perf_counter() - t0
        posts = ws.store.count("posts")
        ws.close()
        fmts = sorted({r.format for r in reps})
        return name, ",".join(fmts), posts, secs


def large_file(mb: int) -> tuple[float, float, int, float, float]:
    """Import a ~mb MB Apify JSON array in a subprocess; return (file MB, peak RSS MB, posts, s)."""
    code = r"""
import sys, time, threading, psutil, suara
from pathlib import Path
p = psutil.Process(); peak = [p.memory_info().rss]; stop = []
def watch():
    while not stop:
        peak[0] = max(peak[0], p.memory_info().rss); time.sleep(0.05)
threading.Thread(target=watch, daemon=True).start()
base = p.memory_info().rss
ws = suara.init(Path(sys.argv[2]) / "ws")
t0 = time.perf_counter(); ws.ingest([sys.argv[1]]); s = time.perf_counter() - t0
stop.append(1); print(peak[0] / 2**20, ws.store.count("posts"), s, base / 2**20)
"""
    with tempfile.TemporaryDirectory() as t:
        d = Path(t)
        per_item = 800
        f = gen_apify(d, mb * 2**20 // per_item, "large.json")
        size = f.stat().st_size / 2**20
        out = subprocess.run([sys.executable, "-c", code, str(f), t], capture_output=True, text=True, check=True)
        peak, posts, secs, base = out.stdout.split()
        return size, float(peak), int(posts), float(secs), float(base)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000, help="items per format family")
    ap.add_argument("--large-mb", type=int, default=300, help="size of the large Apify file")
    a = ap.parse_args()
    fams = [("CrowdTangle CSV", gen_crowdtangle, a.n), ("Graph API JSONL pages", gen_meta, a.n),
            ("TikTok Research API pages", gen_tiktok, a.n), ("YouTube commentThreads pages", gen_youtube, a.n),
            ("Apify JSON array (streamed)", gen_apify, a.n), ("Instaloader files", gen_instaloader, a.n // 10)]
    print(f"{'family':32s} {'format':18s} {'posts':>8s} {'seconds':>8s} {'items/s':>9s}")
    for name, make, n in fams:
        name, fmt, posts, secs = run_family(name, make, n)
        print(f"{name:32s} {fmt:18s} {posts:8,d} {secs:8.2f} {posts / secs:9,.0f}")
    size, peak, posts, secs, base = large_file(a.large_mb)
    print(f"\nlarge Apify array: {size:,.0f} MB, {posts:,} posts in {secs:,.1f} s "
          f"({posts / secs:,.0f} items/s), peak RSS {peak:,.0f} MB (after imports, before reading: {base:,.0f} MB)")


if __name__ == "__main__":
    main()
