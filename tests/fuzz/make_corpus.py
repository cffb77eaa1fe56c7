"""Build the seed corpus of the importer fuzz targets from the real export samples.

Each seed is a small file made from one to three records of a real fixture (from
``../shared/fixtures``, or the project's own samples in ``tests/data`` for formats that have
no public sample): long strings are cut to 80 characters and lists to two elements, so the
corpus keeps every field shape of the real exports without copying whole files.

Run from the repository root (rewrites ``tests/fuzz/corpus/``)::

    .venv/bin/python tests/fuzz/make_corpus.py
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SUARA_SHARED", ROOT.parent / "shared")) / "fixtures"
OWN = ROOT / "tests" / "data"
OUT = Path(__file__).resolve().parent / "corpus"


def shrink(x, depth: int = 0):
    """Cut long strings and lists, keeping keys and value types."""
    if isinstance(x, dict):
        return {k: shrink(v, depth + 1) for k, v in x.items()}
    if isinstance(x, list):
        return [shrink(v, depth + 1) for v in x[:2]]
    if isinstance(x, str) and len(x) > 80:
        return x[:80]
    return x


def json_doc(path: Path, list_keys=("data", "items", "videos", "comments", "posts")) -> bytes:
    d = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(d, list):
        d = d[:2]
    return json.dumps(shrink(d), ensure_ascii=False).encode()


def jsonl(path: Path, n: int = 2) -> bytes:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.dumps(shrink(json.loads(line)), ensure_ascii=False))
            if len(out) >= n:
                break
    return ("\n".join(out) + "\n").encode()


def csv_rows(path: Path, n: int = 3) -> bytes:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    delim = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t|").delimiter
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))[: n + 1]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\n")
    for r in rows:
        w.writerow([c[:80] for c in r])
    return buf.getvalue().encode()


def seeds() -> dict[str, dict[str, bytes]]:
    fx, own = SHARED, OWN
    s: dict[str, dict[str, bytes]] = {
        "native": {"posts.jsonl": (
            '{"suara_type": "post", "platform": "x", "post_id": "1735511179781656951", "account_id": '
            '"797761417894051840", "created_at": "2023-12-15T04:04:44Z", "text": "@dedy_pram Pastilah '
            '#Debat", "likes": "1,2rb", "is_paid": "false", "hashtags": ["debat"], "author": '
            '{"account_id": "797761417894051840", "handle": "MarahIchsan", "followers": 120}}\n'
            '{"suara_type": "account", "platform": "x", "account_id": "42", "handle": "kpu_kaltim", '
            '"verified": true}\n').encode()},
        "crowdtangle": {
            "search.csv": csv_rows(fx / "crowdtangle-csv" / "2021-07-05-22-49-20-BRT-search-csv-export.csv", 2),
            "history.csv": csv_rows(fx / "crowdtangle-csv" / "history_post_3758007754304128.csv", 3),
            "api.json": json_doc(fx / "crowdtangle-api-json" / "links-api-response-example.json"),
        },
        "meta": {
            "feed.json": json_doc(fx / "meta-graph-api-facebook" / "feeds_default_fields_p1.json"),
            "comments.json": json_doc(fx / "meta-graph-api-facebook" / "comments_p1.json"),
            "ig_hashtag.json": json_doc(fx / "meta-graph-api-instagram" / "hashtag_top_medias_p1.json"),
            "ig_media.json": json_doc(fx / "meta-graph-api-instagram" / "media_default.json"),
        },
        "tiktok_research": {
            "videos.json": json_doc(fx / "tiktok-research-api" / "example_resp_q_videos.json"),
            "comments.json": json_doc(fx / "tiktok-research-api" / "example_resp_comments.json"),
            "user.json": json_doc(fx / "tiktok-research-api" / "example_resp_q_user.json"),
        },
        "instaloader": {
            "post.json": json_doc(own / "ingest_b" / "instaloader" / "2024-11-20_02-15-00_UTC.json"),
            "profile.json": json_doc(own / "ingest_b" / "instaloader" / "relawan.kaltim.contoh_48123456789.json"),
        },
        "apify": {p.stem + p.suffix: (json_doc(p) if p.suffix == ".json" else jsonl(p))
                  for p in sorted((own / "ingest_b" / "apify").iterdir())},
        "youtube": {p.name: json_doc(p) for p in sorted((fx / "youtube-data-api-v3").glob("*.json"))},
        "zeeschuimer": {
            "tiktok.ndjson": jsonl(fx / "zeeschuimer-tiktok" / "tiktok-test.ndjson", 1),
            "instagram.ndjson": jsonl(fx / "zeeschuimer-instagram" / "posts.ndjson", 1),
            "twitter.ndjson": jsonl(fx / "zeeschuimer-twitter" / "twitter-test.ndjson", 1),
        },
        "x": {
            "two_tweets.jsonl": jsonl(fx / "twarc2-twitter-v2" / "two_tweets.jsonl", 1),
            "flat.jsonl": jsonl(fx / "twarc2-twitter-v2" / "flat.jsonl", 2),
            "search.json": json_doc(own / "ingest" / "x-api-v2-search.json"),
            "anies.csv": csv_rows(fx / "tweet-harvest-csv" / "anies.csv", 3),
            "ganjar.csv": csv_rows(fx / "tweet-harvest-csv" / "ganjar.csv", 2),
        },
        "fourcat": {
            "instagram.csv": csv_rows(own / "ingest" / "4cat-instagram.csv", 2),
            "tiktok.csv": csv_rows(own / "ingest" / "4cat-tiktok.csv", 2),
            "x.ndjson": jsonl(own / "ingest" / "4cat-x.ndjson", 2),
        },
        "generic": {"sheet.csv": csv_rows(own / "ingest" / "generic-wita.csv", 3)},
    }
    return s


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    total = 0
    for fam, files in seeds().items():
        d = OUT / fam
        d.mkdir(parents=True)
        for name, data in files.items():
            (d / name).write_bytes(data)
            total += len(data)
    print(f"wrote {sum(len(v) for v in seeds().values())} seeds ({total:,} bytes) to {OUT}")


if __name__ == "__main__":
    main()
