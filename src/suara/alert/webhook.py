"""Webhook delivery of radar alerts: generic JSON, Slack-compatible and Telegram Bot API.

Each webhook in ``suara.yaml`` (``webhooks:`` list, see
:class:`suara.config.workspace.WebhookSettings`) is one *channel*. Delivery:

- picks alerts at or above the channel's ``min_severity``;
- skips what was already sent: the ``webhook_deliveries`` table holds one row per
  (channel, alert, severity) with a stable ``dedup_key``, so a re-run sends nothing twice, and
  an alert that escalates to a higher severity is sent again;
- with ``digest_minutes > 0`` sends one message per channel and time window listing all
  pending alerts instead of one message each;
- retries failed requests (network errors, HTTP 429 and 5xx) with exponential backoff
  (``backoff * 2**attempt`` seconds, honouring ``Retry-After``); 4xx other than 429 is final.

Webhook URLs carry secrets (Slack paths, Telegram bot tokens): only :func:`mask_url` forms
appear in messages, logs and the deliveries table.

Example
-------
>>> payload(FORMATS[0], [{"id": "al-1", "type": "hoax", "severity": "high", "candidate": "1",
...     "issue": "ikn", "posts": 12, "detected_at": "2024-11-08T03:15:00", "top_accounts": [],
...     "reason": "hoax"}], None)["alerts"][0]["id"]
'al-1'
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterable

import pandas as pd

__all__ = ["FORMATS", "mask_url", "payload", "post_json", "deliver", "send_test", "DeliveryResult"]

FORMATS = ("json", "slack", "telegram")
_SEV = ("low", "medium", "high", "critical")
_ICON = {"low": "⚪", "medium": "🟡", "high": "🟠", "critical": "🔴"}


def mask_url(url: str) -> str:
    """Scheme, host and the last 4 characters of the URL: enough to tell channels apart,
    never enough to use the secret.

    Example
    -------
    >>> mask_url("https://hooks.slack.com/services/T000/B000/XXXXabcd")
    'https://hooks.slack.com/…abcd'
    >>> mask_url("https://api.telegram.org/bot123:SECRET/sendMessage")
    'https://api.telegram.org/…sage'
    """
    try:
        u = urllib.parse.urlsplit(url)
        host = u.hostname or "?"
        if u.port:
            host += f":{u.port}"
        return f"{u.scheme}://{host}/…{url[-4:]}"
    except ValueError:
        return "…" + url[-4:]


def _channel_id(hook) -> str:
    """Stable channel id from the (secret) URL without revealing it."""
    return f"{hook.kind}:" + hashlib.sha256(hook.url.encode()).hexdigest()[:10]


def _line(a: dict) -> str:
    who = f"pair {a['candidate']}" if a.get("candidate") else "all pairs"
    iss = f", issue {a['issue']}" if a.get("issue") else ""
    return (f"{_ICON.get(a.get('severity'), '')} [{str(a.get('severity', '')).upper()}] "
            f"{a.get('type')} — {who}{iss}: {a.get('posts', 0):,} posts, detected "
            f"{str(a.get('detected_at', ''))[:16]} UTC. {a.get('reason') or ''}").strip()


def payload(kind: str, alerts: list[dict], chat_id: str | None, title: str = "Suara radar") -> dict:
    """The request body for one message carrying ``alerts`` in format ``kind``.

    - ``json``: ``{"source", "title", "count", "alerts": [...]}`` (the alerts as listed by
      :func:`suara.detect.radar.list_alerts`).
    - ``slack``: ``{"text", "blocks"}`` (header + one section per alert).
    - ``telegram``: Bot API ``sendMessage`` body ``{"chat_id", "text", "parse_mode": "HTML",
      "disable_web_page_preview": true}``.

    Example
    -------
    >>> payload("telegram", [], "-100123")["chat_id"]
    '-100123'
    """
    head = title if len(alerts) <= 1 else f"{title}: {len(alerts)} alerts"
    if kind == "slack":
        blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": head[:150]}}]
        for a in alerts[:45]:                              # Slack allows 50 blocks
            accts = ", ".join(a.get("top_accounts", [])[:3])
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
                _line(a) + (f"\nTop accounts: {accts}" if accts else "") + f"\n`{a.get('id')}`")[:2900]}})
        return {"text": head + "\n" + "\n".join(_line(a) for a in alerts[:20]), "blocks": blocks}
    if kind == "telegram":
        body = "\n\n".join(html.escape(_line(a)) + f"\n<code>{html.escape(str(a.get('id')))}</code>"
                           for a in alerts[:30])
        return {"chat_id": chat_id, "text": (f"<b>{html.escape(head)}</b>\n\n" + body)[:4096],
                "parse_mode": "HTML", "disable_web_page_preview": True}
    return {"source": "suara", "title": head, "count": len(alerts), "alerts": alerts}


@dataclasses.dataclass
class DeliveryResult:
    """Outcome of one HTTP delivery (after retries)."""

    ok: bool
    attempts: int
    status: int | None
    error: str | None


def post_json(url: str, body: dict, retries: int = 4, backoff: float = 1.0, timeout: float = 10.0,
              sleep: Callable[[float], None] = time.sleep) -> DeliveryResult:
    """POST ``body`` as JSON; retry network errors, 429 and 5xx with exponential backoff.

    Example
    -------
    >>> post_json("http://127.0.0.1:9/none", {}, retries=0, timeout=0.2).ok
    False
    """
    data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    err, status = None, None
    for attempt in range(retries + 1):
        req = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "User-Agent": "suara-radar"})
        wait = backoff * (2 ** attempt)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status = r.status
                if 200 <= r.status < 300:
                    return DeliveryResult(True, attempt + 1, r.status, None)
                err = f"HTTP {r.status}"
        except urllib.error.HTTPError as e:
            status, err = e.code, f"HTTP {e.code}"
            if e.code < 500 and e.code != 429:
                return DeliveryResult(False, attempt + 1, e.code, err)
            ra = e.headers.get("Retry-After") if e.headers else None
            if ra and ra.isascii() and ra.isdigit():   # ASCII: float() refuses "³"
                wait = max(wait, float(ra))
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            reason = getattr(e, "reason", e)
            # the exception text may contain the URL: keep only its class and reason
            err = f"{type(e).__name__}: {str(reason)}".replace(url, mask_url(url))
        if attempt < retries:
            sleep(wait)
    return DeliveryResult(False, retries + 1, status, err)


def _dedup_key(channel: str, alert: dict) -> str:
    return hashlib.sha256(f"{channel}|{alert['id']}|{alert['severity']}".encode()).hexdigest()[:24]


def deliver(ws, alerts: list[dict] | None = None, retries: int = 4, backoff: float = 1.0,
            now: dt.datetime | None = None, sleep: Callable[[float], None] = time.sleep,
            timeout: float = 10.0) -> list[dict]:
    """Send pending alerts to every configured webhook; returns one summary per channel:
    ``{"channel": masked url, "kind", "sent": n alerts, "skipped": n already sent,
    "failed": n, "messages": n requests}``.

    Example
    -------
    >>> import suara, tempfile
    >>> deliver(suara.init(tempfile.mkdtemp()))
    []
    """
    from suara.analyse.alerts import list_alerts
    hooks = list(ws.config.webhooks)
    if not hooks:
        return []
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    alerts = list_alerts(ws) if alerts is None else alerts
    st = ws.store
    done = set(st.sql("SELECT dedup_key FROM webhook_deliveries WHERE status = 'sent'")["dedup_key"])
    prev = st.sql("SELECT dedup_key, attempts FROM webhook_deliveries")
    prev_attempts = {k: (0 if pd.isna(v) else int(v)) for k, v in zip(prev["dedup_key"], prev["attempts"])}
    summaries = []
    for hook in hooks:
        ch = _channel_id(hook)
        lvl = _SEV.index(hook.min_severity) if hook.min_severity in _SEV else 0
        mine = [a for a in alerts if a.get("severity") in _SEV[lvl:]]
        pending = [a for a in mine if _dedup_key(ch, a) not in done]
        skipped = len(mine) - len(pending)
        if hook.digest_minutes and hook.digest_minutes > 0:
            groups: dict[str, list[dict]] = {}
            for a in pending:
                t = pd.Timestamp(a.get("detected_at") or now)
                w = t.floor(f"{int(hook.digest_minutes)}min")
                groups.setdefault(str(w), []).append(a)
            batches = [groups[k] for k in sorted(groups)]
        else:
            batches = [[a] for a in pending]
        sent = failed = 0
        rows = []
        for batch in batches:
            body = payload(hook.kind, batch, hook.chat_id)
            res = post_json(hook.url, body, retries=retries, backoff=backoff, sleep=sleep,
                            timeout=timeout)
            for a in batch:
                k = _dedup_key(ch, a)
                rows.append({"delivery_id": f"{ch}:{k}", "alert_id": a["id"],
                             "channel": f"{hook.kind} {mask_url(hook.url)}", "dedup_key": k,
                             "status": "sent" if res.ok else "failed",
                             "attempts": prev_attempts.get(k, 0) + res.attempts,
                             "last_attempt_at": now, "error": res.error})
            if res.ok:
                sent += len(batch)
            else:
                failed += len(batch)
        if rows:
            st.upsert("webhook_deliveries", pd.DataFrame(rows),
                      overwrite=["status", "attempts", "last_attempt_at", "error", "channel"])
            st.append("audit_log", pd.DataFrame([{
                "at": now, "actor": "radar", "action": "alert.deliver",
                "target": f"{hook.kind} {mask_url(hook.url)}",
                "detail": json.dumps({"sent": sent, "failed": failed, "messages": len(batches)})}]))
        summaries.append({"channel": mask_url(hook.url), "kind": hook.kind, "sent": sent,
                          "skipped": skipped, "failed": failed, "messages": len(batches)})
    return summaries


def send_test(ws, retries: int = 2, backoff: float = 1.0, timeout: float = 10.0) -> list[dict]:
    """Send one clearly-marked test message to every webhook (nothing is recorded as
    delivered). Returns ``{"channel", "kind", "ok", "attempts", "error"}`` per webhook.

    Example
    -------
    >>> import suara, tempfile
    >>> send_test(suara.init(tempfile.mkdtemp()))
    []
    """
    test = {"id": "test", "type": "test", "severity": "low", "candidate": None, "issue": None,
            "posts": 0, "detected_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat(),
            "top_accounts": [], "reason": "Test message from Suara: delivery works."}
    out = []
    for hook in ws.config.webhooks:
        res = post_json(hook.url, payload(hook.kind, [test], hook.chat_id, title="Suara radar (test)"),
                        retries=retries, backoff=backoff, timeout=timeout)
        out.append({"channel": mask_url(hook.url), "kind": hook.kind, "ok": res.ok,
                    "attempts": res.attempts, "error": res.error})
    return out
