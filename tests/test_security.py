"""Access control that holds against someone who has a copied cookie, a leaked token or a
removed account: server-side sessions (idle and absolute limits, logout ends them on the
server), role and disabled state re-read on every request, revocable API tokens, the admin
page and CLI, the API reference behind login without a CDN, and a nonce-based CSP."""
import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import suara
from suara.cli import app as cli
from suara.serve.app import SESSION_COOKIE, create_app
from suara.store.users import Users

runner = CliRunner()


@pytest.fixture
def served(tmp_path):
    ws = suara.init(tmp_path / "w")
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"suara_type": "post", "platform": "x", "post_id": "1", "text": "Rudy jalan rusak",
                             "created_at": "2024-11-03T02:00:00Z",
                             "author": {"account_id": "c1", "handle": "warga_asli", "account_type": "citizen"}}) + "\n")
    ws.ingest([f])
    ws.users.add("admin", "admin-pass-123", "admin")
    ws.users.add("vera", "viewer-pass-123", "viewer")
    ws.users.add("ana", "analyst-pass-123", "analyst")
    ws.close()
    app = create_app(tmp_path / "w")
    with TestClient(app) as c:
        yield c, app


def login(c, user, pw):
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/posts"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/posts", r.text[:300]
    return c.cookies.get(SESSION_COOKIE)


def fresh(app, cookie=None) -> TestClient:
    c = TestClient(app)
    if cookie:
        c.cookies.set(SESSION_COOKIE, cookie)
    return c


def csrf_of(c, path="/posts"):
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path).text).group(1)


def test_security_logout_ends_the_session_on_the_server(served):
    c, app = served
    cookie = login(c, "vera", "viewer-pass-123")
    thief = fresh(app, cookie)           # a copy of the cookie, e.g. from a shared computer
    assert thief.get("/api/v1/posts").status_code == 200
    c.post("/logout", data={"csrf": csrf_of(c)}, follow_redirects=False)
    assert thief.get("/api/v1/posts").status_code == 401
    assert thief.get("/posts", follow_redirects=False).headers["location"].startswith("/login")
    stored = app.state.ws.store.sql("SELECT * FROM sessions")
    assert stored.empty  # and no session id was ever stored in clear
    assert "logout" in set(app.state.ws.store.sql("SELECT action FROM audit_log").action)


def test_security_session_id_is_not_stored_and_forged_cookie_fails(served):
    c, app = served
    cookie = login(c, "admin", "admin-pass-123")
    from itsdangerous import URLSafeTimedSerializer
    sid = URLSafeTimedSerializer((app.state.ws.path / ".secret").read_text().strip(),
                                 salt="suara-session").loads(cookie)["sid"]
    dump = app.state.ws.store.sql("SELECT * FROM sessions").to_json()
    assert sid not in dump
    # a cookie signed with the right key but an invented session id (old format with a role too)
    forged = URLSafeTimedSerializer((app.state.ws.path / ".secret").read_text().strip(), salt="suara-session")
    for payload in ({"sid": "x" * 43, "csrf": "y"}, {"user": "admin", "role": "admin", "csrf": "y"}):
        assert fresh(app, forged.dumps(payload)).get("/api/v1/posts").status_code == 401


def test_security_disable_and_role_change_apply_to_open_sessions(served):
    c, app = served
    users = app.state.users
    cv = fresh(app)
    login(cv, "vera", "viewer-pass-123")
    ca = fresh(app)
    login(ca, "ana", "analyst-pass-123")
    assert ca.get("/import").status_code == 200
    users.set_role("ana", "viewer", actor="admin")           # demoted: the next request knows
    assert ca.get("/import").status_code == 403
    assert ca.get("/api/v1/posts").json()["posts"][0]["handle"].startswith("warga-")
    users.set_disabled("vera", True, actor="admin")          # removed: the session ends
    assert cv.get("/api/v1/posts").status_code == 401
    assert fresh(app).post("/login", data={}).status_code in (403, 422)
    c2 = fresh(app)
    r = c2.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c2.post("/login", data={"username": "vera", "password": "viewer-pass-123", "csrf": csrf, "next": "/"},
                follow_redirects=False)
    assert r.status_code == 200 and "/login" in str(r.url)  # a disabled user cannot log in again
    users.set_disabled("vera", False, actor="admin")
    login(fresh(app), "vera", "viewer-pass-123")
    acts = app.state.ws.store.sql("SELECT actor, action, target FROM audit_log WHERE action LIKE 'user.%'")
    assert {("admin", "user.role", "ana"), ("admin", "user.disable", "vera"), ("admin", "user.enable", "vera")} \
        <= set(map(tuple, acts.values.tolist()))


