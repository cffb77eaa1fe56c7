"""Web war room: authentication, roles, CSRF, escaping of hostile data, pseudonymisation,
posts explorer filters, uploads as background jobs, and the JSON API."""
import json
import re
import time

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import suara
from suara.analyse.base import ENRICH_VERSION_KEY
from suara.serve.app import create_app
from suara.serve.auth import add_user, create_token

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app_ws(tmp_path):
    ws = suara.init(tmp_path / "w")
    rows = [
        {"suara_type": "post", "platform": "instagram", "post_id": "1", "text": "Gratispol mantap " + XSS,
         "created_at": "2024-11-01T02:00:00Z", "likes": 10,
         "author": {"account_id": "c1", "handle": "citizen_real_name", "bio": XSS, "account_type": "citizen"}},
        {"suara_type": "post", "platform": "instagram", "post_id": "2", "text": "Pahamlah ikam, Kai hebat",
         "created_at": "2024-11-02T02:00:00Z", "likes": 3,
         "author": {"account_id": "m1", "handle": "kaltimtoday", "account_type": "media"}},
        {"suara_type": "post", "platform": "x", "post_id": "3", "text": "Rudy jalan rusak tetap",
         "created_at": "2024-11-03T02:00:00Z", "likes": 1,
         "author": {"account_id": "b1", "handle": XSS, "account_type": "citizen"}},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ws.ingest([f])
    ws.store.set_meta(ENRICH_VERSION_KEY, "t1")
    ws.store.append("mentions", pd.DataFrame([
        {"platform": "instagram", "post_id": "1", "version": "t1", "candidate": "2", "sentiment": "positive", "score": 0.7},
        {"platform": "instagram", "post_id": "2", "version": "t1", "candidate": "1", "sentiment": "positive", "score": 0.6},
        {"platform": "x", "post_id": "3", "version": "t1", "candidate": "2", "sentiment": "negative", "score": -0.5}]))
    ws.store.append("account_scores", pd.DataFrame([{"platform": "x", "account_id": "b1", "buzzer_score": 0.9,
                                                     "flagged": True, "cluster": "n1"}]))
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    add_user(ws.store, "ana", "analyst-pass-123", "analyst")
    ws.close()
    app = create_app(tmp_path / "w")
    with TestClient(app) as c:
        yield c, app


def login(c, user, pw):
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    return c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"},
                  follow_redirects=False)


def csrf_of(c, path="/posts"):
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path).text).group(1)


def test_serve_everything_but_login_needs_auth(app_ws):
    c, _ = app_ws
    for path in ["/", "/kandidat", "/posts", "/radar", "/wilayah", "/import"]:
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    for path in ["/api/v1/analysis", "/api/v1/posts", "/api/v1/alerts"]:
        assert c.get(path).status_code == 401
    assert c.get("/login").status_code == 200
    assert c.get("/static/suara.css").status_code == 200
    assert c.get("/healthz").json()["ok"] is True


def test_serve_login_sets_secure_session_and_rejects_bad_password(app_ws):
    c, _ = app_ws
    r = login(c, "admin", "wrong-password")
    assert r.status_code == 200 and "salah" in r.text
    r = login(c, "admin", "admin-pass-123")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/").status_code == 200


def test_serve_login_without_csrf_is_refused(app_ws):
    c, _ = app_ws
    c.get("/login")
    r = c.post("/login", data={"username": "admin", "password": "admin-pass-123", "csrf": "forged"})
    assert r.status_code == 403


def test_serve_login_rate_limited(app_ws):
    c, _ = app_ws
    codes = [login(c, "admin", f"bad-{i}").text for i in range(12)]
    assert "Terlalu banyak" in codes[-1]


def test_serve_every_page_renders_and_escapes_hostile_data(app_ws):
    c, _ = app_ws
    login(c, "admin", "admin-pass-123")
    for path in ["/", "/kandidat", "/isu", "/wilayah", "/influencer", "/jaringan", "/radar", "/mobilisasi",
                 "/posts", "/import", "/?lang=en"]:
        r = c.get(path)
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text and "<img src=x" not in r.text
    r = c.get("/posts")
    assert "&lt;script&gt;" in r.text  # shown as text, never run
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_serve_citizens_pseudonymised_for_viewer_named_for_admin(app_ws):
    c, _ = app_ws
    login(c, "vera", "viewer-pass-123")
    posts = c.get("/api/v1/posts").json()["posts"]
    handles = {p["post_id"]: p["handle"] for p in posts}
    assert handles["2"] == "kaltimtoday"  # media are named
    assert handles["1"].startswith("warga-") and "citizen_real_name" not in json.dumps(posts)
    c.cookies.clear()
    login(c, "admin", "admin-pass-123")
    handles = {p["post_id"]: p["handle"] for p in c.get("/api/v1/posts").json()["posts"]}
    assert handles["1"] == "citizen_real_name"


def test_serve_posts_filters_and_page_size_cap(app_ws):
    c, _ = app_ws
    login(c, "ana", "analyst-pass-123")
    get = lambda **q: c.get("/api/v1/posts", params=q).json()
    assert get()["total"] == 3
    assert {p["post_id"] for p in get(candidate="2")["posts"]} == {"1", "3"}
    assert [p["post_id"] for p in get(candidate="2", sentiment="negative")["posts"]] == ["3"]
    assert [p["post_id"] for p in get(buzzer="only")["posts"]] == ["3"]
    assert get(buzzer="exclude")["total"] == 2
    assert get(platform="x")["total"] == 1
    assert get(q="pahamlah")["total"] == 1
    assert get(since="2024-11-02")["total"] == 2
    assert get(limit=100000)["limit"] == 200


