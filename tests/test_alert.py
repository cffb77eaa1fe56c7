"""Webhook delivery against a local HTTP receiver on 127.0.0.1: formats, a 500 then success,
deduplication on re-run, digest mode, and that secret URLs never appear in output."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from suara.alert import deliver, mask_url, payload, post_json, send_test
from suara.config.workspace import WebhookSettings

ALERTS = [
    {"id": "al-1", "kind": "anomaly", "candidate": "1", "issue": "ikn", "type": "hoax", "severity": "high",
     "posts": 14, "detected_at": "2024-11-08T03:15:00", "onset_at": "2024-11-08T03:00:00",
     "top_accounts": ["x:a", "x:b"], "reason": "70% of posts match a known hoax claim"},
    {"id": "al-2", "kind": "anomaly", "candidate": "2", "issue": None, "type": "organic_criticism",
     "severity": "low", "posts": 9, "detected_at": "2024-11-08T03:40:00", "onset_at": "2024-11-08T03:30:00",
     "top_accounts": [], "reason": "negative"},
    {"id": "al-3", "kind": "anomaly", "candidate": "2", "issue": "banjir", "type": "black_campaign",
     "severity": "critical", "posts": 90, "detected_at": "2024-11-08T04:10:00",
     "onset_at": "2024-11-08T04:00:00", "top_accounts": ["x:b1"], "reason": "coordinated"},
]


class Receiver:
    """A local webhook receiver: answers the queued status codes first, then 200."""

    def __init__(self, fail_first: list[int] | None = None):
        self.requests: list[dict] = []
        self.queue = list(fail_first or [])
        rec = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(n) or b"{}")
                code = rec.queue.pop(0) if rec.queue else 200
                rec.requests.append({"path": self.path, "body": body, "code": code})
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *a):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), H)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _configure(ws, hooks):
    ws.config.webhooks = [WebhookSettings(**h) for h in hooks]


def test_alert_payload_shapes():
    s = payload("slack", ALERTS, None)
    assert set(s) == {"text", "blocks"} and s["blocks"][0]["type"] == "header"
    assert len(s["blocks"]) == 1 + len(ALERTS)
    t = payload("telegram", ALERTS[:1], "-100123")
    assert t["chat_id"] == "-100123" and t["parse_mode"] == "HTML" and "<b>" in t["text"]
    j = payload("json", ALERTS, None)
    assert j["count"] == 3 and j["alerts"][0]["id"] == "al-1"


def test_alert_retry_500_then_success(receiver):
    receiver.queue = [500, 503]
    waits = []
    r = post_json(receiver.url("/hook"), {"a": 1}, retries=4, backoff=0.01, sleep=waits.append)
    assert r.ok and r.attempts == 3
    assert waits == [0.01, 0.02]                       # exponential backoff
    assert [x["code"] for x in receiver.requests] == [500, 503, 200]


def test_alert_client_error_is_final(receiver):
    receiver.queue = [400]
    r = post_json(receiver.url("/hook"), {}, retries=3, backoff=0.0, sleep=lambda s: None)
    assert not r.ok and r.attempts == 1 and r.status == 400


def test_alert_deliver_dedup_and_min_severity(workspace, receiver):
    _configure(workspace, [{"url": receiver.url("/services/T000/B000/SECRETsecret1"), "kind": "slack",
                            "min_severity": "medium"}])
    receiver.queue = [500]
    res = deliver(workspace, alerts=ALERTS, backoff=0.0, sleep=lambda s: None)
    assert res[0]["sent"] == 2 and res[0]["failed"] == 0       # low one filtered out
    assert len(receiver.requests) == 3                         # 500 + retry + second alert
    again = deliver(workspace, alerts=ALERTS, backoff=0.0, sleep=lambda s: None)
    assert again[0]["sent"] == 0 and again[0]["skipped"] == 2
    assert len(receiver.requests) == 3                         # nothing sent twice
    rows = workspace.store.sql("SELECT * FROM webhook_deliveries")
    assert len(rows) == 2 and set(rows["status"]) == {"sent"}
    assert "SECRET" not in " ".join(rows["channel"]) + " ".join(rows["error"].fillna(""))
    log = workspace.store.sql("SELECT * FROM audit_log WHERE action = 'alert.deliver'")
    assert len(log) >= 1 and "SECRET" not in " ".join(log["target"])
    # an escalation is a new message
    esc = [dict(ALERTS[0], severity="critical")]
    assert deliver(workspace, alerts=esc, backoff=0.0, sleep=lambda s: None)[0]["sent"] == 1


def test_alert_deliver_failure_is_recorded_and_retried_next_run(workspace, receiver):
    _configure(workspace, [{"url": receiver.url("/hook"), "kind": "json"}])
    receiver.queue = [500] * 3
    res = deliver(workspace, alerts=ALERTS[:1], retries=2, backoff=0.0, sleep=lambda s: None)
    assert res[0]["failed"] == 1
    row = workspace.store.sql("SELECT status, attempts, error FROM webhook_deliveries").iloc[0]
    assert row["status"] == "failed" and row["attempts"] == 3 and "500" in row["error"]
    res = deliver(workspace, alerts=ALERTS[:1], retries=2, backoff=0.0, sleep=lambda s: None)
    assert res[0]["sent"] == 1
    row = workspace.store.sql("SELECT status, attempts FROM webhook_deliveries").iloc[0]
    assert row["status"] == "sent" and row["attempts"] == 4


def test_alert_digest_mode_groups_alerts(workspace, receiver):
    _configure(workspace, [{"url": receiver.url("/bot123:TOKEN/sendMessage"), "kind": "telegram",
                            "chat_id": "-1001", "digest_minutes": 60}])
    res = deliver(workspace, alerts=ALERTS, backoff=0.0, sleep=lambda s: None)
    # 03:15 and 03:40 fall in one hour, 04:10 in the next
    assert res[0]["messages"] == 2 and res[0]["sent"] == 3
    assert receiver.requests[0]["body"]["chat_id"] == "-1001"
    assert "al-1" in receiver.requests[0]["body"]["text"] and "al-2" in receiver.requests[0]["body"]["text"]


def test_alert_unreachable_error_masks_url():
    url = "http://127.0.0.1:9/bot999:VERYSECRET/sendMessage"
    r = post_json(url, {}, retries=1, backoff=0.0, timeout=0.5, sleep=lambda s: None)
    assert not r.ok and r.attempts == 2
    assert "VERYSECRET" not in (r.error or "")
    assert "VERYSECRET" not in mask_url(url)


def test_alert_cli_test_and_deliver(workspace, receiver, tmp_path):
    from typer.testing import CliRunner
    from suara.cli import app
    from test_radar_world import load_world, world_frames
    url = receiver.url("/services/T1/B1/TOPSECRETtoken")
    workspace.config.webhooks = [WebhookSettings(url=url, kind="slack")]
    workspace.config.save(workspace.path)
    load_world(workspace, world_frames())
    runner = CliRunner()
    r = runner.invoke(app, ["alert", "test", "-w", str(workspace.path)])
    assert r.exit_code == 0, r.output
    assert "TOPSECRET" not in r.output
    r = runner.invoke(app, ["alert", "deliver", "-w", str(workspace.path), "--json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res[0]["sent"] >= 2 and "TOPSECRET" not in r.stdout
    r2 = runner.invoke(app, ["alert", "deliver", "-w", str(workspace.path), "--json"])
    assert json.loads(r2.stdout)[0]["sent"] == 0


def test_alert_send_test_without_hooks(workspace):
    assert send_test(workspace) == []
