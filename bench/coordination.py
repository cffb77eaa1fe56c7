"""Benchmark of coordination detection: quality on the simulator's ground truth, and time
and memory on a synthetic million-post workspace.

Usage::

    .venv/bin/python bench/coordination.py quality [--scale small|medium|N] [--variants plain,jitter,...]
    .venv/bin/python bench/coordination.py scale [--posts 1000000]
    .venv/bin/python bench/coordination.py worlds [--worlds easy,hard,cocomment,forward,organic]

Worlds builds the evaluation worlds of ``bench/coordination_worlds.py`` (independent of the
simulator, never imported by detector code), each with and without account metadata, and
prints account-level precision, recall and F1 with the one default configuration.

Quality prints, per variant: account-level precision, recall and F1 of flagged accounts
against ``ground_truth/accounts.csv`` (is_buzzer), how many true networks are recovered
(a true network counts as recovered when at least half of its members are flagged and most
of those share one detected cluster), and false positives per 1,000 organic accounts.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _truth(sim_dir: Path) -> pd.DataFrame:
    t = pd.read_csv(sim_dir / "ground_truth" / "accounts.csv", dtype=str)
    t["is_buzzer"] = t["is_buzzer"].astype(str).str.lower().isin(["1", "true", "yes"])
    return t


def evaluate(accounts: pd.DataFrame, truth: pd.DataFrame, present: pd.DataFrame | None = None) -> dict:
    """Precision/recall/F1 of ``flagged`` against ``is_buzzer`` and networks recovered.

    With ``present`` (platform, account_id of accounts that have posts in the workspace),
    only those accounts are scored: a buzzer whose platform export could not be imported
    is not something the detector could see.
    """
    if present is not None:
        truth = truth.merge(present, on=["platform", "account_id"])
    m = truth.merge(accounts[["platform", "account_id", "flagged", "cluster"]],
                    on=["platform", "account_id"], how="left")
    m["flagged"] = m["flagged"].fillna(False).astype(bool)
    tp = int((m.flagged & m.is_buzzer).sum())
    fp = int((m.flagged & ~m.is_buzzer).sum())
    fn = int((~m.flagged & m.is_buzzer).sum())
    prec = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    nets = m[m.is_buzzer].groupby("network_id")
    recovered = 0
    for _, g in nets:
        fl = g[g.flagged]
        if len(fl) >= len(g) / 2 and fl["cluster"].value_counts().iloc[0] >= len(fl) / 2:
            recovered += 1
    organic = int((~m.is_buzzer).sum())
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(prec, 3), "recall": round(rec, 3),
            "f1": round(f1, 3), "networks": nets.ngroups, "recovered": recovered,
            "fp_per_1k_organic": round(1000 * fp / max(organic, 1), 2)}


def quality(scale: str, variants: list[str], seed: int, window: int | None = None) -> None:
    import suara
    from suara.detect.coordination import detect_coordination
    from suara.sim import simulate

    print(f"scale={scale} seed={seed} window={window or 'estimated'}")
    print("scored over accounts with posts in the workspace; all-truth F1 counts buzzers whose "
          "export was not imported as misses")
    print("each variant with the simulated account metadata, then with it removed (-meta)")
    print(f"{'variant':<15}{'posts':>9}{'buzzers':>9}{'P':>7}{'R':>7}{'F1':>7}{'nets':>9}"
          f"{'FP/1k org':>11}{'secs':>7}")
    for v in variants:
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            simulate(d / "sim", seed=seed, scale=int(scale) if scale.isdigit() else scale, variant=v)
            ws = suara.init(d / "ws")
            ws.ingest([d / "sim"])
            truth = _truth(d / "sim")
            for meta in (True, False):
                if not meta:   # as tweet-harvest CSVs and comment exports: no ages, no reach
                    ws.store.execute("UPDATE accounts SET created_at = NULL, followers = NULL, "
                                     "following = NULL, verified = NULL")
                t = time.perf_counter()
                r = detect_coordination(ws, window=window, store=False)
                secs = time.perf_counter() - t
                seen = r.accounts[["platform", "account_id"]]
                e = evaluate(r.accounts, truth, seen)
                e_all = evaluate(r.accounts, truth)
                name = v + ("" if meta else " -meta")
                print(f"{name:<15}{r.stats['posts']:>9,}{e['tp'] + e['fn']:>9}{e['precision']:>7.3f}"
                      f"{e['recall']:>7.3f}{e['f1']:>7.3f}{e['recovered']:>5}/{e['networks']:<3}"
                      f"{e['fp_per_1k_organic']:>11.2f}{secs:>7.1f}  all-truth F1 {e_all['f1']:.3f} "
                      f"({e_all['tp'] + e_all['fn']} buzzers in truth)", flush=True)
            ws.close()


def synthetic_posts(n_posts: int, seed: int = 0, n_accounts: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A large organic-looking workspace with a few planted networks (for time and memory)."""
    rng = np.random.default_rng(seed)
    n_accounts = n_accounts or max(100, n_posts // 8)
    acc = np.array([f"u{i}" for i in range(n_accounts)])
    t0 = np.datetime64("2024-10-01T00:00:00")
    ts = t0 + rng.integers(0, 50 * 86400, n_posts).astype("timedelta64[s]")
    who = acc[rng.zipf(1.6, n_posts) % n_accounts]
    kind = rng.choice(["post", "share", "comment", "reply"], n_posts, p=[0.45, 0.3, 0.2, 0.05])
    n_targets = max(10, n_posts // 50)
    target = np.where(kind == "post", None, np.array([f"x{i}" for i in rng.zipf(1.3, n_posts) % n_targets], dtype=object))
    vocab = np.array([f"w{i}" for i in range(5000)])
    words = vocab[rng.integers(0, len(vocab), (n_posts, 10))]
    text = np.where(kind == "share", None, [" ".join(r) for r in words])
    tags = [[f"t{a}", f"t{b}"] if rng.random() < 0.3 else [] for a, b in rng.integers(0, 300, (n_posts, 2))]
    links = [[f"https://site{a % 200}.id/{a}"] if a % 5 == 0 else [] for a in rng.integers(0, 200000, n_posts)]
    posts = pd.DataFrame({"platform": "twitter", "post_id": [f"p{i}" for i in range(n_posts)], "account_id": who,
                          "created_at": ts, "kind": kind, "parent_id": target, "root_id": target, "text": text,
                          "hashtags": tags, "links": links, "mentions": [[] for _ in range(n_posts)]})
    accounts = pd.DataFrame({"platform": "twitter", "account_id": acc,
                             "created_at": t0 - rng.integers(0, 2000 * 86400, n_accounts).astype("timedelta64[s]"),
                             "followers": rng.lognormal(5, 2, n_accounts).astype(int)})
    return posts, accounts


def scale(n_posts: int) -> None:
    import suara
    from suara.detect.coordination import detect_coordination

    with tempfile.TemporaryDirectory() as d:
        ws = suara.init(Path(d) / "ws")
        t = time.perf_counter()
        posts, accounts = synthetic_posts(n_posts)
        for i in range(0, len(posts), 250_000):
            ws.store.upsert("posts", posts.iloc[i:i + 250_000])
        ws.store.upsert("accounts", accounts)
        del posts
        print(f"built {n_posts:,} posts in {time.perf_counter() - t:.1f}s", flush=True)
        t = time.perf_counter()
        r = detect_coordination(ws)
        secs = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"detect_coordination: {secs:.1f}s, peak RSS {rss:,.0f} MiB (process, includes the build), "
              f"{r.stats['traces']:,} traces, {r.stats['pairs_repeated']:,} repeated pairs, "
              f"{r.stats['edges']:,} edges, {r.stats['flagged']:,} flagged")
        print("timings:", r.stats["timings"], "windows:", r.windows)
        ws.close()


def worlds(names: list[str], seeds: list[int]) -> None:
    import suara
    from suara.detect.coordination import detect_coordination

    sys.path.insert(0, str(Path(__file__).parent))
    from coordination_worlds import build

    print("one default configuration for every world; account-level scores over accounts that posted")
    print(f"{'world':<11}{'meta':>5}{'seed':>5}{'posts':>9}{'accts':>7}{'truth':>6}{'flag':>6}{'P':>7}{'R':>7}"
          f"{'F1':>7}{'FP':>5}{'secs':>6}")
    for name in names:
        for meta in (False, True):
            for seed in seeds:
                posts, acc, truth = build(name, seed=seed, metadata=meta)
                with tempfile.TemporaryDirectory() as d:
                    ws = suara.init(Path(d) / "ws")
                    ws.store.upsert("posts", posts)
                    ws.store.upsert("accounts", acc)
                    t = time.perf_counter()
                    r = detect_coordination(ws, store=False)
                    secs = time.perf_counter() - t
                    a = r.accounts
                    fl = a["flagged"].astype(bool)
                    isb = a["account_id"].isin(truth)
                    tp, fp, fn = int((fl & isb).sum()), int((fl & ~isb).sum()), int((~fl & isb).sum())
                    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
                    rc = tp / (tp + fn) if tp + fn else 1.0
                    f1 = 2 * p * rc / (p + rc) if p + rc else (1.0 if not (tp + fp + fn) else 0.0)
                    print(f"{name:<11}{'yes' if meta else 'no':>5}{seed:>5}{len(posts):>9,}{len(a):>7,}"
                          f"{tp + fn:>6}{int(fl.sum()):>6}{p:>7.3f}{rc:>7.3f}{f1:>7.3f}{fp:>5}{secs:>6.1f}",
                          flush=True)
                    ws.close()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--scale", default="small")
    q.add_argument("--variants", default="plain,jitter,paraphrase,mixed,slow,hard,chants,organic")
    q.add_argument("--seed", type=int, default=7)
    q.add_argument("--window", type=int, default=None, help="fixed window in seconds")
    s = sub.add_parser("scale")
    s.add_argument("--posts", type=int, default=1_000_000)
    w = sub.add_parser("worlds")
    w.add_argument("--worlds", default="easy,hard,cocomment,forward,organic")
    w.add_argument("--seeds", default="1")
    a = ap.parse_args(argv)
    if a.cmd == "worlds":
        worlds(a.worlds.split(","), [int(x) for x in a.seeds.split(",")])
    elif a.cmd == "quality":
        quality(a.scale, a.variants.split(","), a.seed, a.window)
    else:
        scale(a.posts)


if __name__ == "__main__":
    sys.exit(main())
