"""Cached page bodies: the section pages and the radar are rendered once per page, filters,
language, role and data version, and each answer still carries its own CSRF token, CSP nonce
and user name; one role's body never reaches another role; the HTML equals a fresh render."""
import re

from fastapi.testclient import TestClient
from test_serve import app_ws, login  # noqa: F401 - shared fixture with hostile data

from suara.serve.auth import add_user
from suara.serve.state import _SLOT, WebState

PAGES = ["/", "/kandidat", "/radar", "/radar?severity=high", "/jaringan?graph=all"]


def _nonces(r) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', r.text))


def _header_nonce(r) -> str:
    return re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"]).group(1)


def _csrfs(r) -> set[str]:
    return set(re.findall(r'name="csrf" value="([^"]*)"', r.text))


def _who(r) -> str:
    return re.search(r'<span class="who">([^<]*)</span>', r.text).group(1)


def test_cached_pages_carry_each_requests_token_nonce_and_name(app_ws):  # noqa: F811
    c, app = app_ws
    w = app.state.web
    add_user(w.ws.store, "adam", "second-admin-123", "admin")
    assert login(c, "admin", "admin-pass-123").status_code == 303
    c2 = TestClient(app)  # a second browser: its own cookies, the same server
    assert login(c2, "adam", "second-admin-123").status_code == 303
    for path in PAGES:
        a1, a2, b1 = c.get(path), c.get(path), c2.get(path)
        for r in (a1, a2, b1):
            assert r.status_code == 200, path
            # the body's scripts carry exactly the nonce of the answer's own policy
            assert _nonces(r) <= {_header_nonce(r)}, path
            assert _nonces(r) or path != "/", path  # the overview's charts carry inline scripts
            assert len(_csrfs(r)) == 1, path
        assert _header_nonce(a1) != _header_nonce(a2) != _header_nonce(b1)
        assert _csrfs(a1) == _csrfs(a2) != _csrfs(b1), path  # each session its own token
        assert _who(a1) == "admin (admin)" and _who(b1) == "adam (admin)"
        assert "adam" not in a1.text and _csrfs(b1).pop() not in a1.text
        assert not any(_SLOT in r.text for r in (a1, a2, b1))  # no stand-in left behind
    renders = w.body_renders
    for path in PAGES:  # served from the cache now: nothing rendered again
        assert c.get(path).status_code == 200 and c2.get(path).status_code == 200
    assert w.body_renders == renders
    # the token in the cached body is the one the server accepts for this session
    r = c.post("/logout", data={"csrf": _csrfs(c.get("/radar")).pop()}, follow_redirects=False)
    assert r.status_code == 303 and c.get("/radar", follow_redirects=False).status_code == 303


def test_cached_bodies_never_cross_roles(app_ws):  # noqa: F811
    c, app = app_ws
    login(c, "admin", "admin-pass-123")
    admin = {p: c.get(p).text for p in PAGES}
    assert all('href="/admin"' in body and "(admin)" in body for body in admin.values())
    c.cookies.clear()
    login(c, "vera", "viewer-pass-123")
    for p in PAGES:
        r = c.get(p)
        assert r.status_code == 200
        assert "citizen_real_name" not in r.text, p  # the admin's identities never reach a viewer
        assert 'href="/admin"' not in r.text and "(admin)" not in r.text, p
        assert 'class="inline case-make"' not in r.text, p  # viewers cannot open cases
        assert _who(r) == "vera (viewer)"


def test_cached_body_equals_a_fresh_render(app_ws, monkeypatch):  # noqa: F811
    c, app = app_ws
    login(c, "admin", "admin-pass-123")

    def norm(r):
        return r.text.replace(_header_nonce(r), "NONCE")

    cached = {p: norm(c.get(p)) for p in PAGES + ["/?lang=en", "/radar?lang=en"]}
    monkeypatch.setattr(WebState, "render_cached",
                        lambda self, request, name, user, key, make: self.render(request, name, user, **make(None)))
    c.cookies.delete("lang")  # the same requests in the same order: the language cookie follows
    for p, body in cached.items():
        assert norm(c.get(p)) == body, p


def test_bad_radar_filter_is_a_400_and_not_cached(app_ws):  # noqa: F811
    c, app = app_ws
    login(c, "admin", "admin-pass-123")
    n = len(app.state.web.body_cache)
    assert c.get("/radar?severity=nonsense").status_code == 400
    assert len(app.state.web.body_cache) == n
