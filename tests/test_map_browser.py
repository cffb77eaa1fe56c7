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
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(site + "/posts?region=*")
        code = page.url.split("region=")[1].split("&")[0]
        assert code in {r.code for r in e.regions}
        browser.close()
    assert not requests, requests
    assert not errors, errors
