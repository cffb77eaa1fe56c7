"""The region map in a real headless browser (Debian chromium via Playwright), offline: for
each shipped election with regions, every configured region is drawn as a filled shape, the
page makes no request at all (no tiles, no CDN, no base-map download), hovering shows the
region's figures in Indonesian formats, and a click navigates to the region's posts."""
from __future__ import annotations

import os

import pytest

from suara.config import builtin_elections, load_election

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _page_html(e) -> str:
    from test_map import _result

    from suara.analyse.audience.region_map import map_block
    from suara.render.charts import plotly_js
    from suara.render.html import block_html
    body = block_html(map_block(_result(e, posts=20644), e, "id"), "chart-region-map")
    return f'<!doctype html><html><head><meta charset="utf-8"><script>{plotly_js()}</script></head><body>{body}</body></html>'


@pytest.mark.parametrize("eid", [x for x in builtin_elections() if load_election(x).regions])
def test_map_browser_draws_every_region_offline_and_clicks_through(eid, tmp_path):
    e = load_election(eid)
    doc = _page_html(e)
    site = "http://suara.test"      # answered inside the browser (page.route); nothing leaves it
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors, requests = [], []
        page.on("pageerror", lambda x: errors.append(str(x)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith((site, "data:")) else None)
        page.route(site + "/**", lambda route: route.fulfill(
            content_type="text/html", body=doc if route.request.url == site + "/" else "<p>posts</p>"))
        page.goto(site + "/")
        page.wait_for_selector("#chart-region-map .choroplethlocation")
        shapes = page.locator("#chart-region-map .choroplethlocation")
        # the grey base + the leading-pair layer: every configured region twice
        assert shapes.count() == 2 * len(e.regions)
        page.screenshot(path=str(tmp_path / f"{eid}.png"))
        boxes = sorted((shapes.nth(i).bounding_box() for i in range(shapes.count())),
                       key=lambda b: -b["width"] * b["height"])
        for box in boxes:   # the middle of a region's box (an island regency's may be sea)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(200)
            if page.locator(".hoverlayer .hovertext").count():
                break
        hover = page.locator(".hoverlayer .hovertext").text_content()
        assert "Unggahan: 20.644" in hover and "%" in hover and "," in hover
        # a numeric layer (net sentiment, -0,1..+0,1 here) draws its colour bar with Indonesian
        # decimal commas: switch to it as the dropdown does
        ticks = page.evaluate("""() => { var d = document.getElementById('chart-region-map');
            var b = d.layout.updatemenus[0].buttons.find(x => /Sentimen bersih/.test(x.label));
            return Plotly.update(d, b.args[0]).then(() =>
                Array.from(d.querySelectorAll('.colorbar .cbaxis text, .colorbar text.ytick, .colorbar .ytick text'))
                     .map(t => t.textContent)); }""")
        assert ticks and any("," in x for x in ticks) and not any("." in x for x in ticks), ticks
        page.evaluate("""() => { var d = document.getElementById('chart-region-map');
            return Plotly.update(d, d.layout.updatemenus[0].buttons[0].args[0]).then(() => 0); }""")
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(site + "/posts?region=*")
        code = page.url.split("region=")[1].split("&")[0]
        assert code in {r.code for r in e.regions}
        browser.close()
    assert not requests, requests
    assert not errors, errors


# --- the served war room on a simulated workspace of each election with regions ---------------

def _app(d, eid):
    """A simulated campaign of ``eid`` ingested and enriched into a workspace; returns the web
    app over it, its first analysis already computed."""
    import suara
    from suara.serve.app import create_app
    from suara.serve.auth import add_user
    from suara.sim import simulate
    simulate(d / "exports", seed=3, scale=2500, election=eid)
    ws = suara.init(d / "ws", election=eid)
    ws.ingest(sorted(p for p in (d / "exports").iterdir() if p.is_dir() and p.name != "ground_truth"))
    ws.enrich()
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    ws.close()
    app = create_app(d / "ws")
    app.state.web.cache.get()
    return app


@pytest.mark.parametrize("eid", [x for x in builtin_elections() if load_election(x).regions])
def test_map_browser_workspace_wilayah_page_draws_and_drills_down(eid, tmp_path, serving):
    """/wilayah of a served workspace: the map draws the election's regions (provinces for
    pilpres-2024, kabupaten/kota for the pilkada configs), with its layer dropdown and legend;
    a click on a region opens /posts?region=CODE showing as many posts as its hover counts."""
    import re

    from suara.config.geo import level_of
    e = load_election(eid)
    with serving(_app(tmp_path, eid)) as base:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(120_000)
            errors, outside = [], []
            page.on("pageerror", lambda x: errors.append(str(x)))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None)
            page.goto(base + "/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", "admin-pass-123")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(base + "/wilayah")
            page.wait_for_selector(".suara-map .choroplethlocation")
            shapes = page.locator(".suara-map .choroplethlocation")
            # the grey base draws every configured region; the first layer adds those with data
            assert len(e.regions) < shapes.count() <= 2 * len(e.regions)
            levels = {level_of(r.code) for r in e.regions}
            assert levels == ({"adm1"} if e.level == "pilpres" else {"adm2"})
            assert page.locator(".suara-map .updatemenu-container").count() == 1        # the layer dropdown
            assert page.locator(".suara-map .legend .traces").count() >= 1             # the pairs' legend
            page.screenshot(path=str(tmp_path / f"wilayah-{eid}.png"), full_page=True)
            boxes = sorted((shapes.nth(i).bounding_box() for i in range(shapes.count())),
                           key=lambda b: -b["width"] * b["height"])
            hover = ""
            for box in boxes:       # the largest regions first; one whose hover counts posts
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(150)
                if page.locator(".hoverlayer .hovertext").count():
                    hover = page.locator(".hoverlayer .hovertext").text_content()
                    if re.search(r"Unggahan: [1-9]", hover):
                        break
            m = re.search(r"Unggahan: ([\d.]+)", hover)
            assert m, hover
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_url(base + "/posts?region=*")
            code = page.url.split("region=")[1].split("&")[0]
            assert code in {r.code for r in e.regions}
            page.wait_for_selector("#post-count")
            shown = int(re.sub(r"[.,]", "", page.locator("#post-count").inner_text().split()[0]))
            assert shown == int(m.group(1).replace(".", "")), (code, shown, hover)
            browser.close()
    assert not outside, outside
    assert not errors, errors
