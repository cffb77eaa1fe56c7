"""How much the radar's triage inbox folds and where it ranks the planted crises, on a
simulated campaign (the simulator's ground truth, never imported by the radar or the inbox).

    python bench/triage.py [--scale 20000] [--seed 5] [--variant plain] [--dir DIR]

Prints: alerts, incidents, alerts per type, and for each planted crisis (ground_truth/crises.csv)
the rank of the first alert / incident of its pair whose onset is within 12 hours of the
crisis onset: over the whole campaign (raw newest-first feed vs inbox), and replayed as the
team saw it 6 hours after the onset (only alerts detected by then; recency measured from then).
Also the time the inbox takes.
"""
from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import tempfile
import time
from pathlib import Path

import suara
from suara.analyse.feeds import case_feed
from suara.analyse.triage import group_alerts, inbox, rank_groups
from suara.sim import simulate


def _rank(items, cand: str, onset: dt.datetime, key_onset) -> int | None:
    for i, x in enumerate(items, 1):
        on = key_onset(x)
        if on is not None and x.get("candidate") == cand and abs(on - onset) <= dt.timedelta(hours=12):
            return i
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--variant", default=None)
    ap.add_argument("--dir", default=None, help="reuse a folder with exports/ and ws/ (built when missing)")
    a = ap.parse_args()
    d = Path(a.dir or tempfile.mkdtemp())
    if not (d / "ws").exists():
        simulate(d / "exports", seed=a.seed, scale=a.scale, variant=a.variant)
        ws = suara.init(d / "ws")
        ws.ingest(sorted(p for p in (d / "exports").iterdir() if p.is_dir() and p.name != "ground_truth"))
        ws.enrich()
        ws.detect()
        ws.close()
    ws = suara.open(d / "ws")
    ws.radar()
    feed = ws.alert_feed(limit=100_000)
    t0 = time.perf_counter()
    box = inbox(ws, salt=ws.salt)
    took = time.perf_counter() - t0
    print(f"alerts {len(feed)}  incidents {box['total_groups']}  inbox {took:.2f} s")
    print("alerts per type:", dict(collections.Counter(x["type"] for x in feed).most_common()))
    print("incidents per type:", dict(collections.Counter(g["type"] for g in box["groups"]).most_common()))

    def on_alert(x):
        return dt.datetime.fromisoformat(x["onset_at"]) if x.get("onset_at") else None

    def on_group(g):
        return dt.datetime.fromisoformat(g["first_onset"]) if g.get("first_onset") else None

    for x in feed:
        for k in ("candidate", "issue"):
            if not isinstance(x.get(k), str) or not x[k]:
                x[k] = None
    cases = case_feed(ws.store)
    with open(d / "exports" / "ground_truth" / "crises.csv", encoding="utf-8") as f:
        for c in csv.DictReader(f):
            onset = dt.datetime.fromisoformat(c["onset_utc"].replace("Z", ""))
            then = onset + dt.timedelta(hours=6)
            seen = [x for x in feed if x.get("detected_at") and dt.datetime.fromisoformat(x["detected_at"]) <= then]
            live = rank_groups(group_alerts(seen, cases=cases), now=then)
            print(f"{c['crisis_id']:10s} {c['kind']:16s} pair {c['candidate']}  whole campaign: newest-first "
                  f"{_rank(feed, c['candidate'], onset, on_alert)}, inbox "
                  f"{_rank(box['groups'], c['candidate'], onset, on_group)}  |  at onset+6h: newest-first "
                  f"{_rank(seen, c['candidate'], onset, on_alert)}, inbox {_rank(live, c['candidate'], onset, on_group)}"
                  f" of {len(live)}")
    ws.close()


if __name__ == "__main__":
    main()
