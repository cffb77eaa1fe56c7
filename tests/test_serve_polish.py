"""The war room on a phone and on a slow line: plotly.js compressed and cached, the
navigation behind a menu button, tables that scroll inside their box; the network page's
colours, downloads and whole conversation graph; chart points that open their posts; web
imports that enrich and explain what they did."""
from __future__ import annotations

import gzip
import json
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import suara
from suara.analyse.base import ENRICH_VERSION_KEY
from suara.serve.app import create_app
from suara.serve.auth import add_user


@pytest.fixture
def app_ws(tmp_path):
    ws = suara.init(tmp_path / "w")
    rows = [
        {"suara_type": "post", "platform": "x", "post_id": str(i), "text": t,
         "created_at": f"2024-11-0{1 + i % 3}T0{i % 9}:00:00Z", "likes": i,
         "author": {"account_id": f"a{i % 4}", "handle": f"warga_{i % 4}", "account_type": "citizen"}}
        for i, t in enumerate(["Gratispol Rudy Seno mantap", "Isran Hadi paling siap @warga_2",
                               "Rudy janji palsu", "Kai Isran amanah", "Rudy Seno hebat", "Isran gagal"])]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ws.ingest([f])
    ws.store.set_meta(ENRICH_VERSION_KEY, "t1")
    ws.store.append("mentions", pd.DataFrame([
        {"platform": "x", "post_id": r["post_id"], "version": "t1", "candidate": "2" if "Rudy" in r["text"] else "1",
         "sentiment": "negative" if ("palsu" in r["text"] or "gagal" in r["text"]) else "positive", "score": 0.5}
        for r in rows]))
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    ws.close()
    app = create_app(tmp_path / "w")
    with TestClient(app) as c:
        yield c, app


def login(c, user="admin", pw="admin-pass-123"):
    c.cookies.clear()
    r = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    assert c.post("/login", data={"username": user, "password": pw, "csrf": csrf, "next": "/"},
                  follow_redirects=False).status_code == 303


def test_plotly_js_is_compressed_and_cached(app_ws):
    c, _ = app_ws
    plain = c.get("/static/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert plain.headers["content-type"].startswith("application/javascript")
    r = c.get("/static/plotly.min.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(plain.content) / 2      # the wire carries the gzip
    assert "max-age=" in r.headers["cache-control"] and r.headers["vary"] == "Accept-Encoding"
    etag = r.headers["etag"]
    assert etag == plain.headers["etag"]
    again = c.get("/static/plotly.min.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert c.get("/static/plotly.min.js", headers={"If-None-Match": '"other"'}).status_code == 200
    # httpx decoded the gzip: the same script
    assert r.content == plain.content and gzip.decompress(gzip.compress(plain.content)) == r.content


def test_navigation_collapses_behind_a_menu_button(app_ws):
    c, _ = app_ws
    login(c)
    page = c.get("/").text
    assert 'id="menu-button"' in page and 'aria-controls="nav-links"' in page
    nav = page.split('id="nav-links"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/jaringan"' in nav and 'action="/logout"' in nav   # every link sits behind the button
    css = c.get("/static/suara.css").text
    assert "@media (max-width:760px)" in css and "overflow-x:auto" in css
