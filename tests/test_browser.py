"""End-to-end tests of the web war room in a real headless browser (Debian chromium driven
by Playwright): log in, every page, filters, drill-down, upload with a background job, a new
alert arriving without reload, language switch, and hostile data that must never run.

Screenshots go to a temporary folder (printed; never committed)."""
import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage"]
XSS = ['<script>alert("post")</script>', '<img src=x onerror=alert("img")>',
       '"><svg onload=alert("svg")>', "javascript:alert('js')", "{{7*7}}<iframe src=javascript:alert(1)>"]

if not os.path.exists(CHROMIUM):
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


def _rows(n: int = 60) -> list[dict]:
    """A small demo-like set: two pairs, four platforms, citizens with hostile handles/bios."""
    base = dt.datetime(2024, 11, 1, 1, 0)
    texts = ["Gratispol Rudy Seno mantap, jalan rusak diperbaiki", "Pahamlah ikam, Isran Hadi paling siap",
             "Banjir lagi, Rudy janji palsu", "Kai Isran amanah soal pendidikan gratis"]
    out = []
    for i in range(n):
        hostile = i % 7 == 0
        out.append({
            "suara_type": "post", "platform": ["instagram", "x", "facebook", "tiktok"][i % 4], "post_id": f"p{i}",
            "text": texts[i % 4] + (" " + XSS[i % len(XSS)] if hostile else ""),
            "created_at": (base + dt.timedelta(hours=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "likes": (i * 37) % 500, "comments": i % 13, "shares": i % 5,
            "author": {"account_id": f"a{i % 15}", "handle": (XSS[i % len(XSS)] if i % 15 == 3 else "kaltimtoday" if i % 15 == 1 else f"warga_asli_{i % 15}"),
                       "bio": XSS[1], "account_type": "media" if i % 15 == 1 else "citizen",
                       "location": "Samarinda" if i % 2 else "Balikpapan"}})
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory, serving):
    import suara
    from suara.analyse.base import ENRICH_VERSION_KEY
    from suara.serve.app import create_app
    from suara.serve.auth import add_user

    d = tmp_path_factory.mktemp("browser")
    ws = suara.init(d / "w")
    f = d / "seed.jsonl"
    rows = _rows()
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ws.ingest([f])
    ws.store.set_meta(ENRICH_VERSION_KEY, "t1")
    ws.store.append("mentions", pd.DataFrame([
        {"platform": r["platform"], "post_id": r["post_id"], "version": "t1",
         "candidate": "2" if "Rudy" in r["text"] else "1",
         "sentiment": "negative" if "palsu" in r["text"] else "positive", "score": 0.5} for r in rows]))
    ws.store.append("enrichments", pd.DataFrame([
        {"platform": r["platform"], "post_id": r["post_id"], "version": "t1",
         "sentiment": "negative" if "palsu" in r["text"] else "positive",
         "issues": ["banjir"] if "Banjir" in r["text"] else ["jalan_infrastruktur"]} for r in rows]))
    ws.store.append("account_scores", pd.DataFrame([
        {"platform": "x", "account_id": "a1", "buzzer_score": 0.9, "flagged": True, "cluster": "N01",
         "reasons": "acted on 12 objects within seconds of 3 accounts " + XSS[2]},
        {"platform": "instagram", "account_id": "a4", "buzzer_score": 0.8, "flagged": True, "cluster": "N01",
         "reasons": "near-duplicate texts"}]))
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    add_user(ws.store, "vera", "viewer-pass-123", "viewer")
    ws.close()
    app = create_app(d / "w")
    with serving(app) as url:
        app.state.cache.get()  # the first analysis, before the browser starts timing out
        shots = Path(tempfile.mkdtemp(prefix="suara-shots-"))
        print(f"\nscreenshots: {shots}")
        yield {"url": url, "app": app, "shots": shots, "dir": d}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(90_000)
    dialogs: list[str] = []
    errors: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.dialogs, pg.js_errors = dialogs, errors
    yield pg
    ctx.close()
    assert not dialogs, f"a script from the data ran: {dialogs}"


def _login(page, url, user="admin", pw="admin-pass-123"):
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", pw)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


PAGES = ["/", "/kandidat", "/isu", "/wilayah", "/influencer", "/jaringan", "/radar", "/mobilisasi", "/posts",
         "/import"]


def test_browser_every_page_renders_in_indonesian_without_running_hostile_data(page, server):
    url, shots = server["url"], server["shots"]
    _login(page, url)
    assert page.locator("h1").inner_text() == "Ringkasan"
    for path in PAGES:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("main h1").count() == 1, path
        assert "Traceback" not in page.content()
        page.screenshot(path=str(shots / f"{path.strip('/') or 'ringkasan'}.png"), full_page=True)
    page.goto(url + "/")
    assert page.locator(".js-plotly-plot").count() >= 1  # plotly served locally rendered the charts
    assert page.locator(".modebar-btn[data-title*='png' i]").count() >= 1 or \
        page.locator(".modebar").count() >= 1  # PNG download button of the modebar
    page.goto(url + "/wilayah")
    assert page.locator("#region-map .js-plotly-plot, #region-map.js-plotly-plot").count() >= 1
    page.goto(url + "/jaringan")
    assert page.locator("#network-graph").count() == 1
    page.goto(url + "/posts?q=onerror")
    # hostile text is shown as text, never as markup
    assert page.locator("table.posts img").count() == 0 and page.locator("table.posts svg").count() == 0
    assert "onerror" in page.locator("table.posts").inner_text()
    assert not page.js_errors, page.js_errors


def test_browser_filter_and_drill_down_to_posts(page, server):
    url = server["url"]
    _login(page, url)
    page.goto(url + "/kandidat")
    page.goto(url + "/")
    link = page.locator("#sov-chart table a").first
    href = link.get_attribute("href")
    assert href.startswith("/posts?candidate=")
    link.click()
    page.wait_for_url(re.compile(r"/posts\?candidate="))
    n_cand = int(page.locator("#post-count").inner_text().split()[0].replace(",", "").replace(".", ""))
    assert n_cand > 0
    page.select_option("select[name=platform]", "x")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"platform=x"))
    n_x = int(page.locator("#post-count").inner_text().split()[0].replace(",", "").replace(".", ""))
    assert 0 < n_x < n_cand
    assert all(c.inner_text() == "x" for c in page.locator("table.posts tbody td:nth-child(2)").all())
    page.fill("input[name=q]", "pahamlah")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"q=pahamlah"))
    texts = page.locator("table.posts td.text").all_inner_texts()
    assert texts and all("pahamlah" in t.lower() for t in texts)
    page.screenshot(path=str(server["shots"] / "posts-filtered.png"), full_page=True)


