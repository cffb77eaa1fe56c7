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
    rows[1]["mentions"] = ["warga_2"]
    rows += [{"suara_type": "post", "platform": "x", "post_id": f"r{i}", "kind": "reply", "parent_id": str(i),
              "text": "Setuju Rudy", "created_at": "2024-11-04T01:00:00Z",
              "author": {"account_id": f"a{(i + 1) % 4}", "handle": f"warga_{(i + 1) % 4}", "account_type": "citizen"}}
             for i in range(4)]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ws.ingest([f])
    ws.store.set_meta(ENRICH_VERSION_KEY, "t1")
    ws.store.append("mentions", pd.DataFrame([
        {"platform": "x", "post_id": r["post_id"], "version": "t1", "candidate": "2" if "Rudy" in r["text"] else "1",
         "sentiment": "negative" if ("palsu" in r["text"] or "gagal" in r["text"]) else "positive", "score": 0.5}
        for r in rows]))
    ws.store.append("account_scores", pd.DataFrame([
        {"platform": "x", "account_id": a, "buzzer_score": 0.9, "flagged": True, "cluster": "N01"} for a in ("a0", "a2")]))
    ws.store.append("networks", pd.DataFrame([{"cluster": "N01", "size": 2, "candidate": "2", "stance": "attack"}]))
    (ws.path / "coordination").mkdir()
    pd.DataFrame([{"source_platform": "x", "source_account": "a0", "target_platform": "x", "target_account": "a2",
                   "Weight": 3.0, "cluster": "N01"}]).to_csv(ws.path / "coordination" / "edges.csv", index=False)
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


def test_network_page_colours_by_pair_and_stance_and_downloads(app_ws):
    import xml.etree.ElementTree as ET
    c, _ = app_ws
    login(c)
    page = c.get("/jaringan").text
    assert "Menyerang 2 Rudy-Seno" in page                         # legend: the pair the network attacks
    for href in ("/jaringan?graph=all", "/api/v1/network.gexf?scope=coordinated",
                 "/api/v1/network/edges.csv?scope=coordinated"):
        assert href.replace("&", "&amp;") in page, href
    assert "/posts?account=" in page                                # a node click opens the account's posts
    g = ET.fromstring(c.get("/api/v1/network.gexf").content)
    ns = {"g": "http://gexf.net/1.3"}
    labels = {n.get("label") for n in g.iterfind(".//g:node", ns)}
    assert labels == {"warga_0", "warga_2"} and len(g.findall(".//g:edge", ns)) == 1
    edges = c.get("/api/v1/network/edges.csv").text.splitlines()
    assert edges[0].startswith("source,source_platform,target") and len(edges) == 2 and "N01" in edges[1]
    assert c.get("/api/v1/network.gexf", params={"scope": "nope"}).status_code == 400


def test_whole_conversation_graph_on_request_bounded_and_pseudonymised(app_ws):
    c, _ = app_ws
    login(c)
    net = c.get("/api/v1/network", params={"scope": "all"}).json()
    assert net["mode"] == "all" and net["cap"] == 400
    assert net["accounts_total"] == len(net["nodes"]) == 4        # replies and the @mention link every author
    assert {e["replies"] for e in net["edges"]} >= {1} and sum(e["mentions"] for e in net["edges"]) == 1
    page = c.get("/jaringan?graph=all").text
    assert "Graf percakapan (semua akun)" in page and "Ditampilkan 4 dari 4 akun" in page
    assert "Kembali ke jaringan terkoordinasi" in page and "N01" in page   # the network tables stay below
    from suara.analyse.network import conversation_graph
    ws = c.app.state.web.ws
    with ws.store.lock:
        small = conversation_graph(ws, True, ws.salt, max_nodes=2, max_edges=1)
    assert len(small["nodes"]) == 2 and len(small["edges"]) <= 1 and small["accounts_total"] == 4
    login(c, "vera", "viewer-pass-123")
    for r in (c.get("/api/v1/network", params={"scope": "all"}), c.get("/api/v1/network.gexf?scope=all"),
              c.get("/api/v1/network/edges.csv?scope=all"), c.get("/jaringan?graph=all")):
        assert r.status_code == 200 and "warga_" not in r.text and "warga-" in r.text


def _wait_summary(c, job, timeout=240):
    import time
    t0 = time.time()
    while time.time() - t0 < timeout:
        r = c.get(f"/api/v1/jobs/{job}/summary")
        if r.status_code == 200 and c.get(f"/api/v1/jobs/{job}").json()["status"] in ("done", "failed"):
            return r.json()
        time.sleep(0.3)
    raise AssertionError(f"job {job} did not finish")


