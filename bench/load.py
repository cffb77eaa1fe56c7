"""Load test of `suara serve` on 127.0.0.1: requests/s and p50/p95/p99 per endpoint at 10, 50
and 200 concurrent users, error rate, and the server's memory over a soak.

Usage::

    python bench/load.py --dir /tmp/medium --build           # builds the medium simulation first
    python bench/load.py --dir WORKSPACE --users 10 50 200 --seconds 20 --soak 90
    python bench/load.py --dir WORKSPACE --users 50 --seconds 0 --soak 600   # the 10-minute soak

The server is the real CLI (``python -m suara serve``) in a subprocess on a free loopback
port. Virtual users are asyncio tasks with httpx clients; each has its own API token (the
server allows 600 requests a minute per token) or shares one of two logged-in browser
sessions (admin, who sees identities, and viewer, who gets pseudonyms) for HTML pages. A
user sends its next request as soon as the previous one is answered (closed loop, no think
time), so the figures are the server's capacity on this machine, not a traffic forecast.
Every level is bounded by ``--seconds`` and ``--max-requests``; a request taking longer than
``--timeout`` counts as an error. Memory is the resident set of the server process, sampled
every second.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

PY = sys.executable
#: (path, weight, auth): "token" = bearer API token, "session" = a logged-in browser session
MIX = [
    ("/api/v1/posts", 3, "token"),
    ("/api/v1/posts?candidate=1&buzzer=exclude", 2, "token"),
    ("/api/v1/posts?q=banjir", 1, "token"),
    ("/api/v1/posts.csv?limit=200", 1, "token"),
    ("/api/v1/analysis/share_of_voice", 2, "token"),
    ("/api/v1/alerts", 1, "token"),
    ("/api/v1/issues", 1, "token"),
    ("/api/v1/network", 1, "token"),
    ("/", 2, "session"),
    ("/posts?candidate=2&sentiment=negative", 1, "session"),
    ("/radar", 1, "session"),
    ("/healthz", 1, "none"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs: list[float], q: float) -> float:
    """Nearest-rank percentile of ``xs`` (``q`` in 0..1).

    >>> pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)
    10
    """
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(q * len(xs) + 0.5)) - 1))]


def build(ws: Path, scale: str) -> None:
    """Simulate, ingest, enrich and analyse (``suara demo``) into ``ws``."""
    t0 = time.time()
    subprocess.run([PY, "-m", "suara", "demo", "--scale", scale, "--dir", str(ws)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"built the {scale} simulation in {time.time() - t0:.0f} s")


def prepare_auth(ws: Path, n_tokens: int) -> list[str]:
    """Users admin/viewer and ``n_tokens`` API tokens (created before the server takes the store)."""
    import suara
    from suara.serve.auth import add_user, create_token
    w = suara.open(ws)
    add_user(w.store, "loadadmin", "load-admin-pass", "admin", actor="bench")
    add_user(w.store, "loadviewer", "load-viewer-pass", "viewer", actor="bench")
    toks = [create_token(w.store, f"load-{i}", role="admin" if i % 2 else "viewer") for i in range(n_tokens)]
    w.close()
    return toks


def start_server(ws: Path) -> tuple[subprocess.Popen, str, float]:
    port = _free_port()
    t0 = time.time()
    p = subprocess.Popen([PY, "-m", "suara", "serve", "-w", str(ws), "--port", str(port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if p.poll() is not None:
            raise SystemExit(f"server did not start: {p.stderr.read()[-2000:]}")
        time.sleep(0.2)
    return p, base, time.time() - t0


def login_cookies(base: str, user: str, pw: str) -> dict:
    with httpx.Client(base_url=base, timeout=300, follow_redirects=True) as c:
        csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"})
        if "/login" in str(r.url):
            raise SystemExit(f"login as {user} failed")
        return dict(c.cookies)


class Memory:
    """Samples the server's resident set size once a second while running."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.samples: list[tuple[float, float]] = []
        self._task = None

    async def _run(self):
        t0 = time.time()
        while True:
            try:
                rss = self.proc.memory_info().rss + sum(c.memory_info().rss for c in self.proc.children(True))
            except psutil.Error:
                return
            self.samples.append((time.time() - t0, rss / 2**20))
            await asyncio.sleep(1)

    def __enter__(self):
        self._task = asyncio.ensure_future(self._run())
        return self

    def __exit__(self, *exc):
        self._task.cancel()


async def level(base: str, users: int, seconds: float, max_requests: int, timeout: float,
                tokens: list[str], cookies: list[dict], seed: int = 0) -> dict:
    """Run ``users`` closed-loop virtual users for ``seconds``; returns per-endpoint samples."""
    rnd = random.Random(seed)
    paths = [m for m in MIX for _ in range(m[1])]
    stats: dict[str, list] = {m[0]: [] for m in MIX}
    errors: dict[str, int] = {m[0]: 0 for m in MIX}
    codes: dict[int, int] = {}
    sent = 0
    stop = time.time() + seconds
    limits = httpx.Limits(max_connections=users + 5, max_keepalive_connections=users + 5)

    async def user(k: int):
        nonlocal sent
        ck = cookies[k % len(cookies)]
        async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits, cookies=ck,
                                     headers={"Authorization": f"Bearer {tokens[k % len(tokens)]}"}) as tc, \
                httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits, cookies=ck) as sc:
            r2 = random.Random(rnd.random())
            while time.time() < stop and sent < max_requests:
                path, _, auth = r2.choice(paths)
                sent += 1
                t0 = time.perf_counter()
                try:
                    r = await (tc if auth == "token" else sc).get(path)
                    dt = (time.perf_counter() - t0) * 1000
                    codes[r.status_code] = codes.get(r.status_code, 0) + 1
                    if r.status_code >= 400:
                        errors[path] += 1
                    else:
                        stats[path].append(dt)
                except httpx.HTTPError:
                    errors[path] += 1
                    codes[0] = codes.get(0, 0) + 1

    t0 = time.time()
    await asyncio.gather(*(user(k) for k in range(users)))
    wall = time.time() - t0
    return {"users": users, "wall": wall, "stats": stats, "errors": errors, "codes": codes}


