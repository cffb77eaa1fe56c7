"""Import rate of a large chat export: a generated WhatsApp group (and a Telegram channel).

    .venv/bin/python bench/chat.py [--n 100000] [--telegram 100000]

The WhatsApp export is written in the Android Indonesian layout (``dd/mm/yy HH.MM - Name:``)
with what real groups carry: ~8 % multi-line messages, ~5 % media placeholders, ~3 % attached
files with captions, ~1 % deleted messages, system lines (joins, leaves) every ~200
messages, a mix of saved contact names and +62 phone numbers as senders, and a few messages
out of time order. Day/month order must be inferred from the whole file. Each import runs in
a fresh on-disk workspace; the rate counts messages per second of wall time for the whole
import (two passes over the file, parse, map, upsert, commit). ``parse only`` is the
importer's ``read`` + ``map`` without the store.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORDS = ("debat pilgub kaltim malam ini paslon program pendidikan kesehatan jalan rusak banjir samarinda "
         "balikpapan relawan posko kumpul besok jam pagi siap mantap hoaks cek fakta tps coblos nomor urut "
         "bantuan sembako kampanye akbar spanduk baliho warga kecamatan kelurahan").split()


def make_whatsapp(path: Path, n: int, seed: int = 7) -> int:
    r = random.Random(seed)
    names = [f"Relawan {i}" for i in range(60)] + [f"+62 812-0000-{i:04d}" for i in range(140)]
    t = dt.datetime(2024, 9, 25, 7, 0)
    written = 0
    with path.open("w", encoding="utf-8") as f:
        f.write(f"{t:%d/%m/%y %H.%M} - Pesan dan panggilan dienkripsi secara end-to-end. Ketuk untuk "
                "mempelajari selengkapnya.\n")
        while written < n:
            t += dt.timedelta(seconds=r.randint(5, 400))
            stamp = t if r.random() > 0.002 else t - dt.timedelta(minutes=r.randint(5, 90))
            head = f"{stamp:%d/%m/%y %H.%M}"
            if r.random() < 0.005:
                f.write(f"{head} - {r.choice(names)} bergabung menggunakan tautan undangan grup ini\n")
                continue
            who = r.choice(names)
            x = r.random()
            if x < 0.05:
                body = "<Media tidak disertakan>"
            elif x < 0.08:
                body = f"IMG-{t:%Y%m%d}-WA{r.randint(0, 9999):04d}.jpg (file terlampir)\n" + \
                       " ".join(r.choices(WORDS, k=r.randint(3, 12)))
            elif x < 0.09:
                body = "Pesan ini telah dihapus"
            else:
                body = " ".join(r.choices(WORDS, k=r.randint(2, 25)))
                if r.random() < 0.08:
                    body += "\n" + "\n".join(" ".join(r.choices(WORDS, k=r.randint(2, 10)))
                                             for _ in range(r.randint(1, 4)))
                if r.random() < 0.1:
                    body += f" https://contoh.id/{r.randint(1, 10**6)}"
                if r.random() < 0.1:
                    body += " #PilgubKaltim"
            f.write(f"{head} - {who}: {body}\n")
            written += 1
    return written


def make_telegram(path: Path, n: int, seed: int = 7) -> int:
    r = random.Random(seed)
    t0 = 1727240400
    msgs = []
    for i in range(1, n + 1):
        m = {"id": i, "type": "message", "date": "2024-09-25T07:00:00", "date_unixtime": str(t0 + i * 60),
             "from": "Kaltim Info", "from_id": "channel1987654321",
             "text": ["Berita ", {"type": "bold", "text": " ".join(r.choices(WORDS, k=5))}, " #PilgubKaltim"],
             "text_entities": [], "views": r.randint(100, 50000),
             "reactions": [{"type": "emoji", "count": r.randint(0, 300), "emoji": "👍"}]}
        if i % 10 == 0:
            m["forwarded_from"] = "Berita Samarinda"
        if i % 7 == 0:
            m["reply_to_message_id"] = i - 1
        msgs.append(m)
    path.write_text(json.dumps({"name": "Kaltim Info", "type": "public_channel", "id": 1987654321,
                                "messages": msgs}, ensure_ascii=False), encoding="utf-8")
    return n


def _cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def run(path: Path, opts: dict) -> dict:
    from suara.ingest import ingest_paths
    from suara.store import Store
    with tempfile.TemporaryDirectory() as d:
        st = Store(Path(d) / "bench.duckdb")
        t, c = time.perf_counter(), _cpu()
        rep = ingest_paths(st, [path], options=opts)[0]
        sec, cpu = time.perf_counter() - t, _cpu() - c
        st.close()
    return {"seconds": sec, "cpu": cpu, "accepted": rep.accepted, "quarantined": rep.quarantined, "notes": rep.notes,
            "error": rep.error}


def parse_only(path: Path, opts: dict) -> tuple[int, float]:
    from suara.ingest import registry
    from suara.ingest.base import ImportContext, Source
    src = Source(path)
    imp, _ = registry.detect(src)
    ctx = ImportContext(file=str(path), options=dict(opts))
    t, c = time.perf_counter(), _cpu()
    n = sum(len(imp.map(raw, ctx)) for _, raw in imp.read(src, ctx))
    return n, time.perf_counter() - t, _cpu() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="WhatsApp messages")
    ap.add_argument("--telegram", type=int, default=100_000, help="Telegram messages (0: skip)")
    a = ap.parse_args()
    opts = {"local_timezone": "Asia/Makassar"}
    with tempfile.TemporaryDirectory() as d:
        wa = Path(d) / "WhatsApp Chat with Relawan Bench.txt"
        n = make_whatsapp(wa, a.n)
        size = wa.stat().st_size / 1e6
        items, sec, cpu = parse_only(wa, opts)
        res = run(wa, opts)
        print(f"WhatsApp export: {n:,} messages, {size:.1f} MB (load average {os.getloadavg()[0]:.1f})")
        print(f"  parse only (read + map): {sec:.2f} s = {n / sec:,.0f} messages/s wall, "
              f"{n / cpu:,.0f} messages/CPU-s")
        print(f"  full import into DuckDB: {res['seconds']:.2f} s = {n / res['seconds']:,.0f} messages/s wall, "
              f"{n / res['cpu']:,.0f} messages/CPU-s (accepted {res['accepted']:,}, quarantined {res['quarantined']:,})")
        for note in res["notes"]:
            print(f"    {note}")
        if a.telegram:
            tg = Path(d) / "result.json"
            m = make_telegram(tg, a.telegram)
            res = run(tg, opts)
            print(f"Telegram result.json: {m:,} messages, {tg.stat().st_size / 1e6:.1f} MB")
            print(f"  full import into DuckDB: {res['seconds']:.2f} s = {m / res['seconds']:,.0f} messages/s wall, "
                  f"{m / res['cpu']:,.0f} messages/CPU-s (accepted {res['accepted']:,})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