@pytest.mark.slow
def test_web_import_enriches_and_explains_in_indonesian(app_ws, tmp_path):
    c, _ = app_ws
    login(c)
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/import").text).group(1)
    page = c.get("/import").text
    assert 'name="format"' in page and 'value="suara-jsonl"' in page and 'value="Asia/Makassar"' in page
    rows = [{"suara_type": "post", "platform": "x", "post_id": "n1", "text": "Rudy Seno mantap jalan mulus",
             "created_at": "2024-11-20T03:00:00Z", "author": {"account_id": "u1", "handle": "baru"}},
            {"suara_type": "post", "platform": "x", "post_id": "n2", "text": "Cuaca cerah hari ini",
             "created_at": "2024-11-20T04:00:00Z", "author": {"account_id": "u1", "handle": "baru"}},
            {"suara_type": "post", "platform": "x", "post_id": "n3", "text": "Isran Hadi dulu",
             "created_at": "2019-05-01T04:00:00Z", "author": {"account_id": "u2", "handle": "lama"}},
            {"suara_type": "post", "platform": "x", "text": "tanpa id"}]
    body = ("\n".join(json.dumps(r) for r in rows) + "\n").encode()
    r = c.post("/import", data={"csrf": csrf, "format": "auto", "timezone": "Asia/Makassar", "enrich": "1"},
               files={"files": ("baru.jsonl", body)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/import?job=job-")
    job = r.headers["location"].split("=", 1)[1]
    s = _wait_summary(c, job)
    assert (s["new"], s["quarantined"], s["outside_period"], s["no_candidate"]) == (3, 1, 1, 1)
    assert s["enriched"] >= 3 and s["reasons"][0]["field"] == "post_id" and s["reasons"][0]["first_row"] == 4
    assert s["timezone"] == "Asia/Makassar" and s["enrich"] is True
    # enriched right away: the new post counts for its pair in the explorer
    assert c.get("/api/v1/posts", params={"q": "jalan mulus", "candidate": "2"}).json()["total"] == 1
    text = c.get(f"/import?job={job}").text
    for want in ("3 unggahan diimpor: 3 baru, 0 diperbarui", "1 baris dikarantina", f"{s['enriched']} unggahan diperkaya",
                 "1 unggahan di luar masa pemilu (2024-09-25 – 2024-11-27)",
                 "1 unggahan tidak menyebut pasangan calon mana pun", "Alasan karantina"):
        assert want in text, want
    # the same file again: nothing new, every row a duplicate; without enrichment asked, none runs
    r = c.post("/import", data={"csrf": csrf}, files={"files": ("baru.jsonl", body)}, follow_redirects=False)
    s2 = _wait_summary(c, r.headers["location"].split("=", 1)[1])
    assert (s2["new"], s2["duplicates"], s2["enriched"]) == (0, 3, None)
    assert "3 baris sudah ada di ruang kerja" in c.get(r.headers["location"]).text
    # a bad format or zone is a clear error on the page, nothing is queued
    bad = c.post("/import", data={"csrf": csrf, "format": "nope"}, files={"files": ("a.jsonl", body)})
    assert bad.status_code == 200 and "format: unknown format" in bad.text
    bad = c.post("/import", data={"csrf": csrf, "timezone": "Mars/Olympus"}, files={"files": ("a.jsonl", body)})
    assert "timezone: unknown time zone" in bad.text


def test_posts_without_an_author_show_no_nan_and_no_shared_pseudonym(app_ws, tmp_path):
    c, app = app_ws
    f = tmp_path / "anon.jsonl"
    f.write_text("\n".join(json.dumps({"suara_type": "post", "platform": "tiktok", "post_id": f"c{i}",
                                       "text": f"komentar tanpa penulis {i}", "created_at": "2024-11-05T01:00:00Z"})
                           for i in range(2)) + "\n")
    ws = app.state.web.ws
    with ws.store.lock:
        assert ws.ingest([f])[0].accepted == 2
    app.state.web.cache.invalidate()
    for who in (("admin", "admin-pass-123"), ("vera", "viewer-pass-123")):
        login(c, *who)
        res = c.get("/api/v1/posts", params={"q": "tanpa penulis"}).json()
        assert res["total"] == 2 and {p["author"] for p in res["posts"]} == {""}, res["posts"]
        assert all(p["account_id"] is None for p in res["posts"])
        page = c.get("/posts", params={"q": "tanpa penulis"}).text
        assert page.count("(penulis tidak ada di ekspor)") == 2 and ">nan<" not in page and "nan " not in page
