"""The web app under hostile use and concurrency: a running server owns the store (a CLI
import gets a clear message and the upload route is the way in), concurrent uploads and
reads leave the store consistent, login and API tokens are rate limited (also against
token guessing), no endpoint returns an unbounded scan, hostile query parameters never
cause a server error, and secrets (API tokens, webhook URLs, pull tokens) appear in no
output, log, table or file."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

import suara
from suara.serve.app import create_app
from suara.serve.auth import add_user, create_token
from test_serve import app_ws, login  # noqa: F401 - shared fixture with hostile data

PY = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _posts_file(path: Path, start: int, n: int, platform: str = "x") -> Path:
    rows = [{"suara_type": "post", "platform": platform, "post_id": f"p{i}", "text": f"Gratispol mantap {i}",
             "created_at": "2024-11-01T02:00:00Z", "likes": i,
             "author": {"account_id": f"a{i % 50}", "handle": f"warga{i % 50}"}} for i in range(start, start + n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def server(tmp_path):
    """A real `suara serve` subprocess on a free loopback port with an admin API token."""
    ws = suara.init(tmp_path / "ws")
    tok = create_token(ws.store, "loadbot", role="admin")
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    ws.close()
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    p = subprocess.Popen([PY, "-m", "suara", "serve", "-w", str(tmp_path / "ws"), "--port", str(port)],
                         stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if p.poll() is not None:
            raise RuntimeError((tmp_path / "server.log").read_text())
        time.sleep(0.1)
    yield {"base": base, "token": tok, "ws": tmp_path / "ws", "proc": p, "log": tmp_path / "server.log"}
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    log.close()


def _wait_job(c: httpx.Client, job: str, timeout: float = 120) -> dict:
    t0 = time.time()
    while time.time() - t0 < timeout:
        j = c.get(f"/api/v1/jobs/{job}").json()
        if j["status"] in ("done", "failed"):
            return j
        time.sleep(0.2)
    raise AssertionError(f"job {job} did not finish")


def test_hardening_web_and_cli_import_at_the_same_time(server, tmp_path):
    f = _posts_file(tmp_path / "a.jsonl", 0, 300)
    # the CLI cannot take the store from the running server: one clear line, no traceback
    r = subprocess.run([PY, "-m", "suara", "ingest", str(f), "-w", str(server["ws"])],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    msg = r.stdout + r.stderr
    assert "in use by another Suara process" in msg and "Import page" in msg
    assert "Traceback" not in msg
    # the server's upload route is the way in, and it runs as a job the server owns
    h = {"Authorization": f"Bearer {server['token']}"}
    with httpx.Client(base_url=server["base"], headers=h, timeout=60) as c:
        job = c.post("/api/v1/imports", files={"files": ("a.jsonl", f.read_bytes())}).json()["job_id"]
        assert _wait_job(c, job)["status"] == "done"
        assert c.get("/api/v1/posts?limit=1").json()["total"] == 300


def test_hardening_web_concurrent_uploads_and_reads_leave_store_consistent(server, tmp_path):
    h = {"Authorization": f"Bearer {server['token']}"}
    files = [_posts_file(tmp_path / f"f{k}.jsonl", k * 150, 200) for k in range(6)]   # overlapping ids
    errors: list = []
    jobs: list = []

    def upload(f):
        try:
            with httpx.Client(base_url=server["base"], headers=h, timeout=120) as c:
                r = c.post("/api/v1/imports", files={"files": (f.name, f.read_bytes())})
                r.raise_for_status()
                jobs.append(r.json()["job_id"])
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    def read():
        try:
            with httpx.Client(base_url=server["base"], headers=h, timeout=120) as c:
                for path in ("/api/v1/posts?limit=200", "/api/v1/alerts", "/api/v1/jobs", "/api/v1/posts.csv"):
                    r = c.get(path)
                    assert r.status_code == 200, (path, r.status_code, r.text[:200])
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    ts = [threading.Thread(target=upload, args=(f,)) for f in files] + [threading.Thread(target=read) for _ in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors
    with httpx.Client(base_url=server["base"], headers=h, timeout=60) as c:
        for j in jobs:
            assert _wait_job(c, j)["status"] == "done"
        assert c.get("/api/v1/posts?limit=1").json()["total"] == 5 * 150 + 200
    # stop the server, then check the store from outside
    server["proc"].send_signal(signal.SIGINT)
    server["proc"].wait(timeout=30)
    ws = suara.open(server["ws"])
    s = ws.store
    assert s.count("posts") == 950 and s.count("imports") == 6
    assert s.sql("SELECT count(*) AS n FROM (SELECT platform, post_id FROM posts GROUP BY ALL HAVING count(*) > 1)").n[0] == 0
    # likes keep the greatest value seen: p150..p199 came in twice
    assert s.sql("SELECT likes FROM posts WHERE post_id = 'p180'").likes[0] == 180
    ws.close()


def test_hardening_web_upload_zip_with_traversal_members(app_ws, tmp_path):
    c, app = app_ws
    tok = create_token(app.state.ws.store, "up", role="analyst")
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../../../tmp/escape.jsonl", json.dumps({"suara_type": "post", "platform": "x", "post_id": "e1"}) + "\n")
        zf.writestr("ok.jsonl", json.dumps({"suara_type": "post", "platform": "x", "post_id": "k1", "text": "ok"}) + "\n")
    r = c.post("/api/v1/imports", headers={"Authorization": f"Bearer {tok}"},
               files={"files": ("../../evil name;rm -rf.zip", z.read_bytes())})
    job = r.json()["job_id"]
    for _ in range(200):
        j = c.get(f"/api/v1/jobs/{job}", headers={"Authorization": f"Bearer {tok}"}).json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert j["status"] == "done" and "path traversal" in j["message"]
    ups = list((app.state.ws.path / "uploads").iterdir())
    assert ups and all(p.parent.name == "uploads" and "/" not in p.name and ";" not in p.name for p in ups)
    ids = set(app.state.ws.store.sql("SELECT post_id FROM posts").post_id)
    assert "k1" in ids and "e1" not in ids


# ----------------------------------------------------------------------------- limits
def test_hardening_web_api_token_rate_limited(app_ws):
    c, app = app_ws
    tok = create_token(app.state.ws.store, "busy", role="viewer")
    h = {"Authorization": f"Bearer {tok}"}
    codes = [c.get("/api/v1/election", headers=h).status_code for _ in range(605)]
    assert codes[:600] == [200] * 600 and codes[-1] == 429


def test_hardening_web_token_guessing_is_rate_limited(app_ws):
    """Each guessed token used to get its own rate-limit bucket, so guessing was unlimited;
    failed tokens are now counted per client and blocked after 20 a minute."""
    c, app = app_ws
    codes = [c.get("/api/v1/election", headers={"Authorization": f"Bearer sua_guess{i:06d}xxxx"}).status_code
             for i in range(40)]
    assert codes[:20] == [401] * 20 and set(codes[21:]) == {429}
    # a valid token from the same client is blocked too while the block lasts
    tok = create_token(app.state.ws.store, "late", role="viewer")
    assert c.get("/api/v1/election", headers={"Authorization": f"Bearer {tok}"}).status_code == 429


HOSTILE_PARAMS = ["limit=1000000000", "limit=-5", "offset=-9", "offset=99999999999", "since=not-a-date",
                  "until=2024-13-45", "q=%25%25%25", "q=" + "a" * 5000, "candidate=%27%20OR%201%3D1--",
                  "buzzer=only&region=9999", "platform=x&sentiment=%00", "part=x&sub=y", "account=warga-zzzzzz"]


def test_hardening_web_no_endpoint_scans_without_limit_or_errors(app_ws):
    _, app = app_ws
    c = TestClient(app, raise_server_exceptions=False)   # a 500 is an answer here, not a test error
    login(c, "admin", "admin-pass-123")
    # more posts than one page: the cap must hold
    ws = app.state.ws
    import pandas as pd
    ws.store.append("posts", pd.DataFrame([{"platform": "x", "post_id": f"bulk{i}", "text": "bulk",
                                             "created_at": pd.Timestamp("2024-11-05")} for i in range(450)]))
    app.state.cache.invalidate()
    spec = c.get("/api/v1/openapi.json").json()["paths"]
    gets = sorted(p for p, ops in spec.items() if "get" in ops and "{" not in p)
    assert "/api/v1/posts" in gets and len(gets) >= 10
    five_hundred = []
    stored_posts = int(app.state.ws.store.sql("SELECT count(*) AS n FROM posts").n.iloc[0])
    for path in gets:
        for qs in HOSTILE_PARAMS:
            r = c.get(f"{path}?{qs}")
            if r.status_code >= 500:
                five_hundred.append((path, qs, r.status_code))
            if path == "/api/v1/posts" and r.status_code == 200:
                assert len(r.json()["posts"]) <= 200
            if path == "/api/v1/posts.csv" and r.status_code == 200:
                # the export streams every matching row by design, never more than the store holds
                assert r.text.count("\n") <= 1 + stored_posts
            if path in ("/api/v1/alerts", "/api/v1/cases", "/api/v1/jobs") and r.status_code == 200:
                assert len(next(iter(r.json().values()))) <= 200
    assert not five_hundred, five_hundred
    # garbage dates in the posts explorer (API, CSV and page) are a 400 naming the field
    for path in ("/api/v1/posts", "/api/v1/posts.csv", "/posts"):
        for qs, field in (("since=not-a-date", "since"), ("until=2024-13-45", "until")):
            r = c.get(f"{path}?{qs}")
            assert r.status_code == 400, (path, qs, r.status_code)
            # the API answers JSON, the page a short HTML error page; both name the field
            assert field in (r.json()["detail"] if path.startswith("/api/") else r.text)


# ----------------------------------------------------------------------------- secrets
CANARY_HOOK = "https://127.0.0.1:9/services/T0SECRET/B0SECRET/hooksecretCANARY42"
CANARY_TG = "https://127.0.0.1:9/bot987654:TELEGRAMsecretCANARY/sendMessage"
CANARY_PULL = "pulltoken-CANARY-0123456789"


def _store_dump(ws_dir: Path) -> str:
    import duckdb
    con = duckdb.connect(str(ws_dir / "suara.duckdb"), read_only=True)
    out = []
    for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        for row in con.execute(f'SELECT * FROM "{t}"').fetchall():
            out.append(repr(row))
    con.close()
    return "\n".join(out)


def test_hardening_secrets_never_printed_logged_or_stored(tmp_path, monkeypatch):
    import yaml
    ws = suara.init(tmp_path / "ws")
    cfg = yaml.safe_load((ws.path / "suara.yaml").read_text())
    ws.close()
    cfg["webhooks"] = [{"url": CANARY_HOOK, "kind": "slack"},
                       {"url": CANARY_TG, "kind": "telegram", "chat_id": "-100123"}]
    (tmp_path / "ws" / "suara.yaml").write_text(yaml.safe_dump(cfg))
    env = dict(os.environ, SUARA_X_BEARER=CANARY_PULL, SUARA_X_API="http://127.0.0.1:9",
               SUARA_PULL_BACKOFF="0", SUARA_WEBHOOK_BACKOFF="0")
    outputs = []

    def cli(*args, stdin=None):
        r = subprocess.run([PY, "-m", "suara", *args], capture_output=True, text=True, timeout=300,
                           env=env, input=stdin)
        outputs.append(f"$ suara {' '.join(args)}\n{r.stdout}\n{r.stderr}")
        return r

    w = ["-w", str(tmp_path / "ws")]
    # webhook delivery in this process (no retry waits), with every log record captured
    import logging

    from typer.testing import CliRunner

    from suara.alert import webhook
    from suara.cli import app as cli_app
    orig = webhook.post_json
    monkeypatch.setattr(webhook, "post_json", lambda url, body, **kw: orig(url, body, **{**kw, "retries": 0,
                                                                                       "timeout": 1}))
    records: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, rec):
            records.append(self.format(rec))
    root = logging.getLogger()
    h = _Keep(level=logging.DEBUG)
    root.addHandler(h)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        from test_radar_world import load_world, world_frames
        ws = suara.open(tmp_path / "ws")
        load_world(ws, world_frames())
        ws.close()
        for args in (["alert", "test", *w], ["alert", "deliver", *w]):
            r = CliRunner().invoke(cli_app, args)
            outputs.append(f"$ suara {' '.join(args)}\n{r.output}\n{r.exception!r}")
    finally:
        root.removeHandler(h)
        root.setLevel(old_level)
    import gc
    r = None       # its traceback holds the command's open workspace
    gc.collect()   # the in-process commands leave their workspace to the garbage collector
    outputs.extend(records)
    cli("pull", "x", "pilgub kaltim", "--since", "2024-11-01", "--until", "2024-11-02", "-o", str(tmp_path / "pulled"), *w)
    r = cli("token", "create", "bot", "--role", "viewer", *w)
    api_token = r.stdout.strip().splitlines()[-1]
    assert api_token.startswith("sua_")          # printed once, on purpose, to its creator
    outputs.pop()                                # ... so that output is not searched
    cli("user", "add", "ana", "--role", "analyst", "--password-stdin", *w, stdin="pw-CANARY-secret-77\n")
    # the server: log in, use the token, fail logins
    port = _free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as lf:
        p = subprocess.Popen([PY, "-m", "suara", "serve", *w, "--port", str(port)], stdout=lf,
                             stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=60) as c:
            c.get("/api/v1/election", headers={"Authorization": f"Bearer {api_token}"})
            c.get("/api/v1/election", headers={"Authorization": f"Bearer {api_token}x"})
            login(c, "ana", "pw-CANARY-secret-77")
            login(c, "ana", "wrong-CANARY-password")
        p.send_signal(signal.SIGINT)
        p.wait(timeout=30)
    texts = outputs + [log.read_text(), _store_dump(tmp_path / "ws")]
    texts += [f.read_text(errors="replace") for f in (tmp_path / "pulled").rglob("*") if f.is_file()] \
        if (tmp_path / "pulled").exists() else []
    texts += [f.read_text(errors="replace") for f in (tmp_path / "ws").rglob("*")
              if f.is_file() and f.suffix not in (".duckdb", ".wal") and f.name not in ("suara.yaml", ".secret")]
    blob = "\n".join(texts)
    for secret in ("hooksecretCANARY42", "T0SECRET", "TELEGRAMsecretCANARY", CANARY_PULL, api_token,
                   "pw-CANARY-secret-77", "wrong-CANARY-password"):
        assert secret not in blob, f"secret {secret!r} leaked:\n" + next(t for t in texts if secret in t)[-3000:]
    # ... while the commands did run and report their failures (masked)
    assert "…" in blob and "failed" in blob.lower()


# ----------------------------------------------------------------------------- throughput
def test_hardening_web_reads_do_not_wait_for_the_store_lock(app_ws):
    """Reads run on per-thread cursors: while a write holds the store lock (a long import
    step), the posts explorer, alerts, cases and /healthz still answer."""
    _, app = app_ws
    c = TestClient(app)
    assert login(c, "admin", "admin-pass-123").status_code == 303
    tok = create_token(app.state.ws.store, "reader", role="viewer")
    assert c.get("/api/v1/posts?q=Gratispol").json()["total"] == 1   # compiles the filter's SQL
    lock = app.state.ws.store._lock
    held, release = threading.Event(), threading.Event()

    def hold():
        with lock:
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert held.wait(10)
    results: dict[str, int] = {}
    paths = ["/api/v1/posts?q=Gratispol", "/api/v1/posts?q=Gratispol&offset=1", "/api/v1/alerts",
             "/api/v1/cases", "/healthz"]

    def get(path):
        results[path] = c.get(path).status_code
    try:
        t0 = time.monotonic()
        threads = [threading.Thread(target=get, args=(p,), daemon=True) for p in paths]
        threads.append(threading.Thread(target=lambda: results.__setitem__(
            "token", c.get("/api/v1/alerts", headers={"Authorization": f"Bearer {tok}"}).status_code),
            daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.1, 20 - (time.monotonic() - t0)))
        answered = dict(results)   # before the lock is released
    finally:
        release.set()
        holder.join(10)
    assert answered == {**{p: 200 for p in paths}, "token": 200}, answered


def test_hardening_web_posts_total_counted_once_per_filter_until_data_changes(app_ws, monkeypatch):
    """Paging through a filter does not recount (re-read the order of) the matching posts on
    every page; a change of the data (here an insert) reads it again."""
    from suara.store.reads import ReadPool
    _, app = app_ws
    c = TestClient(app)
    login(c, "admin", "admin-pass-123")
    counts = []
    orig = ReadPool.arrow

    def spy(self, query, params=None):
        if query.startswith("SELECT created_at, platform, post_id, account_id FROM ("):
            counts.append(query)
        return orig(self, query, params)
    monkeypatch.setattr(ReadPool, "arrow", spy)
    assert c.get("/api/v1/posts?platform=instagram").json()["total"] == 2
    assert c.get("/api/v1/posts?platform=instagram&offset=1").json()["total"] == 2
    assert c.get("/api/v1/posts.csv?platform=instagram&offset=1").status_code == 200
    assert c.get("/posts?platform=instagram").status_code == 200
    assert len(counts) == 1, counts
    assert c.get("/api/v1/posts?platform=x").json()["total"] == 1   # another filter: its own count
    assert len(counts) == 2
    app.state.ws.store.append("posts", pd.DataFrame([{"platform": "instagram", "post_id": "new1", "text": "baru",
                                                      "created_at": pd.Timestamp("2024-11-04")}]))
    assert c.get("/api/v1/posts?platform=instagram").json()["total"] == 3
    assert len(counts) == 3


def test_hardening_web_browser_sessions_are_rate_limited(tmp_path, monkeypatch):
    """A logged-in browser session gets 429 (with Retry-After) past its requests a minute, like
    an API token; other sessions are not affected."""
    import suara.serve.app as serve_app
    monkeypatch.setattr(serve_app, "SESSION_RATE_LIMIT", 5)
    ws = suara.init(tmp_path / "w")
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    ws.close()
    app = create_app(tmp_path / "w")
    with TestClient(app) as c:
        assert login(c, "admin", "admin-pass-123").status_code == 303
        codes = [c.get(p).status_code for p in ["/api/v1/alerts", "/radar", "/api/v1/cases", "/posts", "/",
                                               "/api/v1/alerts", "/radar"]]
        assert codes == [200] * 5 + [429] * 2, codes
        r = c.get("/api/v1/posts")
        assert r.status_code == 429 and r.headers["retry-after"] == "60" and "per session" in r.json()["detail"]
        other = TestClient(app)
        assert login(other, "vera", "viewer-pass-123").status_code == 303
        assert other.get("/api/v1/alerts").status_code == 200
        assert c.get("/healthz").status_code == 200   # no session needed, never limited


@pytest.mark.parametrize("keys_max,head", [(50_000, 1000), (0, 10), (0, 0)])
def test_hardening_web_posts_pages_by_keys_or_time_window_match_the_full_query(app_ws, monkeypatch, keys_max, head):
    """The read pool's explorer keeps each filter's matching posts in order (their keys, or
    only their times) and looks each page up by its keys or its time window; the rows and
    totals are those of the full query for every filter and offset, posts at the same time
    included (ties ordered by platform and post id)."""
    from suara.analyse import explorer as data
    from suara.serve.data import AnalysisCache
    from suara.store.reads import ReadPool
    monkeypatch.setattr(data, "KEYS_MAX", keys_max)
    monkeypatch.setattr(data, "HEAD", head)
    _, app = app_ws
    ws = app.state.ws
    ws.store.append("posts", pd.DataFrame([{"platform": "x", "post_id": f"n{i}", "account_id": "b1",
                                            "text": f"Gratispol {i}", "created_at": pd.Timestamp("2024-11-05")
                                            + pd.Timedelta(minutes=i // 3)} for i in range(30)]))
    reader = ReadPool(ws.store, ws.store._lock, size=1)
    key = AnalysisCache(ws, ws.store._lock).data_key()
    filters = [{}, {"q": "gratispol"}, {"platform": "x", "since": "2024-11-03"}, {"until": "2024-11-05 00:10"},
               {"account": "b1"}, {"kind": "post"}, {"sentiment": "negative"}, {"candidate": "2"},
               {"candidate": "any", "buzzer": "exclude"}]
    for q in filters:
        f = data.PostFilter(q)
        for offset in (0, 3, 7, 25, 400):
            fast = data.query_posts(ws, f, limit=5, offset=offset, reader=reader, data_key=key, salt="salt")
            full = data.query_posts(ws, f, limit=5, offset=offset, lock=ws.store._lock, salt="salt")
            assert fast == full, (q, offset)
    reader.close()


def test_hardening_web_posts_export_limit_is_the_newest_rows_of_the_full_export(app_ws):
    """``limit`` on an export stops the query itself after that many rows: the rows are the
    first of the full export (newest first); a limit that is not a positive number is a 400."""
    import csv
    import io
    _, app = app_ws
    c = TestClient(app)
    login(c, "admin", "admin-pass-123")
    full = list(csv.reader(io.StringIO(c.get("/api/v1/posts.csv").text)))
    two = list(csv.reader(io.StringIO(c.get("/api/v1/posts.csv?limit=2").text)))
    assert len(full) > 3 and two == full[:3]
    assert c.get("/api/v1/posts.csv?limit=0").status_code == 400