def test_browser_viewer_sees_pseudonyms_only(page, server):
    url = server["url"]
    _login(page, url, "vera", "viewer-pass-123")
    page.goto(url + "/posts")
    body = page.locator("table.posts").inner_text()
    assert "warga-" in body and "warga_asli_" not in body
    page.goto(url + "/jaringan")
    assert "warga_asli_" not in page.content()
    page.goto(url + "/import")
    assert "/import" not in page.url or "403" in page.content()


def test_browser_upload_runs_as_background_job(page, server):
    url, d = server["url"], server["dir"]
    _login(page, url)
    page.goto(url + "/import")
    f = d / "upload.jsonl"
    f.write_text(json.dumps({"suara_type": "post", "platform": "x", "post_id": "up1",
                             "text": "Unggahan baru " + XSS[0], "created_at": "2024-11-20T03:00:00Z",
                             "author": {"account_id": "u1", "handle": "baru"}}) + "\n")
    page.set_input_files("input[name=files]", str(f))
    page.click("form[action='/import'] button[type=submit]")
    page.wait_for_url(re.compile(r"/import\?job=job-"))
    page.locator("#jobs tbody tr", has_text="selesai").first.wait_for(timeout=120_000)  # no eval: the CSP forbids it
    assert "+1" in page.locator("#jobs tbody").inner_text()
    page.locator("#import-summary ul.summary").first.wait_for(timeout=180_000)  # the page reloads with the summary
    assert "1 unggahan diimpor: 1 baru" in page.locator("#import-summary").inner_text()
    page.screenshot(path=str(server["shots"] / "import-done.png"), full_page=True)
    page.goto(url + "/posts?q=Unggahan+baru")
    assert page.locator("#post-count").inner_text().startswith("1 ")


