"""The morning brief (overview page and report), the report's table of contents, and the PNG
summary card, on the radar test world (one coordinated crisis about pair 2 on "banjir", one
hoax burst) with accounts placed in regions."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from typer.testing import CliRunner

from suara.analyse.brief import things_to_do
from suara.report.card import png_size
from test_radar_world import CRISIS_AT, load_world, world_frames


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    import suara
    from suara.serve.auth import add_user
    ws = suara.init(tmp_path_factory.mktemp("brief") / "ws")
    accs, posts, enr, men, scores = world_frames()
    codes = [r.code for r in ws.election.regions]
    accs = accs.assign(region=[codes[i % 3] for i in range(len(accs))])   # three regions only: gaps elsewhere
    load_world(ws, (accs, posts, enr, men, scores))
    doc = ws.analyse()
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    yield ws, doc
    ws.close()


def _count(ws, href: str) -> int:
    return ws.posts(dict(parse_qsl(urlsplit(href).query)), limit=1)["total"]


def test_brief_three_things_derived_from_the_data_and_linked(world):
    ws, doc = world
    b = doc["brief"]
    assert b["period"]["first_post"].startswith("2024-11-01") and b["period"]["updated"]
    kinds = [t["kind"] for t in b["things"]]
    assert len(kinds) == 3 and kinds[0] == "incident", kinds
    first = b["things"][0]
    # the highest open incident is the planted crisis, and its link opens the alert's posts
    assert first["candidate"] == "2" and first["type"] not in ("positive_surge", "volume_spike")
    alert = ws.store.sql("SELECT onset_at FROM alerts WHERE alert_id = ?", [first["alert"]]).iloc[0, 0]
    assert abs(alert.to_pydatetime() - CRISIS_AT).total_seconds() < 7200
    assert first["href"] == f"/posts?alert={first['alert']}" and _count(ws, first["href"]) == first["posts"] > 0
    for t in b["things"]:
        assert t["href"].startswith("/posts?") and _count(ws, t["href"]) > 0, t
    # the sentiment trend per pair and the conversation per pair
    assert set(b["trend"]) == {"1", "2"} and all(v["daily"] for v in b["trend"].values())
    assert b["conversation"]["2"]["posts"] > 0 and b["conversation"]["2"]["media"]
    # the rising issues' counts open exactly their posts
    for r in b["rising_issues"]:
        href = f"/posts?issue={r['issue']}&candidate={r['candidate']}&since={r['since']}"
        assert _count(ws, href) == r["last7"]


def test_brief_things_fall_back_to_the_weakest_sentiment():
    res = {"incidents": [{"status": "resolved", "type": "hoax"}], "region_gap": None, "rising_issues": [],
           "trend": {"1": {"change": 0.2, "last7": 0.3}, "2": {"change": -0.4, "last7": -0.1}},
           "since": "2024-11-01 00:00:00.000001"}
    things = things_to_do(res)
    assert [t["kind"] for t in things] == ["sentiment"]
    assert things[0]["candidate"] == "2" and "sentiment=negative" in things[0]["href"]


def test_brief_on_the_overview_page_first_with_links(world):
    from fastapi.testclient import TestClient

    from suara.serve.app import create_app
    ws, _ = world
    path = ws.path
    ws.close()
    with TestClient(create_app(path)) as c:
        r = c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        c.post("/login", data={"username": "vera", "password": "viewer-pass-123", "csrf": csrf, "next": "/"})
        page = c.get("/")
        assert page.status_code == 200
        cards = re.findall(r'<section class="card" id="([^"]+)"', page.text)
        assert cards[0] == "brief-things" and "brief-trend" in cards and "brief-alerts" in cards
        things = page.text.split('id="brief-things"')[1].split("</section>")[0]
        assert "3 hal untuk hari ini" in things
        links = re.findall(r'<a href="(/posts\?[^"]+)">Lihat unggahan</a>', things)
        assert len(links) == 3
        for href in links:
            q = dict(parse_qsl(urlsplit(href.replace("&amp;", "&")).query))
            assert c.get("/api/v1/posts", params={**q, "limit": 1}).json()["total"] > 0
        en = c.get("/?lang=en")
        assert "3 things for today" in en.text and "Morning brief" not in page.text


def test_brief_report_has_toc_and_three_things_first(world, tmp_path):
    import suara
    from suara.report.daily import render_report
    ws0, doc = world
    ws0.close()    # the store allows one writer
    ws = suara.open(ws0.path)
    try:
        html = render_report(ws, doc, lang="id")
    finally:
        ws.close()
    toc = re.search(r'<nav class="toc" id="toc">(.*?)</nav>', html, re.S).group(1)
    anchors = re.findall(r'href="#([^"]+)"', toc)
    sections = re.findall(r'<section id="([^"]+)">', html)
    assert anchors == sections and sections[0] == "brief" and len(sections) > 5
    assert "Daftar isi" in toc
    body = html.split('<section id="brief">')[1]
    assert body.index("3 hal untuk hari ini") < body.index("Tren sentimen per pasangan")


def test_brief_card_png_for_whatsapp(world, tmp_path):
    from suara.cli import app
    ws0, _ = world
    ws0.close()
    out = tmp_path / "kartu.png"
    r = CliRunner().invoke(app, ["report", "--card", str(out), "-o", str(tmp_path / "r.html"), "-w", str(ws0.path)])
    assert r.exit_code == 0, r.output
    assert png_size(out) == (1080, 1350) and out.stat().st_size > 20_000
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count('<nav class="toc"') == 1
    bad = CliRunner().invoke(app, ["report", "--card", str(tmp_path / "kartu.jpg"), "-w", str(ws0.path)])
    assert bad.exit_code != 0 and "PNG" in bad.output
    none = CliRunner().invoke(app, ["report", "-w", str(ws0.path)])
    assert none.exit_code != 0
