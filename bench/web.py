"""Benchmark the web war room: p50/p95 latency of every page and JSON API endpoint, and
requests/s under concurrent load from a local load generator on loopback.

Usage::

    python bench/web.py --dir WORKSPACE                   # an existing workspace (e.g. the demo)
    python bench/web.py --dir /tmp/bm --scale medium      # builds the medium simulation when missing
    python bench/web.py --dir /tmp/bw --synthetic 500000  # synthetic store of N posts (no enrichment run)

The server runs in this process (uvicorn on a free 127.0.0.1 port, a real socket); requests
come from httpx clients logged in as an admin (who sees identities) and a viewer (who gets
pseudonymised data). Each endpoint is requested ``--n`` times after one warm-up request (the
analysis document is computed once at start-up and cached; pages are cached per data version).
Paging: the posts explorer is also asked for ``--n`` distinct pages of a filter (offsets 50,
100, ...), which no answer cache can serve, so the table shows what a new page costs.
Load: ``--workers`` threads loop over a mix of pages and API calls for ``--seconds``.
Prints the start-up analysis time, a latency table (ms) for one client, the same per page
under load (p50/p95 with ``--workers`` concurrent clients), the worst page of each and
requests/s with error counts.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

PAGES = ["/", "/kandidat", "/isu", "/wilayah", "/influencer", "/jaringan", "/radar", "/mobilisasi",
         "/posts", "/posts?candidate=1", "/posts?candidate=2&sentiment=negative", "/posts?q=banjir",
         "/posts?buzzer=only", "/posts?region=6472&platform=x", "/import", "/jaringan?graph=all"]
#: filters paged through (a new offset each request)
PAGING = ["/posts", "/posts?candidate=1", "/posts?candidate=2&sentiment=negative", "/api/v1/posts?candidate=1&buzzer=exclude"]
API = ["/api/v1/analysis", "/api/v1/analysis/share_of_voice", "/api/v1/analysis/share_of_voice.csv",
       "/api/v1/posts", "/api/v1/posts?candidate=1&buzzer=exclude", "/api/v1/posts.csv?limit=200",
       "/api/v1/alerts", "/api/v1/cases", "/api/v1/jobs", "/api/v1/issues", "/api/v1/network",
       "/api/v1/network.csv", "/api/v1/election", "/api/v1/openapi.json", "/api/v1/network?scope=all",
       "/api/v1/network.gexf?scope=all", "/api/v1/network/edges.csv?scope=all", "/static/plotly.min.js"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _client(base: str, user: str, pw: str):
    import re

    import httpx
    c = httpx.Client(base_url=base, timeout=120, follow_redirects=True)
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"})
    if "/login" in str(r.url):
        raise SystemExit(f"login as {user} failed")
    return c


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, required=True, help="workspace (built when missing with --scale/--synthetic)")
    ap.add_argument("--scale", help="simulate this scale into --dir when it is not a workspace yet")
    ap.add_argument("--synthetic", type=int, help="write a synthetic store of N posts into --dir when missing")
    ap.add_argument("--n", type=int, default=20, help="requests per endpoint (default 20)")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args(argv)

    import uvicorn

    sys.path.insert(0, str(Path(__file__).parent))
    if not (a.dir / "suara.duckdb").exists():
        from analyse import build, build_synthetic  # the analysis benchmark's builders
        t = time.perf_counter()
        if a.synthetic:
            build_synthetic(a.dir, a.synthetic, 7)
        elif a.scale:
            build(a.dir, a.scale, 7)
        else:
            raise SystemExit(f"{a.dir} is not a workspace; pass --scale or --synthetic to build one")
        print(f"build        {time.perf_counter() - t:8.1f} s", flush=True)

    import suara
    from suara.serve.app import create_app
    from suara.serve.auth import add_user
    ws = suara.open(a.dir)
    add_user(ws.store, "bench-admin", "bench-admin-pass", "admin", actor="bench")
    add_user(ws.store, "bench-viewer", "bench-viewer-pass", "viewer", actor="bench")
    posts = ws.store.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    ws.close()
    print(f"workspace {a.dir}: {posts:,} posts", flush=True)

    app = create_app(a.dir)
    # the bench's clients are load generators, not people: a session's per-minute limit (600)
    # would answer 429 to the single-client table once pages get fast enough
    from suara.serve.auth import RateLimiter
    app.state.web.session_limiter = RateLimiter(limit=10**9, window=60)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    t = time.perf_counter()
    app.state.cache.get()
    print(f"analysis at start-up (cached afterwards): {time.perf_counter() - t:.1f} s", flush=True)
    admin = _client(base, "bench-admin", "bench-admin-pass")
    viewer = _client(base, "bench-viewer", "bench-viewer-pass")

    print(f"\n{'endpoint':48s} {'who':6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'first ms':>9s} {'KB':>7s}")
    worst = 0.0
    for who, c in (("admin", admin), ("viewer", viewer)):
        for path in PAGES + API:
            if who == "viewer" and (path.startswith("/import") or path.startswith("/api/v1/jobs")):
                continue
            t0 = time.perf_counter()
            r = c.get(path)
            first = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                print(f"{path:48s} {who:6s} HTTP {r.status_code}")
                continue
            times = []
            for _ in range(a.n):
                t0 = time.perf_counter()
                r = c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            p95 = _pct(times, 0.95)
            if not path.startswith("/api"):
                worst = max(worst, p95)
            print(f"{path:48s} {who:6s} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f} "
                  f"{first:9.1f} {len(r.content) / 1024:7.1f}", flush=True)
    print(f"\nworst page p95, 1 client: {worst:.1f} ms (target < 300 ms)")

    print(f"\n{'explorer paging (a new page each request)':48s} {'who':6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for who, c in (("admin", admin), ("viewer", viewer)):
        for path in PAGING:
            times = []
            for i in range(1, a.n + 1):
                t0 = time.perf_counter()
                r = c.get(f"{path}{'&' if '?' in path else '?'}offset={50 * i + (7 if who == 'viewer' else 0)}")
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    print(f"{path:48s} {who:6s} HTTP {r.status_code}")
                    break
            else:
                print(f"{path:48s} {who:6s} {statistics.median(times):8.1f} {_pct(times, 0.95):8.1f} "
                      f"{max(times):8.1f}", flush=True)

    mix = ["/", "/kandidat", "/isu", "/wilayah", "/jaringan", "/posts", "/posts?candidate=1",
           "/posts?candidate=2&sentiment=negative", "/api/v1/alerts",
           "/api/v1/posts", "/api/v1/analysis/share_of_voice", "/radar"]
    counts = {"ok": 0, "err": 0}
    lat: list[float] = []
    per: dict[str, list[float]] = {p: [] for p in mix}
    lk = threading.Lock()
    stop = time.perf_counter() + a.seconds

    def worker(i: int) -> None:
        c = _client(base, "bench-viewer" if i % 2 else "bench-admin",
                    "bench-viewer-pass" if i % 2 else "bench-admin-pass")
        k = i
        while time.perf_counter() < stop:
            path = mix[k % len(mix)]
            k += 1
            t0 = time.perf_counter()
            try:
                ok = c.get(path).status_code == 200
            except Exception:  # noqa: BLE001 - counted as an error
                ok = False
            dt_ms = (time.perf_counter() - t0) * 1000
            with lk:
                counts["ok" if ok else "err"] += 1
                lat.append(dt_ms)
                per[path].append(dt_ms)

    t0 = time.perf_counter()
    ths = [threading.Thread(target=worker, args=(i,)) for i in range(a.workers)]
    for x in ths:
        x.start()
    for x in ths:
        x.join()
    el = time.perf_counter() - t0
    print(f"\nload: {a.workers} concurrent clients, {el:.1f} s, {counts['ok']:,} ok, {counts['err']:,} errors, "
          f"{counts['ok'] / el:.1f} requests/s, p50 {statistics.median(lat):.1f} ms, p95 {_pct(lat, 0.95):.1f} ms")
    print(f"\n{'endpoint (under load)':48s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    worst_load = 0.0
    for path in mix:
        xs = per[path]
        if not xs:
            continue
        if not path.startswith("/api"):
            worst_load = max(worst_load, _pct(xs, 0.95))
        print(f"{path:48s} {len(xs):6d} {statistics.median(xs):8.1f} {_pct(xs, 0.95):8.1f} {max(xs):8.1f}")
    print(f"\nworst page p95, {a.workers} clients: {worst_load:.1f} ms (target < 300 ms)")
    server.should_exit = True
    th.join(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