def test_security_idle_and_absolute_session_limits(tmp_path):
    ws = suara.init(tmp_path / "w")
    u = Users(ws.store, idle=600, absolute=3600)
    u.add("rina", "s3cret-pass!", "analyst")
    t0 = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    sid = u.create_session("rina")
    assert u.session(sid, now=t0 + dt.timedelta(seconds=300))["role"] == "analyst"
    assert u.session(sid, now=t0 + dt.timedelta(seconds=850))  # 550 s after the last request: still open
    assert u.session(sid, now=t0 + dt.timedelta(seconds=1500)) is None  # 650 s idle: ended, and removed
    assert u.session(sid, now=t0 + dt.timedelta(seconds=1501)) is None
    sid = u.create_session("rina")
    t = t0
    for _ in range(7):  # active every 9 minutes, yet the absolute limit ends it after an hour
        t += dt.timedelta(seconds=540)
        alive = u.session(sid, now=t)
    assert alive is None and t - t0 > dt.timedelta(seconds=3600)
    ws.close()


def test_security_tokens_revocable_and_bound_to_their_user(served):
    c, app = served
    users = app.state.users
    tok = users.create_token("bot", role="viewer")
    h = {"Authorization": f"Bearer {tok}"}
    assert c.get("/api/v1/posts", headers=h).status_code == 200
    assert users.revoke_token("bot", actor="admin") == 1
    assert c.get("/api/v1/posts", headers=h).status_code == 401
    # a token of a user follows the user: demoted -> viewer rights, disabled -> refused
    t2 = users.create_token("ana-script", username="ana", role="analyst")
    h2 = {"Authorization": f"Bearer {t2}"}
    assert c.get("/api/v1/jobs", headers=h2).status_code == 200
    users.set_role("ana", "viewer")
    assert c.get("/api/v1/jobs", headers=h2).status_code == 403
    users.set_disabled("ana", True)
    assert c.get("/api/v1/posts", headers=h2).status_code == 401
    names = {t["name"]: t for t in users.tokens()}
    assert names["bot"]["revoked_at"] is not None and names["ana-script"]["revoked_at"] is None
    assert "token.revoke" in set(app.state.ws.store.sql("SELECT action FROM audit_log").action)


def test_security_cli_user_and_token_commands(tmp_path):
    w = str(tmp_path / "w")
    suara.init(w).close()
    assert runner.invoke(cli, ["user", "add", "vera", "--role", "analyst", "--password-stdin", "-w", w],
                         input="viewer-pass-123\n").exit_code == 0
    tok = runner.invoke(cli, ["token", "create", "bot", "--user", "vera", "-w", w]).output.strip()
    assert tok.startswith("sua_")
    for args in (["user", "set-role", "vera", "viewer"], ["user", "disable", "vera"]):
        r = runner.invoke(cli, [*args, "-w", w])
        assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["user", "list", "-w", w])
    assert re.search(r"vera\s+viewer\s+disabled", r.output)
    assert runner.invoke(cli, ["user", "enable", "vera", "-w", w]).exit_code == 0
    r = runner.invoke(cli, ["user", "set-role", "nobody", "admin", "-w", w])
    assert r.exit_code != 0 and "no user 'nobody'" in r.output
    r = runner.invoke(cli, ["token", "list", "-w", w])
    assert re.search(r"bot\s+vera\s+viewer", r.output) and "active" in r.output and tok not in r.output
    assert runner.invoke(cli, ["token", "revoke", "bot", "-w", w]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["token", "list", "-w", w]).output
    r = runner.invoke(cli, ["token", "revoke", "bot", "-w", w])
    assert r.exit_code != 0 and "no active token" in r.output
    ws = suara.open(w)
    assert ws.users.check_token(tok) is None
    acts = list(ws.store.sql("SELECT action FROM audit_log ORDER BY \"at\"").action)
    for a in ("user.set", "token.create", "user.role", "user.disable", "user.enable", "token.revoke"):
        assert a in acts
    ws.close()