def report(res: dict) -> str:
    lines = []
    total = sum(len(v) for v in res["stats"].values())
    errs = sum(res["errors"].values())
    lines.append(f"\n== {res['users']} concurrent users, {res['wall']:.1f} s: {total + errs:,} requests, "
                 f"{(total + errs) / res['wall']:.1f} req/s, errors {errs:,} "
                 f"({100 * errs / max(1, total + errs):.2f} %), status codes {dict(sorted(res['codes'].items()))}")
    lines.append(f"{'endpoint':44s} {'n':>6s} {'req/s':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'err':>5s}")
    for path, xs in res["stats"].items():
        if not xs and not res["errors"][path]:
            continue
        p = [f"{pct(xs, q):8.0f}" if xs else f"{'-':>8s}" for q in (0.5, 0.95, 0.99)]
        lines.append(f"{path[:44]:44s} {len(xs):6d} {len(xs) / res['wall']:6.1f} {' '.join(p)} "
                     f"{res['errors'][path]:5d}")
    allx = [x for xs in res["stats"].values() for x in xs]
    if allx:
        lines.append(f"{'all':44s} {len(allx):6d} {len(allx) / res['wall']:6.1f} "
                     f"{pct(allx, .5):8.0f} {pct(allx, .95):8.0f} {pct(allx, .99):8.0f} {errs:5d}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, required=True, help="workspace (built with --build when missing)")
    ap.add_argument("--build", action="store_true", help="run `suara demo --scale SCALE` into --dir first")
    ap.add_argument("--scale", default="medium")
    ap.add_argument("--users", type=int, nargs="+", default=[10, 50, 200])
    ap.add_argument("--seconds", type=float, default=20.0, help="per concurrency level")
    ap.add_argument("--soak", type=float, default=90.0, help="soak seconds at --soak-users (0: none)")
    ap.add_argument("--soak-users", type=int, default=50)
    ap.add_argument("--max-requests", type=int, default=50_000, help="cap per level")
    ap.add_argument("--timeout", type=float, default=60.0)
    a = ap.parse_args(argv)
    if a.build and not (a.dir / "suara.duckdb").exists():
        build(a.dir, a.scale)
    if not (a.dir / "suara.duckdb").exists():
        raise SystemExit(f"{a.dir}: no workspace (use --build)")
    import duckdb
    con = duckdb.connect(str(a.dir / "suara.duckdb"), read_only=True)
    n_posts, n_acc = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("posts", "accounts"))
    con.close()
    tokens = prepare_auth(a.dir, max(a.users + [a.soak_users]))
    proc, base, startup = start_server(a.dir)
    try:
        print(f"workspace {a.dir}: {n_posts:,} posts, {n_acc:,} accounts; server up in {startup:.1f} s "
              f"(pid {proc.pid}, {os.cpu_count()} CPUs)")
        t0 = time.time()
        cookies = [login_cookies(base, "loadadmin", "load-admin-pass"),
                   login_cookies(base, "loadviewer", "load-viewer-pass")]
        with httpx.Client(base_url=base, timeout=600, headers={"Authorization": f"Bearer {tokens[0]}"}) as c:
            c.get("/api/v1/analysis/share_of_voice").raise_for_status()   # the analysis, cached after this
        print(f"first analysis (then cached): {time.time() - t0:.1f} s")

        async def run_all():
            out = []
            mem = Memory(proc.pid)
            with mem:
                for u in a.users:
                    if a.seconds > 0:
                        res = await level(base, u, a.seconds, a.max_requests, a.timeout, tokens, cookies, seed=u)
                        print(report(res), flush=True)
                        out.append(res)
                if a.soak > 0:
                    before = len(mem.samples)
                    res = await level(base, a.soak_users, a.soak, 10**9, a.timeout, tokens, cookies, seed=99)
                    soak = mem.samples[before:]
                    print(report(res).replace("==", "== soak:", 1))
                    if soak:
                        rss = [m for _, m in soak]
                        n = max(1, len(rss) // 10)
                        first, last = statistics.mean(rss[:n]), statistics.mean(rss[-n:])
                        mins = (soak[-1][0] - soak[0][0]) / 60 or 1
                        print(f"server memory over the {a.soak:.0f} s soak: start {rss[0]:.0f} MB, end {rss[-1]:.0f} MB, "
                              f"max {max(rss):.0f} MB, drift {(last - first) / mins:+.1f} MB/min "
                              f"(first vs last tenth)")
            if mem.samples:
                print(f"server memory over the whole run: min {min(m for _, m in mem.samples):.0f} MB, "
                      f"max {max(m for _, m in mem.samples):.0f} MB")
            return out
        asyncio.run(run_all())
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
