"""What server-side sessions cost per request: the session check (a read of the `sessions`
and `users` rows, plus a write of last-seen at most once a minute) and the API-token check,
on a workspace store, from one thread.

    python bench/sessions.py [--n 2000]

Prints microseconds per check (p50, p95) for: session check, token check, login
(argon2id verify + session insert), logout.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import suara
from suara.store.users import Users


def _timed(fn, n: int) -> tuple[float, float]:
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t) * 1e6)
    xs.sort()
    return statistics.median(xs), xs[int(0.95 * (len(xs) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    a = ap.parse_args()
    ws = suara.init(tempfile.mkdtemp())
    u = Users(ws.store)
    u.add("rina", "s3cret-pass!", "analyst")
    for i in range(200):  # other users' sessions in the table
        u.add(f"user{i}", "s3cret-pass!", "viewer")
        u.create_session(f"user{i}")
    sid = u.create_session("rina")
    tok = u.create_token("bot", username="rina", role="viewer")
    rows = [("session check", lambda: u.session(sid)), ("token check", lambda: u.check_token(tok))]
    for name, fn in rows:
        p50, p95 = _timed(fn, a.n)
        print(f"{name:<15} p50 {p50:8.0f} µs   p95 {p95:8.0f} µs   ({a.n} calls)")
    p50, p95 = _timed(lambda: u.end_session(u.create_session("rina")), 50)
    print(f"{'login+logout':<15} p50 {p50:8.0f} µs   p95 {p95:8.0f} µs   (50 calls; without argon2)")
    p50, p95 = _timed(lambda: u.check_password("rina", "s3cret-pass!"), 20)
    print(f"{'argon2 verify':<15} p50 {p50:8.0f} µs   p95 {p95:8.0f} µs   (20 calls)")
    ws.close()


if __name__ == "__main__":
    main()
