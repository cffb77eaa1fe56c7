"""Radar quality benchmark: detection delay, recall and false alarms.

Part A (always): a synthetic campaign of 15-minute series with a daily rhythm, a weekday
effect, a slow trend and over-dispersed (gamma-Poisson) counts for two pairs and twelve
issues. Crises of several sizes (share of the pair's daily volume) and speeds are injected as
negative posts on one issue; the real radar pipeline (series -> episodes -> merged alerts,
``suara.detect.radar``) runs on them. Reported per size x speed: recall within 24 h,
recall within 30 minutes of onset, median delay after onset, and median delay after the
crisis reached 1 % of a day's volume. Crisis-free runs give false alarms per pair per week.

Part B (``--sim``): the campaign simulator (``suara.sim``) with its injected crises and the
``calm`` variant, ingested, enriched and scanned end to end.

Usage::

    .venv/bin/python bench/radar.py            # part A, about a minute on one core
    .venv/bin/python bench/radar.py --sim      # part A + simulator (several minutes)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from suara.detect.radar import RadarSettings
from suara.detect.radar.series import _absorb, _episodes, _merge

BPD = 96
ISSUES = [f"issue{i}" for i in range(12)]
SIZES = (0.0025, 0.005, 0.01, 0.02, 0.05)
SPEEDS = {"burst (30 min)": ("uniform", 0.5), "fast (mean 1 h)": ("gamma", 1.0),
          "slow (mean 6 h)": ("gamma", 6.0)}


def rhythm(n_bins: int, daily: float, rng) -> np.ndarray:
    """Expected posts per bin: daily rhythm (WITA evenings high, nights low), weekday effect,
    +30 % linear trend over the period, day-to-day gamma noise."""
    t = np.arange(n_bins)
    hour = (t % BPD) / 4.0 + 8                                  # UTC -> WITA
    shape = 0.25 + np.exp(-((hour % 24 - 20.5) ** 2) / 8) + 0.7 * np.exp(-((hour % 24 - 12.5) ** 2) / 6)
    shape = shape / shape.reshape(-1, BPD).mean(axis=1).repeat(BPD) if n_bins % BPD == 0 else shape
    day = t // BPD
    week = 1 + 0.12 * np.isin(day % 7, [5, 6])
    trend = 1 + 0.3 * t / n_bins
    noise = rng.gamma(20, 1 / 20, size=day.max() + 1)[day]
    return daily / BPD * shape * week * trend * noise


def world(days: int, rng, daily=(2000, 600)) -> dict:
    """Counts per pair: volume and (issue x negative/toxic) splits, as dense arrays."""
    n = days * BPD
    out = {}
    for c, d in zip(("1", "2"), daily):
        lam = rhythm(n, d, rng)
        vol = rng.poisson(rng.gamma(8, lam / 8))                  # over-dispersed counts
        shares = rng.dirichlet(np.full(len(ISSUES), 2.0)) * 0.55
        iss = rng.multinomial(vol, list(shares) + [1 - shares.sum()])[:, :len(ISSUES)]
        neg_p = 0.25
        out[c] = {"volume": vol.astype(float), "negative": rng.binomial(vol, neg_p).astype(float),
                  "toxic": rng.binomial(vol, 0.02).astype(float),
                  "hoax": rng.binomial(vol, 0.0005).astype(float),
                  "issue": iss.astype(float),
                  "issue_neg": rng.binomial(iss, neg_p).astype(float)}
    return out


def inject(w: dict, cand: str, issue: int, start_min: float, size: int, speed, rng) -> tuple[float, float]:
    """Add ``size`` negative posts on (cand, issue) from ``start_min`` (minutes from the
    start); returns (onset minute of the first post, minute when 1 % of a day was reached)."""
    kind, hours = speed
    if kind == "uniform":
        offs = rng.uniform(0, hours * 60, size)
    else:
        offs = rng.gamma(1.5, hours * 60 / 1.5, size)
    t = np.sort(start_min + offs)
    b = (t // 15).astype(int)
    b = b[b < len(w[cand]["volume"])]
    for key in ("volume", "negative"):
        np.add.at(w[cand][key], b, 1)
    np.add.at(w[cand]["issue"][:, issue], b, 1)
    np.add.at(w[cand]["issue_neg"][:, issue], b, 1)
    day_vol = w[cand]["volume"].reshape(-1, BPD).sum(axis=1).mean()
    need = int(np.ceil(0.01 * day_vol))
    reach1 = t[need - 1] if len(t) >= need else np.inf
    return float(t[0]), float(reach1)


def tidy(w: dict) -> pd.DataFrame:
    """The long table `build_series` returns, from the dense arrays."""
    parts = []
    n = len(w["1"]["volume"])
    bins = np.arange(n)
    z = np.zeros(n)
    for c, d in w.items():
        parts.append(pd.DataFrame(dict(candidate=c, issue="", bin=bins, volume=d["volume"],
                                       negative=d["negative"], positive=z, toxic=d["toxic"],
                                       hoax=d["hoax"])))
        for i, name in enumerate(ISSUES):
            v = d["issue"][:, i]
            parts.append(pd.DataFrame(dict(candidate=c, issue=name, bin=bins, volume=v,
                                           negative=d["issue_neg"][:, i], positive=z, toxic=z, hoax=z)))
    for i, name in enumerate(ISSUES):
        v = sum(d["issue"][:, i] for d in w.values())
        ng = sum(d["issue_neg"][:, i] for d in w.values())
        parts.append(pd.DataFrame(dict(candidate="", issue=name, bin=bins, volume=v, negative=ng,
                                       positive=z, toxic=z, hoax=z)))
    df = pd.concat(parts, ignore_index=True)
    return df[(df["volume"] > 0) | (df["negative"] > 0) | (df["toxic"] > 0) | (df["hoax"] > 0)]


def incidents(w: dict, s: RadarSettings, start_bin: int) -> list[dict]:
    n = len(w["1"]["volume"])
    return _absorb(_merge(_episodes(tidy(w), 0, n, start_bin, s, first_bin=0)))


def part_a(s: RadarSettings, reps: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    days = 12
    rows = []
    t0 = time.perf_counter()
    for size in SIZES:
        for sp_name, sp in SPEEDS.items():
            for r in range(reps):
                w = world(days, rng)
                cand = str(rng.integers(1, 3))
                issue = int(rng.integers(0, len(ISSUES)))
                day_vol = w[cand]["volume"].reshape(-1, BPD).sum(axis=1).mean()
                start = (days - 2) * 1440 + rng.uniform(0, 1440)
                onset, reach1 = inject(w, cand, issue, start, max(int(np.ceil(size * day_vol)), 1), sp, rng)
                # an alert on the pair, the issue or both, detected after the first
                # crisis post (episodes, so one merged with an earlier alert still counts)
                lo, hi = onset / 15 - 1, onset / 15 + BPD
                found = [e for i in incidents(w, s, start_bin=(days - 3) * BPD) for e in i["episodes"]
                         if e["candidate"] in (cand, None) and e["issue"] in (ISSUES[issue], None)
                         and lo <= e["detected_bin"] <= hi]
                det = min(((e["detected_bin"] + 1) * 15 for e in found), default=None)
                delay = None if det is None else max(det - onset, 0.0)
                after1 = None if det is None or not np.isfinite(reach1) else max(det - reach1, 0.0)
                rows.append(dict(size=size, speed=sp_name, detected=det is not None, delay=delay,
                                 after1=after1))
    df = pd.DataFrame(rows)
    out = []
    for (size, speed), g in df.groupby(["size", "speed"], sort=False):
        d = g["delay"].dropna()
        a1 = g["after1"].dropna()
        out.append(dict(size=f"{size:.2%}", speed=speed, n=len(g), recall_24h=g["detected"].mean(),
                        recall_30min=(g["delay"].fillna(1e9) <= 30).mean(),
                        median_delay_min=float(d.median()) if len(d) else None,
                        median_after_1pct_min=float(a1.median()) if len(a1) else None))
    return {"table": pd.DataFrame(out), "seconds": time.perf_counter() - t0, "raw": df}


def false_alarms(s: RadarSettings, runs: int, seed: int, weeks: int = 3) -> dict:
    rng = np.random.default_rng(seed + 1000)
    days = 7 + weeks * 7
    n_alarms = 0
    per_type: dict[str, int] = {}
    for _ in range(runs):
        w = world(days, rng)
        inc = incidents(w, s, start_bin=7 * BPD)
        n_alarms += len(inc)
        for i in inc:
            k = f"{i['metric']}/{'pair' if i['candidate'] and not i['issue'] else 'issue' if not i['candidate'] else 'pair x issue'}"
            per_type[k] = per_type.get(k, 0) + 1
    pair_weeks = runs * 2 * weeks
    return {"alarms": n_alarms, "pair_weeks": pair_weeks, "per_pair_week": n_alarms / pair_weeks,
            "by_metric": per_type}


def explain(alerts: list[dict], evidence: dict, gt: Path) -> dict:
    """Sort alerts on crisis-free data by what the ground truth says happened then: a buzzer
    network operation (half the origin/amplifier accounts are network members), a hashtag
    drive or a live session of the same time, or nothing known (a false alarm)."""
    import json
    acc = pd.read_csv(gt / "accounts.csv")
    buz = set((acc["platform"] + ":" + acc["handle"].astype(str))[acc["is_buzzer"] == 1])
    events = [pd.Timestamp(t).tz_localize(None) for f in ("drives.csv", "live_sessions.csv")
              for t in pd.read_csv(gt / f)["start_utc"]]
    out: dict[str, int] = {}
    for a in alerts:
        tr = json.loads(evidence[a["id"]]).get("trace", {})
        accts = [x["account"] for x in tr.get("amplifiers", []) + tr.get("origin", [])]
        t = pd.Timestamp(a["detected_at"])
        if accts and sum(x in buz for x in accts) / len(accts) >= 0.5:
            k = "network operation"
        elif any(e - pd.Timedelta(hours=1) <= t <= e + pd.Timedelta(hours=6) for e in events):
            k = "drive or live session"
        else:
            k = "unexplained (false alarm)"
        out[k] = out.get(k, 0) + 1
    return out


def part_b(seed: int, scale) -> None:
    import suara
    from suara.detect.radar import list_alerts, run_radar
    from suara.sim import simulate
    for variant in ("plain", "calm"):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            summ = simulate(Path(tmp) / "sim", seed=seed, scale=scale, variant=variant)
            ws = suara.init(Path(tmp) / "ws")
            ws.ingest(sorted(str(Path(tmp) / "sim" / f) for f in summ["files"]))
            ws.enrich()
            t1 = time.perf_counter()
            run_radar(ws)
            t_radar = time.perf_counter() - t1
            alerts = list_alerts(ws, limit=None)
            anomalies = [a for a in alerts if a["kind"] == "anomaly"]
            gt = Path(tmp) / "sim" / "ground_truth"
            crises = pd.read_csv(gt / "crises.csv")
            t0, t9 = (pd.Timestamp(x).tz_localize(None) for x in summ["time_range"])
            weeks = (t9 - t0).total_seconds() / 86400 / 7
            print(f"\nsimulator variant={variant} scale={scale}: {summ['items']:,} items over "
                  f"{weeks:.1f} weeks, {len(anomalies)} anomaly + {len(alerts) - len(anomalies)} "
                  f"narrative alerts, radar {t_radar:.0f} s (total {time.perf_counter() - t:.0f} s)")
            for _, c in crises.iterrows():
                on = pd.Timestamp(c["onset_utc"]).tz_localize(None)
                hit = [a for a in alerts if a["candidate"] in (str(c["candidate"]), None)
                       and on - pd.Timedelta(minutes=15) <= pd.Timestamp(a["detected_at"]) <= on + pd.Timedelta(hours=24)]
                if hit:
                    first = min(hit, key=lambda a: a["detected_at"])
                    dly = (pd.Timestamp(first["detected_at"]) - on).total_seconds() / 60
                    print(f"  {c['crisis_id']:10s} {c['kind']:16s} pair {c['candidate']} posts {c['posts']:>5}: "
                          f"detected after {dly:.0f} min as {first['type']} ({first['severity']})")
                else:
                    print(f"  {c['crisis_id']:10s} {c['kind']:16s} pair {c['candidate']} posts {c['posts']:>5}: missed")
            if variant == "calm":
                ev = dict(ws.store.sql("SELECT alert_id, evidence FROM alerts").itertuples(index=False))
                why = explain(anomalies, ev, gt)
                fa = why.get("unexplained (false alarm)", 0)
                print(f"  anomaly alerts by cause: {why}; false alarms per pair per week: "
                      f"{fa / (len(ws.election.candidates) * weeks):.2f}")
            ws.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=8, help="runs per size x speed")
    ap.add_argument("--calm-runs", type=int, default=12, help="crisis-free runs (3 weeks each)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--z", type=float, default=None, help="override the z threshold")
    ap.add_argument("--sim", action="store_true", help="also run the campaign simulator end to end")
    ap.add_argument("--scale", default="small")
    a = ap.parse_args(argv)
    s = RadarSettings() if a.z is None else RadarSettings(z=a.z)
    pd.set_option("display.width", 160)
    print(f"Radar settings: z={s.z} windows={s.windows} min_count={s.min_count} "
          f"min_excess={s.min_excess} cusum=({s.cusum_k}, {s.cusum_h}) bins={s.bin_minutes} min")
    res = part_a(s, a.reps, a.seed)
    print(f"\nInjected crises (pairs with 2,000 and 600 posts/day; {a.reps} runs each; "
          f"{res['seconds']:.0f} s):")
    print(res["table"].to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    big = res["raw"][res["raw"]["size"] >= 0.01]
    d = big["delay"].dropna()
    print(f"\nCrises >= 1% of a day: recall {big['detected'].mean():.0%}, within 30 min of onset "
          f"{(big['delay'].fillna(1e9) <= 30).mean():.0%}, median delay {statistics.median(d):.0f} min, "
          f"median delay after reaching 1%: {big['after1'].dropna().median():.0f} min")
    fa = false_alarms(s, a.calm_runs, a.seed)
    print(f"\nCrisis-free: {fa['alarms']} alerts in {fa['pair_weeks']} pair-weeks = "
          f"{fa['per_pair_week']:.2f} false alarms per pair per week (by metric {fa['by_metric']})")
    if a.sim:
        part_b(a.seed, a.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
