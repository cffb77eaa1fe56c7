"""Pull connectors against a local HTTP server (127.0.0.1) that serves recorded responses in
the real API shapes, including rate limiting (429) and a page failure followed by resume."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from typer.testing import CliRunner

from suara.cli import app
from suara.ingest.pull import STATE_FILE, PullError, page_files, pull
from suara.ingest.pull.base import ApiClient, mask

TOKEN = "tok-SECRET-abc123456789"
runner = CliRunner()


class FakeApi:
    """A scripted API: ``routes[(method, path)](query, body, headers) -> (status, headers, body)``.
    ``faults`` maps a request number (1-based, per route) to a (status, headers) to send instead."""

    def __init__(self):
        self.routes, self.faults, self.log, self.counts = {}, {}, [], {}
        api = self

        class H(BaseHTTPRequestHandler):
            def _go(self, method):
                u = urlparse(self.path)
                n = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(n)) if n else None
                key = (method, u.path)
                api.counts[key] = api.counts.get(key, 0) + 1
                api.log.append({"method": method, "path": u.path, "url": self.path,
                                "query": parse_qs(u.query), "body": body, "headers": dict(self.headers)})
                fault = api.faults.get((key, api.counts[key]))
                if fault:
                    status, hdrs, out = fault[0], fault[1], {"error": {"code": "x", "message": "fault"}}
                elif key in api.routes:
                    status, hdrs, out = api.routes[key](parse_qs(u.query), body, self.headers)
                else:
                    status, hdrs, out = 404, {}, {"error": "no route"}
                data = json.dumps(out).encode()
                self.send_response(status)
                for k, v in hdrs.items():
                    self.send_header(k, v)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._go("GET")

            def do_POST(self):
                self._go("POST")

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api():
    a = FakeApi()
    yield a
    a.close()


def _no_sleep(waits):
    return lambda s: waits.append(s)


# -- TikTok Research API ---------------------------------------------------------------------
def _tiktok_routes(api):
    videos = {
        None: ([{"id": 7439876543210987654, "username": "akun1", "create_time": 1732100000,
                 "video_description": "Debat #pilgubkaltim", "like_count": 5, "comment_count": 1,
                 "share_count": 0, "view_count": 100, "region_code": "ID", "hashtag_names": ["pilgubkaltim"]}],
               True, 100),
        100: ([{"id": 7439876543210987655, "username": "akun2", "create_time": 1732200000,
                "video_description": "Kampanye di Samarinda", "like_count": 9, "comment_count": 0,
                "share_count": 1, "view_count": 300, "region_code": "ID", "hashtag_names": []}], False, 200),
    }

    def query(q, body, headers):
        assert headers["authorization"] == f"Bearer {TOKEN}"
        vids, more, cur = videos[body.get("cursor")]
        return 200, {}, {"data": {"videos": vids, "cursor": cur, "search_id": "7201388525814961198",
                                  "has_more": more},
                         "error": {"code": "ok", "message": "", "log_id": "20241120"}}

    def comments(q, body, headers):
        c = [] if body["video_id"] != 7439876543210987654 else [
            {"id": 7439900000000000011, "video_id": 7439876543210987654, "text": "mantap",
             "parent_comment_id": 7439876543210987654, "create_time": 1732101000, "like_count": 2,
             "reply_count": 0}]
        return 200, {}, {"data": {"comments": c, "has_more": False, "cursor": len(c)},
                         "error": {"code": "ok", "message": "", "log_id": "1"}}

    api.routes[("POST", "/v2/research/video/query/")] = query
    api.routes[("POST", "/v2/research/video/comment/list/")] = comments


def test_pull_tiktok_rate_limit_failure_and_resume(api, tmp_path, workspace):
    _tiktok_routes(api)
    q = ("POST", "/v2/research/video/query/")
    api.faults[(q, 1)] = (429, {"Retry-After": "7"})                 # first call rate-limited
    for n in range(3, 3 + 4):                                          # page 2 fails 4 times
        api.faults[(q, n)] = (503, {})
    out = tmp_path / "tt"
    waits = []
    res = pull("tiktok", "pilgub kaltim", "2024-11-01", "2024-11-30", out, token=TOKEN,
               base_url=api.url, max_retries=2, backoff=0.01, sleep=_no_sleep(waits))
    assert res.error and "HTTP 503" in res.error and TOKEN not in res.error
    assert res.pages == 1 and not res.done and waits[0] == 7.0
    state = json.loads((out / STATE_FILE).read_text())
    assert state["cursor"]["cursor"] == 100 and state["cursor"]["search_id"] == "7201388525814961198"
    first_page_requests = [e for e in api.log if e["path"] == q[1] and (e["body"] or {}).get("cursor") is None]
    # resume: continues with cursor 100 and the search id, never re-asks page 1
    res2 = pull("tiktok", "pilgub kaltim", "2024-11-01", "2024-11-30", out, token=TOKEN,
                base_url=api.url, max_retries=2, backoff=0.01, sleep=_no_sleep(waits))
    assert res2.error is None and res2.done and res2.resumed and res2.pages == 1 and res2.total_pages == 2
    assert len([e for e in api.log if e["path"] == q[1] and (e["body"] or {}).get("cursor") is None]) \
        == len(first_page_requests)
    body = api.log[-1]["body"]
    assert body["cursor"] == 100 and body["search_id"] == "7201388525814961198"
    assert body["start_date"] == "20241101" and body["end_date"] == "20241130"
    assert body["query"] == {"and": [{"operation": "IN", "field_name": "keyword",
                                      "field_values": ["pilgub kaltim"]}]}
    # a finished pull does nothing more
    n = len(api.log)
    assert pull("tiktok", "pilgub kaltim", "2024-11-01", "2024-11-30", out, token=TOKEN,
                base_url=api.url).done and len(api.log) == n
    # the token is in no file of the pull folder (pages, cursor)
    assert all(TOKEN not in f.read_text() for f in out.iterdir())
    # the saved pages are the real response shape: the ordinary importer reads them
    reps = workspace.ingest(page_files(out))
    assert [r.format for r in reps] == ["tiktok-research", "tiktok-research"]
    ids = sorted(workspace.store.sql("SELECT post_id FROM posts").post_id)
    assert ids == ["7439876543210987654", "7439876543210987655"]


def test_pull_tiktok_windows_and_comments(api, tmp_path):
    _tiktok_routes(api)
    out = tmp_path / "tt"
    res = pull("tiktok", "#pilgubkaltim", "2024-10-01", "2024-11-15", out, token=TOKEN,
               base_url=api.url, comments=True, sleep=lambda s: None)
    assert res.done and res.error is None
    qs = [e["body"] for e in api.log if e["path"] == "/v2/research/video/query/"]
    # 46 days -> two windows of at most 30 days, each paged to the end
    assert [(b["start_date"], b["end_date"]) for b in qs] == [
        ("20241001", "20241030"), ("20241001", "20241030"), ("20241031", "20241115"), ("20241031", "20241115")]
    assert qs[0]["query"]["and"][0] == {"operation": "EQ", "field_name": "hashtag_name",
                                        "field_values": ["pilgubkaltim"]}
    names = [Path(f).name for f in res.files]
    assert names[:2] == ["tiktok-videos-00001.json", "tiktok-comments-00002.json"]


def test_pull_refuses_a_different_pull_in_the_same_folder(api, tmp_path):
    _tiktok_routes(api)
    out = tmp_path / "tt"
    pull("tiktok", "a", "2024-11-01", "2024-11-02", out, token=TOKEN, base_url=api.url, max_pages=1)
    with pytest.raises(PullError, match="another pull"):
        pull("tiktok", "b", "2024-11-01", "2024-11-02", out, token=TOKEN, base_url=api.url)


# -- YouTube Data API v3 ---------------------------------------------------------------------
def _video(vid, title, views):
    return {"kind": "youtube#video", "etag": "e", "id": vid,
            "snippet": {"publishedAt": "2024-11-20T01:00:00Z", "channelId": "UCkaltim", "title": title,
                        "description": f"{title} lengkap #Kaltim2024", "channelTitle": "Kaltim TV",
                        "liveBroadcastContent": "none"},
            "statistics": {"viewCount": str(views), "likeCount": "10", "favoriteCount": "0", "commentCount": "2"}}


def _youtube_routes(api):
    def search(q, body, headers):
        tok = (q.get("pageToken") or [None])[0]
        items = [{"kind": "youtube#searchResult", "etag": "e", "id": {"kind": "youtube#video", "videoId": v},
                  "snippet": {"publishedAt": "2024-11-20T01:00:00Z", "channelId": "UCkaltim", "title": t,
                              "description": "potongan ...", "channelTitle": "Kaltim TV",
                              "liveBroadcastContent": "none"}}
                 for v, t in ([("vid1", "Debat 1"), ("vid2", "Debat 2")] if tok is None else [("vid3", "Debat 3")])]
        page = {"kind": "youtube#searchListResponse", "etag": "e", "regionCode": "ID",
                "pageInfo": {"totalResults": 3, "resultsPerPage": 50}, "items": items}
        if tok is None:
            page["nextPageToken"] = "CDIQAA"
        return 200, {}, page

    def videos(q, body, headers):
        ids = q["id"][0].split(",")
        return 200, {}, {"kind": "youtube#videoListResponse", "etag": "e",
                         "items": [_video(v, f"Debat {v[-1]}", 1000 + int(v[-1])) for v in ids],
                         "pageInfo": {"totalResults": len(ids), "resultsPerPage": len(ids)}}

    def threads(q, body, headers):
        vid = q["videoId"][0]
        if vid == "vid2":
            return 403, {}, {"error": {"code": 403, "message": "The video has disabled comments.",
                                       "errors": [{"reason": "commentsDisabled"}]}}
        items = []
        if vid == "vid1":
            items = [{"kind": "youtube#commentThread", "etag": "e", "id": "UgzTop1",
                      "snippet": {"videoId": "vid1", "topLevelComment": {
                          "kind": "youtube#comment", "etag": "e", "id": "UgzTop1",
                          "snippet": {"authorDisplayName": "Warga", "authorChannelId": {"value": "UCwarga"},
                                      "videoId": "vid1", "textDisplay": "Setuju &amp; mantap",
                                      "textOriginal": "Setuju & mantap", "likeCount": 3,
                                      "publishedAt": "2024-11-20T02:00:00Z", "updatedAt": "2024-11-20T02:00:00Z"}},
                          "canReply": True, "totalReplyCount": 1, "isPublic": True},
                      "replies": {"comments": [{"kind": "youtube#comment", "etag": "e", "id": "UgzTop1.rep1",
                                                "snippet": {"authorDisplayName": "B", "authorChannelId": {"value": "UCb"},
                                                            "videoId": "vid1", "textOriginal": "iya",
                                                            "parentId": "UgzTop1", "likeCount": 0,
                                                            "publishedAt": "2024-11-20T03:00:00Z"}}]}}]
        return 200, {}, {"kind": "youtube#commentThreadListResponse", "etag": "e",
                         "pageInfo": {"totalResults": len(items), "resultsPerPage": 100}, "items": items}

    api.routes[("GET", "/youtube/v3/search")] = search
    api.routes[("GET", "/youtube/v3/videos")] = videos
    api.routes[("GET", "/youtube/v3/commentThreads")] = threads


def test_pull_youtube_cli_end_to_end(api, tmp_path, monkeypatch):
    _youtube_routes(api)
    api.faults[(("GET", "/youtube/v3/videos"), 1)] = (429, {})     # no Retry-After: backoff
    monkeypatch.setenv("SUARA_YOUTUBE_KEY", TOKEN)
    monkeypatch.setenv("SUARA_YOUTUBE_API", api.url + "/youtube/v3")
    monkeypatch.setenv("SUARA_PULL_BACKOFF", "0.01")
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    out = tmp_path / "yt"
    r = runner.invoke(app, ["pull", "youtube", "debat pilgub kaltim", "--since", "2024-11-01",
                            "--until", "2024-11-30", "-o", str(out), "-w", str(ws), "--json"])
    assert r.exit_code == 0, r.output
    assert TOKEN not in r.output
    d = json.loads(r.stdout)
    assert d["done"] and d["total_pages"] == 5      # search, videos, comments(vid1), search, videos
    # the key travels in a header, never in a URL
    assert all(TOKEN not in e["url"] for e in api.log)
    assert all(e["headers"].get("X-Goog-Api-Key") == TOKEN for e in api.log)
    s = api.log[0]["query"]
    assert s["publishedAfter"] == ["2024-11-01T00:00:00Z"] and s["publishedBefore"] == ["2024-12-01T00:00:00Z"]
    fmts = {Path(x["file"]).name: (x["format"], x["quarantined"]) for x in d["ingest"]}
    assert all(v == ("youtube-api", 0) for v in fmts.values())
    import suara
    w = suara.open(ws)
    posts = w.store.sql("SELECT post_id, kind, text, views, parent_id FROM posts ORDER BY post_id")
    w.close()
    rows = {p.post_id: p for p in posts.itertuples()}
    assert set(rows) == {"vid1", "vid2", "vid3", "UgzTop1", "UgzTop1.rep1"}
    # full videos.list text wins over the truncated search snippet (videos ingested first)
    assert rows["vid1"].text.startswith("Debat 1\n\nDebat 1 lengkap") and rows["vid3"].views == 1003
    assert rows["UgzTop1.rep1"].parent_id == "UgzTop1"


def test_pull_youtube_bad_key_is_masked(api, tmp_path):
    api.routes[("GET", "/youtube/v3/search")] = lambda q, b, h: (
        400, {}, {"error": {"code": 400, "message": f"API key not valid: {h.get('X-Goog-Api-Key')}"}})
    res = pull("youtube", "x", "2024-11-01", "2024-11-02", tmp_path / "o", token=TOKEN,
               base_url=api.url + "/youtube/v3")
    assert res.error and "HTTP 400" in res.error and TOKEN not in res.error and "***" in res.error


# -- X API v2 --------------------------------------------------------------------------------
def _x_routes(api):
    def search(q, body, headers):
        assert headers["authorization"] == f"Bearer {TOKEN}"
        tok = (q.get("next_token") or [None])[0]
        n = 1 if tok is None else 2
        page = {"data": [{"id": f"18580000000000000{n}", "text": f"Debat Pilgub Kaltim #{n}", "author_id": "42",
                          "created_at": "2024-11-20T01:00:00.000Z", "lang": "in",
                          "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 3, "quote_count": 0,
                                             "impression_count": 50}}],
                "includes": {"users": [{"id": "42", "username": "warga_kaltim", "name": "Warga"}]},
                "meta": {"newest_id": "1", "oldest_id": "1", "result_count": 1}}
        if n == 1:
            page["meta"]["next_token"] = "b26v89c19zqg8o3fpds"
        return 200, {}, page
    api.routes[("GET", "/2/tweets/search/all")] = search


def test_pull_x_rate_limit_reset_header(api, tmp_path, workspace):
    import time as _t
    _x_routes(api)
    api.faults[(("GET", "/2/tweets/search/all"), 2)] = (429, {"x-rate-limit-reset": str(int(_t.time()) + 30)})
    waits = []
    res = pull("x", "pilgub kaltim lang:id", "2024-11-01", "2024-11-30", tmp_path / "x", token=TOKEN,
               base_url=api.url, sleep=_no_sleep(waits), min_interval=0)
    assert res.done and res.total_pages == 2 and res.error is None
    assert any(25 <= w <= 31 for w in waits)
    q = api.log[-1]["query"]
    assert q["next_token"] == ["b26v89c19zqg8o3fpds"] and q["start_time"] == ["2024-11-01T00:00:00Z"]
    assert "author_id" in q["expansions"][0]
    page = json.loads((tmp_path / "x" / "x-search-00001.json").read_text())
    assert page["includes"]["users"][0]["username"] == "warga_kaltim"
    from suara.ingest import registry
    if "x-api-v2" not in registry.formats():
        pytest.skip("X API v2 importer not registered")
    reps = workspace.ingest(page_files(tmp_path / "x"))     # read back by the X API v2 importer
    assert [r.format for r in reps] == ["x-api-v2", "x-api-v2"] and sum(r.accepted for r in reps) == 2


def test_pull_missing_token_and_bad_dates(monkeypatch, tmp_path):
    monkeypatch.delenv("SUARA_TIKTOK_TOKEN", raising=False)
    r = runner.invoke(app, ["pull", "tiktok", "x", "--since", "2024-11-01", "--until", "2024-11-02",
                            "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "SUARA_TIKTOK_TOKEN" in r.output
    with pytest.raises(PullError, match="before"):
        pull("x", "q", "2024-11-05", "2024-11-01", tmp_path / "o", token=TOKEN)
    with pytest.raises(PullError, match="unknown platform"):
        pull("facebook", "q", "2024-11-01", "2024-11-02", tmp_path / "o", token=TOKEN)


def test_pull_network_error_is_retried_then_reported(tmp_path):
    import httpx
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ConnectError(f"refused {request.url}")
    c = ApiClient(headers={"Authorization": f"Bearer {TOKEN}"}, secrets=[TOKEN], max_retries=2,
                  backoff=0.001, sleep=lambda s: None, transport=httpx.MockTransport(handler))
    with pytest.raises(PullError, match="network error after 3 tries"):
        c.request("GET", f"http://127.0.0.1:9/x?key={TOKEN}")
    assert len(calls) == 3
    assert mask(f"a {TOKEN} b", [TOKEN]) == "a *** b"


def test_pull_cli_stops_with_exit_3_and_resumes(api, tmp_path, monkeypatch):
    _tiktok_routes(api)
    q = ("POST", "/v2/research/video/query/")
    for n in range(2, 2 + 6):                                          # page 2 keeps failing
        api.faults[(q, n)] = (500, {})
    monkeypatch.setenv("SUARA_TIKTOK_TOKEN", TOKEN)
    monkeypatch.setenv("SUARA_TIKTOK_API", api.url)
    monkeypatch.setenv("SUARA_PULL_BACKOFF", "0.001")
    ws = tmp_path / "ws"
    runner.invoke(app, ["init", str(ws)])
    args = ["pull", "tiktok", "pilgub", "--since", "2024-11-01", "--until", "2024-11-02",
            "-o", str(tmp_path / "o"), "-w", str(ws)]
    r = runner.invoke(app, args)
    text = " ".join(r.output.split())
    assert r.exit_code == 3 and "HTTP 500" in text and TOKEN not in text
    assert "1 new pages" in text and "not complete" in text
    import suara
    w = suara.open(ws)
    assert w.store.count("posts") == 1          # the page saved before the failure is imported
    w.close()
    r = runner.invoke(app, args)
    text = " ".join(r.output.split())
    assert r.exit_code == 0, r.output
    assert "Continued" in text and "; complete." in text


def test_pull_rate_limit_headers_with_unicode_digits_are_ignored():
    """A server's ``Retry-After: ³`` (a digit to ``str.isdigit``, not to ``float``) is no
    waiting time and no crash; plain seconds and epoch resets still count."""
    import httpx

    from suara.ingest.pull.base import _retry_after
    assert _retry_after(httpx.Response(429, headers={"retry-after": "\u00b3".encode("latin-1")}), 0.0) is None
    assert _retry_after(httpx.Response(429, headers={"x-rate-limit-reset": "\u00b3".encode("latin-1")}), 0.0) is None
    assert _retry_after(httpx.Response(429, headers={"retry-after": "7"}), 0.0) == 7.0
