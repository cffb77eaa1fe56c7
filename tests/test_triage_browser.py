"""The radar inbox in a real headless browser (Debian chromium driven by Playwright):
"Jadikan kasus" asks for confirmation in place, opens the case through the API and shows the
case badge in the row without reloading the page; the badge opens the case page, where the
analyst adds a note. Screenshots go to a temporary folder (printed; never committed)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from test_radar_world import load_world, world_frames

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage"]
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def server(tmp_path_factory, serving):
    import suara
    from suara.serve.app import create_app
    from suara.serve.auth import add_user
    d = tmp_path_factory.mktemp("inbox-browser")
    ws = suara.init(d / "ws")
    load_world(ws, world_frames())
    ws.radar(full=True)
    add_user(ws.store, "ana", "analyst-pass-123", "analyst")
    ws.close()
    app = create_app(d / "ws")
    with serving(app) as url:
        app.state.cache.get()
        yield {"url": url, "app": app, "shots": Path(tempfile.mkdtemp(prefix="suara-shots-"))}


def test_triage_browser_open_case_confirms_in_place(server):
    url = server["url"]
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = b.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(90_000)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "/")
        assert "/login" in page.url
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", "analyst-pass-123")
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")
        page.goto(url + "/radar")
        page.evaluate("window.__marker = 'same-page'")
        row = page.locator("#inbox tr.incident").first
        alert = row.get_attribute("data-alert")
        row.locator("form.case-make button").click()
        confirm = row.locator(".confirm")
        assert "Jadikan kasus?" in confirm.inner_text()
        page.screenshot(path=str(server["shots"] / "inbox-confirm.png"), full_page=True)
        confirm.locator("button.yes").click()
        badge = row.locator("td.case-cell a.badge")
        badge.wait_for()
        href = badge.get_attribute("href")
        assert href.startswith("/cases/case-")
        assert page.evaluate("window.__marker") == "same-page"     # no reload
        assert row.locator("form.case-make").count() == 0
        cases = server["app"].state.ws.store.sql("SELECT case_id FROM cases WHERE alert_id = ?", [alert])
        assert href == f"/cases/{cases.case_id.iloc[0]}"
        page.screenshot(path=str(server["shots"] / "inbox-case-opened.png"), full_page=True)
        badge.click()
        page.wait_for_url(url + href)
        page.fill("textarea[name=text]", "Bukti sudah diekspor")
        page.click("form[action$='/note'] button")
        page.wait_for_url(url + href)
        assert "Bukti sudah diekspor" in page.locator("#notes").inner_text()
        # the confirmation can be cancelled too: another incident keeps its button
        page.goto(url + "/radar")
        other = page.locator("#inbox tr.incident:has(form.case-make)").first
        other.locator("form.case-make button").click()
        other.locator(".confirm button.no").click()
        assert other.locator(".confirm").count() == 0 and other.locator("form.case-make button").is_visible()
        b.close()
    assert not dialogs