def test_serve_viewer_cannot_import_or_open_cases(app_ws):
    c, _ = app_ws
    login(c, "vera", "viewer-pass-123")
    assert c.get("/import").status_code == 403
    assert c.post("/api/v1/imports", files={"files": ("a.jsonl", b"{}")}).status_code == 403


def test_serve_upload_runs_as_background_job(app_ws, tmp_path):
    c, app = app_ws
    login(c, "ana", "analyst-pass-123")
    csrf = csrf_of(c, "/import")
    body = json.dumps({"suara_type": "post", "platform": "x", "post_id": "99", "text": "baru",
                       "created_at": "2024-11-05T00:00:00Z"}).encode()
    r = c.post("/import", data={"csrf": csrf}, files={"files": ("../../evil name.jsonl", body)},
               follow_redirects=False)
    assert r.status_code == 303
    deadline = time.monotonic() + 60     # the job also enriches (loads the text models)
    while time.monotonic() < deadline:
        jobs = c.get("/api/v1/jobs").json()["jobs"]
        if jobs and jobs[0]["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert jobs[0]["status"] == "done", jobs
    assert c.get("/api/v1/posts", params={"q": "baru"}).json()["total"] == 1
    up = list((app.state.ws.path / "uploads").iterdir())
    assert all(".." not in p.name and " " not in p.name for p in up)
    # without the CSRF token the form is refused
    assert c.post("/import", data={"csrf": "x"}, files={"files": ("a.jsonl", body)}).status_code == 403


def test_serve_api_token_and_openapi(app_ws):
    c, app = app_ws
    tok = create_token(app.state.ws.store, "bot", role="viewer")
    h = {"Authorization": f"Bearer {tok}"}
    doc = c.get("/api/v1/analysis", headers=h).json()
    assert doc["meta"]["posts"] == 3
    assert c.get("/api/v1/analysis", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert c.get("/api/v1/openapi.json").status_code == 401  # the API reference needs a login too
    spec = c.get("/api/v1/openapi.json", headers=h).json()
    assert "/api/v1/posts" in spec["paths"] and "/api/v1/analysis/{section}" in spec["paths"]
    stored = app.state.ws.store.sql("SELECT token_hash FROM api_tokens").token_hash[0]
    assert tok not in stored


def test_serve_csv_exports_are_neutralised(app_ws):
    c, app = app_ws
    login(c, "admin", "admin-pass-123")
    r = c.get("/api/v1/posts.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "\n=" not in r.text and ",=" not in r.text
    # a section's table as CSV (the radar page's download link), not its JSON
    r = c.get("/api/v1/analysis/share_of_voice.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.lstrip("\ufeff").startswith("view,candidate")
    log = app.state.ws.store.sql("SELECT action FROM audit_log").action.tolist()
    assert "export.csv" in log and "login.ok" in log


def test_serve_network_alerts_and_drilldown_pseudonymised_for_viewer(app_ws):
    import datetime as dt
    c, app = app_ws
    ws = app.state.ws
    with ws.store._lock:
        ws.store.append("alerts", pd.DataFrame([{
            "alert_id": "al-t1", "kind": "anomaly", "candidate": "2", "type": "black_campaign", "severity": "high",
            "onset_at": dt.datetime(2024, 11, 3, 1), "detected_at": dt.datetime(2024, 11, 3, 2), "posts": 1,
            "top_accounts": json.dumps(["x:b1", "instagram:kaltimtoday"]), "evidence": json.dumps({"reason": XSS}),
            "status": "new", "created_at": dt.datetime(2024, 11, 3, 2)}]))
    login(c, "vera", "viewer-pass-123")
    net = c.get("/api/v1/network").json()
    assert net["accounts"] and all(a["label"].startswith("warga-") for a in net["accounts"])
    assert '"b1"' not in json.dumps(net) and "<script>" not in json.dumps(net)
    al = c.get("/api/v1/alerts").json()["alerts"]
    a = next(x for x in al if x["alert_id"] == "al-t1")
    assert a["top_accounts"][0].startswith("warga-") and a["detected_local"] == "2024-11-03 10:00"  # WITA
    # the pseudonym drills down to that account's posts without revealing it
    r = c.get("/api/v1/posts", params={"account": net["accounts"][0]["label"]}).json()
    assert [p["post_id"] for p in r["posts"]] == ["3"]
    page = c.get("/jaringan").text
    assert 'id="network-graph"' in page and "account-scores" in page
    for path in ["/kandidat", "/isu", "/wilayah", "/influencer", "/mobilisasi"]:
        assert "Bagian ini belum bisa dihitung" not in c.get(path).text, path
    c.cookies.clear()
    login(c, "admin", "admin-pass-123")
    net = c.get("/api/v1/network").json()
    assert any(a["account_ref"] == "b1" for a in net["accounts"])


def test_serve_bad_date_filter_is_a_clear_400(app_ws):
    c, _ = app_ws
    login(c, "ana", "analyst-pass-123")
    r = c.get("/api/v1/posts", params={"since": "kemarin"})
    assert r.status_code == 400 and "since" in r.json()["detail"]


def test_serve_shutdown_waits_for_the_warming_thread(tmp_path):
    """The server computes every page ahead of the first requests in a thread; when it shuts
    down that thread has stopped (left inside DuckDB at interpreter exit, it could abort the
    process), and the workspace is closed."""
    suara.init(tmp_path / "w").close()
    app = create_app(tmp_path / "w")
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200
    warmer = app.state.web._warmer
    assert warmer is not None and not warmer.is_alive()
    assert app.state.web.stopping.is_set()
