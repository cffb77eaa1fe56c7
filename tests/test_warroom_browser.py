"""Browser proof of the war room on a simulated campaign (Debian chromium driven by
Playwright): every page at 1366x900 and on a 390x844 phone without sideways scrolling, no
`None`/`nan`/raw dict/English enum visible in Indonesian mode, linked numbers and chart
points open exactly the posts they count, the phone menu, full CSV/XLSX and network
downloads, and the web import's summary.

Screenshots of every page are kept under ``test-artifacts/browser/`` (ignored by git; set
SUARA_TEST_ARTIFACTS to put them elsewhere); the path is printed."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage"]
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

PAGES = ["/", "/kandidat", "/isu", "/wilayah", "/influencer", "/jaringan", "/jaringan?graph=all", "/radar",
         "/cases", "/mobilisasi", "/posts", "/import", "/label", "/label/evaluate", "/admin"]
#: what must never be visible in Indonesian mode: Python's missing values, a raw dict, a
#: traceback, alert types as enum names
BAD = re.compile(r"(?<![\w/.-])(None|nan|NaN|NaT)(?![\w/-])|\{'[^']{1,40}': |Traceback|"
                 r"\b(sara_hate|positive_surge|volume_spike|organic_criticism|black_campaign|opponent_attack)\b")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory, serving):
    import suara
    from suara.serve.app import create_app
    from suara.serve.auth import add_user
    from suara.sim import simulate

    d = tmp_path_factory.mktemp("warroom-browser")
    exports = d / "exports"
    simulate(exports, seed=5, scale=3000)
    ws = suara.init(d / "ws")
    ws.ingest(sorted(p for p in exports.iterdir() if p.is_dir() and p.name != "ground_truth"))
    ws.enrich()
    ws.detect()
    add_user(ws.store, "admin", "admin-pass-123", "admin")
    add_user(ws.store, "vi", "viewer-pass-1234", "viewer")
    n_posts = int(ws.store.table("posts").count().execute())
    ws.close()
    app = create_app(d / "ws")
    with serving(app) as url:
        app.state.web.cache.get()  # the first analysis, before the browser starts timing out
        shots = Path(os.environ.get("SUARA_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
        shots.mkdir(parents=True, exist_ok=True)
        print(f"\nscreenshots: {shots}")
        yield {"url": url, "app": app, "shots": shots, "dir": d, "n_posts": n_posts}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _context(browser, server, viewport, user=("admin", "admin-pass-123")):
    ctx = browser.new_context(viewport=viewport, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    pg.goto(server["url"] + "/login")
    pg.fill("input[name=username]", user[0])
    pg.fill("input[name=password]", user[1])
    pg.click("button[type=submit]")
    pg.wait_for_url(server["url"] + "/")
    return ctx, pg


def _name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "ringkasan"


def _count(pg) -> int:
    return int(re.sub(r"[.,]", "", pg.locator("#post-count").inner_text().split()[0]))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_every_page_renders_clean_and_fits_the_screen(browser, server, viewport):
    ctx, pg = _context(browser, server, viewport)
    problems = []
    for path in PAGES:
        resp = pg.goto(server["url"] + path)
        pg.wait_for_load_state("networkidle")
        assert resp.status == 200, (path, resp.status)
        shot = server["shots"] / f"{viewport['width']}-{_name(path)}.png"
        pg.screenshot(path=str(shot), full_page=True)
        text = pg.locator("body").inner_text()
        for m in BAD.finditer(text):
            problems.append(f"{path}: {text[max(0, m.start() - 50):m.end() + 30]!r}")
        sw, cw = pg.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if viewport is PHONE:
            assert sw <= cw, f"{path} scrolls sideways at 390 px ({sw} > {cw}); see {shot}"
    assert not problems, "\n".join(problems)
    assert not pg.js_errors, pg.js_errors
    ctx.close()


def test_phone_menu_opens_and_navigates(browser, server):
    ctx, pg = _context(browser, server, PHONE)
    link = pg.locator("#nav-links a[href='/jaringan']")
    assert not link.is_visible()                       # collapsed behind the menu button
    pg.click("#menu-button")
    assert link.is_visible() and pg.get_attribute("#menu-button", "aria-expanded") == "true"
    pg.screenshot(path=str(server["shots"] / "390-menu-open.png"))
    link.click()
    pg.wait_for_url(re.compile(r"/jaringan$"))
    # a wide table scrolls inside its own box, not the page
    pg.goto(server["url"] + "/posts")
    box = pg.evaluate("""() => { const t = document.querySelector('table.posts');
        return [t.scrollWidth, t.clientWidth, getComputedStyle(t).overflowX]; }""")
    assert box[0] > box[1] and box[2] == "auto", box
    ctx.close()


@pytest.mark.parametrize("user", [("admin", "admin-pass-123"), ("vi", "viewer-pass-1234")], ids=["admin", "viewer"])
def test_linked_numbers_open_exactly_their_posts_in_the_browser(browser, server, user):
    ctx, pg = _context(browser, server, DESKTOP, user)
    checked, kinds = 0, set()
    for path in ["/", "/kandidat", "/isu", "/wilayah", "/influencer", "/radar", "/mobilisasi"]:
        pg.goto(server["url"] + path)
        links = pg.eval_on_selector_all(
            "main a[href^='/posts?']", "els => els.map(e => [e.getAttribute('href'), e.innerText.trim()])")
        seen: dict[str, str] = {}
        for href, text in links:
            if (not re.fullmatch(r"[0-9][0-9.,]*", text) or href in seen
                    or text in dict(parse_qsl(urlsplit(href).query)).values()):
                continue   # a count, not a name that happens to be a number (an account id)
            seen[href] = text
            params = dict(parse_qsl(urlsplit(href).query))
            total = pg.request.get(server["url"] + "/api/v1/posts", params={**params, "limit": "1"}).json()["total"]
            want = 1 if "post" in params else int(re.sub(r"[.,]", "", text))
            assert total == want, (path, href, text, total)
            kinds |= set(params)
            checked += 1
        follow = next(((h, t) for h, t in seen.items() if "post" not in dict(parse_qsl(urlsplit(h).query))), None)
        if follow:  # and one of them, followed in the browser, shows the same count in the explorer
            href, text = follow
            pg.goto(server["url"] + href)
            assert _count(pg) == int(re.sub(r"[.,]", "", text)), (path, href)
    assert checked >= 20 and {"candidate", "region", "account", "alert"} <= kinds, (checked, kinds)
    ctx.close()


def _click_bar(pg, div: str, trace: int) -> tuple[int, float]:
    """Click the tallest bar of a trace; returns (data index, its height)."""
    i, y = pg.evaluate(f"""() => {{ const gd = document.getElementById('{div}');
        const ys = gd.data[{trace}].y; let k = 0; ys.forEach((v, j) => {{ if (v > ys[k]) k = j; }});
        return [k, ys[k]]; }}""")
    bar = pg.locator(f"#{div} .barlayer .trace").nth(trace).locator(".point").nth(i)
    bar.scroll_into_view_if_needed()
    b = bar.bounding_box()
    pg.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    pg.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    return i, y


def test_chart_clicks_open_the_posts_behind_a_bar_or_point(browser, server):
    ctx, pg = _context(browser, server, DESKTOP)
    url = server["url"]
    for div, trace, want in (("chart-pair-sentiment-days-1", 2, {"candidate": "1", "sentiment": "negative"}),
                             ("chart-pair-sentiment-days-2", 0, {"candidate": "2", "sentiment": "positive"})):
        pg.goto(url + "/kandidat")
        pg.wait_for_load_state("networkidle")
        i, y = _click_bar(pg, div, trace)
        pg.wait_for_url(re.compile(r"/posts\?"))
        params = dict(parse_qsl(urlsplit(pg.url).query))
        assert {k: params.get(k) for k in want} == want and params["since"].endswith("+08:00"), pg.url
        assert _count(pg) == y > 0, (div, i, y, pg.url)
        # the time filter survives the explorer's form: a further filter keeps the same day
        pg.select_option("select[name=platform]", index=1)
        pg.click("form.filters button[type=submit]")
        pg.wait_for_url(re.compile(r"platform="))
        assert dict(parse_qsl(urlsplit(pg.url).query))["since"] == params["since"]
        assert _count(pg) <= y
    pg.screenshot(path=str(server["shots"] / "1366-chart-click-posts.png"), full_page=True)
    # the overview's share-of-voice bar without coordinated accounts
    pg.goto(url + "/")
    pg.wait_for_load_state("networkidle")
    _click_bar(pg, "chart-sov-chart", 1)
    pg.wait_for_url(re.compile(r"buzzer=exclude"))
    assert _count(pg) > 0
    # a node of the network graph opens the account's posts
    pg.goto(url + "/jaringan")
    pg.wait_for_load_state("networkidle")
    node = pg.locator("#chart-network .scatterlayer .trace .points path").last
    node.scroll_into_view_if_needed()
    b = node.bounding_box()
    pg.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    pg.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    pg.wait_for_url(re.compile(r"/posts\?account="))
    assert _count(pg) > 0
    assert not pg.js_errors, pg.js_errors
    ctx.close()


def test_full_exports_and_network_downloads(browser, server):
    import xml.etree.ElementTree as ET

    openpyxl = pytest.importorskip("openpyxl")
    ctx, pg = _context(browser, server, DESKTOP)
    url = server["url"]
    pg.goto(url + "/posts")
    with pg.expect_download() as dl:
        pg.click("a.dl[href^='/api/v1/posts.csv']")
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == server["n_posts"] == _count(pg) > 200
    with pg.expect_download() as dl:
        pg.click("a.dl[href^='/api/v1/posts.xlsx']")
    assert dl.value.suggested_filename == "posts.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()), read_only=True)
    assert sum(1 for _ in wb.active.iter_rows()) - 1 == server["n_posts"]
    for scope, page in (("coordinated", "/jaringan"), ("all", "/jaringan?graph=all")):
        pg.goto(url + page)
        net = pg.request.get(url + "/api/v1/network", params={"scope": scope}).json()
        with pg.expect_download() as dl:
            pg.click(f"a[href='/api/v1/network.gexf?scope={scope}']")
        g = ET.parse(dl.value.path()).getroot()
        ns = {"g": "http://gexf.net/1.3"}
        assert len(g.findall(".//g:node", ns)) == len(net["nodes"]) > 0
        with pg.expect_download() as dl:
            pg.click(f"a[href='/api/v1/network/edges.csv?scope={scope}']")
        edges = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
        assert len(edges) == len(net["edges"]) > 0
    assert len(net["nodes"]) == min(net["cap"], net["accounts_total"])   # bounded, and says how many there were
    ctx.close()


def test_web_import_shows_a_readable_summary(browser, server):
    ctx, pg = _context(browser, server, DESKTOP)
    f = server["dir"] / "unggahan-baru.jsonl"
    rows = [{"suara_type": "post", "platform": "x", "post_id": "web-1", "text": "Rudy Seno mantap, jalan mulus",
             "created_at": "2024-11-20T03:00:00Z", "author": {"account_id": "w1", "handle": "baru"}},
            {"suara_type": "post", "platform": "x", "post_id": "web-2", "text": "Isran Hadi zaman dulu",
             "created_at": "2019-05-01T04:00:00Z", "author": {"account_id": "w2", "handle": "lama"}},
            {"suara_type": "post", "platform": "x", "text": "tanpa id"}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    pg.goto(server["url"] + "/import")
    pg.set_input_files("input[name=files]", str(f))
    pg.select_option("select[name=timezone]", "Asia/Makassar")
    assert pg.is_checked("input[name=enrich]")
    pg.click("form[action='/import'] button[type=submit]")
    pg.wait_for_url(re.compile(r"/import\?job=job-"))
    pg.locator("#import-summary ul.summary").first.wait_for(timeout=300_000)   # reloads itself when the job ends
    text = pg.locator("#import-summary").inner_text()
    assert "2 unggahan diimpor: 2 baru" in text and "1 baris dikarantina" in text
    assert "1 unggahan di luar masa pemilu" in text and "diperkaya" in text
    assert "post_id" in pg.locator("#quarantine-reasons").inner_text()
    pg.screenshot(path=str(server["shots"] / "1366-import-summary.png"), full_page=True)
    pg.goto(server["url"] + "/posts?q=jalan+mulus&candidate=2")
    assert _count(pg) == 1                       # enriched: counted for its pair at once
    ctx.close()