def test_browser_new_alert_arrives_without_reload_and_case_opens(page, server):
    url, app = server["url"], server["app"]
    _login(page, url)
    page.goto(url + "/radar")
    page.evaluate("window.__marker = 'same-page'")
    before = page.locator("#alerts tbody tr").count()
    ws = app.state.ws
    with ws.store._lock:
        ws.store.append("alerts", pd.DataFrame([{
            "alert_id": "al-browser1", "kind": "anomaly", "candidate": "2", "issue": "banjir", "type": "black_campaign",
            "severity": "high", "severity_score": 0.9, "onset_at": dt.datetime(2024, 11, 20, 3),
            "detected_at": dt.datetime(2024, 11, 20, 3, 15), "metric": "negative", "value": 9.0, "baseline": 1.0,
            "posts": 9, "top_accounts": json.dumps(["x:a3"]),
            "evidence": json.dumps({"reason": "serangan " + XSS[1]}), "status": "new",
            "created_at": dt.datetime(2024, 11, 20, 3, 15)}]))
    page.wait_for_selector("#alerts tr[data-id='al-browser1']", timeout=60_000)
    assert page.evaluate("window.__marker") == "same-page"  # no reload happened
    assert page.locator("#alerts tbody tr").count() == before + 1
    assert page.locator("#alerts img").count() == 0
    page.screenshot(path=str(server["shots"] / "radar-new-alert.png"), full_page=True)
    page.locator("#alerts tr[data-id='al-browser1'] button").click()
    page.wait_for_url(url + "/radar")
    assert page.locator("#cases tbody tr").count() >= 1


def test_browser_language_switch(page, server):
    url = server["url"]
    _login(page, url)
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert page.locator("main h1").inner_text() == "Overview"
    page.goto(url + "/kandidat")
    assert page.locator("main h1").inner_text() == "Candidates"  # the choice sticks (cookie)
    page.screenshot(path=str(server["shots"] / "kandidat-en.png"), full_page=True)
    page.click("#lang-switch")
    assert page.locator("main h1").inner_text() == "Kandidat"


def test_browser_csp_blocks_injected_script_and_every_chart_still_draws(page, server):
    """The nonce-based CSP (no 'unsafe-inline'/'unsafe-eval' for scripts): every page and every
    Plotly chart works, nothing is refused, and script injected into a page does not run."""
    url = server["url"]
    violations, requests = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: requests.append(r.url))
    _login(page, url)
    charts = 0
    for path in PAGES + ["/api/v1/docs", "/admin"]:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        divs = page.locator(".plotly-graph-div")
        for i in range(divs.count()):  # each chart's inline (nonce) script ran: plotly drew it
            assert "js-plotly-plot" in (divs.nth(i).get_attribute("class") or ""), (path, i)
            assert divs.nth(i).locator(".main-svg").count() >= 1, (path, i)
        charts += divs.count()
    assert charts >= 5
    assert not violations, violations
    assert all(r.startswith(url) for r in requests), [r for r in requests if not r.startswith(url)]
    # an attacker who gets markup into a page: handlers and inline scripts without the nonce are refused
    page.goto(url + "/")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend', '<img src="/x.png" onerror="window.__pwned1 = 1">');
        const s = document.createElement('script'); s.textContent = 'window.__pwned2 = 1';
        document.body.appendChild(s);
        document.body.insertAdjacentHTML('beforeend', '<a id="jsl" href="javascript:window.__pwned3=1">x</a>');
    }""")
    page.click("#jsl")
    page.wait_for_timeout(500)
    assert page.evaluate("[window.__pwned1, window.__pwned2, window.__pwned3]") == [None, None, None]
    assert any("Content Security Policy" in v for v in violations)
    assert not page.js_errors, page.js_errors


def test_browser_copied_session_dies_at_logout_and_when_the_user_is_disabled(browser, server):
    url, app = server["url"], server["app"]

    def ctx_login(user, pw):
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.set_default_timeout(90_000)
        _login(pg, url, user, pw)
        return ctx, pg

    ctx, pg = ctx_login("vera", "viewer-pass-123")
    thief = browser.new_context()
    thief.add_cookies(ctx.cookies())                 # the cookie, copied to another browser
    tp = thief.new_page()
    tp.goto(url + "/posts")
    assert "/posts" in tp.url
    pg.click("nav form[action='/logout'] button")
    pg.wait_for_url(url + "/login")
    tp.goto(url + "/posts")
    assert "/login" in tp.url                        # logout ended the session on the server
    # an admin disables a user from the admin page: the user's open session ends at once
    ctx2, pg2 = ctx_login("vera", "viewer-pass-123")
    actx, apg = ctx_login("admin", "admin-pass-123")
    apg.goto(url + "/admin")
    apg.locator("tr[data-user='vera'] button[value='disable']").click()
    apg.wait_for_url(url + "/admin")
    assert "nonaktif" in apg.locator("tr[data-user='vera']").inner_text()
    pg2.goto(url + "/kandidat")
    assert "/login" in pg2.url
    apg.locator("tr[data-user='vera'] button[value='enable']").click()
    apg.wait_for_url(url + "/admin")
    for c in (ctx, thief, ctx2, actx):
        c.close()