def test_security_admin_page_manages_users_and_tokens(served):
    c, app = served
    assert fresh(app).get("/admin", follow_redirects=False).status_code == 303
    cv = fresh(app)
    login(cv, "vera", "viewer-pass-123")
    assert cv.get("/admin").status_code == 403
    app.state.users.create_token("dash", role="viewer")
    login(c, "admin", "admin-pass-123")
    page = c.get("/admin")
    assert page.status_code == 200 and "vera" in page.text and "dash" in page.text
    csrf = csrf_of(c, "/admin")
    assert c.post("/admin/user", data={"username": "vera", "action": "disable", "csrf": "bad"}).status_code == 403
    r = c.post("/admin/user", data={"username": "vera", "action": "disable", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert cv.get("/api/v1/posts").status_code == 401       # vera's open session ended
    r = c.post("/admin/user", data={"username": "admin", "action": "disable", "csrf": csrf})
    assert r.status_code == 400                             # no locking oneself out
    r = c.post("/admin/user", data={"username": "ana", "action": "role", "role": "root", "csrf": csrf})
    assert r.status_code == 400
    assert c.post("/admin/token/revoke", data={"name": "dash", "csrf": csrf}, follow_redirects=False).status_code == 303
    page = c.get("/admin").text
    assert "user.disable" in page and "token.revoke" in page   # both in the audit log shown there
    # ... named in the reader's language, the stored action id kept as the cell's tooltip
    assert "Pengguna dinonaktifkan" in page and "Token API dicabut" in page and ">Masuk<" in page
    from suara.config.i18n import texts
    assert set(texts("audit", "id")) == set(texts("audit", "en"))


def test_security_api_reference_needs_login_and_no_cdn(served):
    c, app = served
    assert c.get("/api/v1/openapi.json").status_code == 401
    assert c.get("/api/v1/docs", follow_redirects=False).headers["location"].startswith("/login")
    assert c.get("/docs").status_code == 404 and c.get("/openapi.json").status_code == 404
    login(c, "vera", "viewer-pass-123")
    spec = c.get("/api/v1/openapi.json").json()
    assert "/api/v1/posts" in spec["paths"]
    page = c.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/posts" in page.text and "GET" in page.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)  # nothing from another host


def test_security_csp_has_a_fresh_nonce_and_no_unsafe_inline_script(served):
    c, app = served
    login(c, "admin", "admin-pass-123")
    seen = set()
    for path in ("/", "/kandidat", "/isu", "/wilayah", "/jaringan", "/radar", "/posts", "/import", "/admin",
                 "/api/v1/docs", "/login"):
        r = c.get(path)
        assert r.status_code == 200, path
        pol = r.headers["content-security-policy"]
        script = re.search(r"script-src ([^;]+)", pol).group(1)
        assert "unsafe-inline" not in script and "unsafe-eval" not in script and "*" not in script, pol
        nonce = re.search(r"'nonce-([^']+)'", script).group(1)
        assert nonce not in seen
        seen.add(nonce)
        for tag in re.findall(r"<script\b[^>]*>", r.text):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (path, tag)
        assert r.headers["x-content-type-options"] == "nosniff" and "frame-ancestors 'none'" in pol
    r = c.get("/api/v1/posts")
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_security_demo_serve_prints_a_working_login_once(tmp_path, monkeypatch):
    import suara.demo
    import suara.serve.app
    started = {}
    monkeypatch.setattr(suara.demo, "run_demo", lambda d, **kw: suara.init(d).close() or {})
    monkeypatch.setattr(suara.serve.app, "run_server", lambda d, **kw: started.update(dir=d, **kw))
    r = runner.invoke(cli, ["demo", "--dir", str(tmp_path / "d"), "--serve", "--port", "8765"])
    assert r.exit_code == 0, r.output
    m = re.search(r"as (\S+) with password (\S+) ", r.output)
    assert m and started["port"] == 8765 and r.output.count(m.group(2)) == 1
    ws = suara.open(tmp_path / "d")
    assert ws.users.check_password(m.group(1), m.group(2))["role"] == "admin"
    assert m.group(2) not in ws.store.sql("SELECT * FROM users").to_json()
    ws.close()
