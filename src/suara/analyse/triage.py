"""The radar as a triage inbox: alerts grouped into incidents and ranked by what needs
attention first.

The radar raises one alert per episode of an unusual series, so a lively campaign gives many
alerts (tens of "positive surge" rows in two weeks) around the one crisis that matters.
:func:`group_alerts` folds them into *incidents* and :func:`rank_groups` orders them:

- **Grouping**: alerts with the same type, pair and subject (the issue, or the near-duplicate
  cluster of a narrative) whose onsets follow each other within ``window_hours`` (default 72 h;
  a week for positive surges and volume spikes, :data:`LONG_WINDOW`) are one incident; its
  severity is the worst of its alerts, its size the sum of their posts.
- **Ranking** (``priority``, 0..1): ``0.40`` severity (the worst level of the incident and its
  severity score) + ``0.25`` threat of the type (a hoax or SARA/hate speech needs an answer,
  a positive surge is an opportunity) + ``0.20`` size (posts, log-scaled, and how many alerts)
  + ``0.15`` recency (age of the latest detection against the newest alert, halving every
  three days). Resolved incidents (every alert in a resolved case) sink to the bottom.

Each incident keeps its alerts (with the exact posts link ``/posts?alert=ID`` of each), the
accounts that appear most across them, sample posts and the case (if any) that holds one of
them. :func:`inbox` reads it all for a role (citizens pseudonymised unless allowed) and applies
the inbox filters (pair, type, severity, status).

Example
-------
>>> a = [{"alert_id": "a1", "type": "positive_surge", "candidate": "1", "issue": None, "kind": "anomaly",
...       "severity": "medium", "severity_score": 0.4, "posts": 20, "onset_at": "2024-11-01T10:00:00",
...       "detected_at": "2024-11-01T11:00:00", "top_accounts": ["x:a"], "status": "new"},
...      {"alert_id": "a2", "type": "positive_surge", "candidate": "1", "issue": None, "kind": "anomaly",
...       "severity": "medium", "severity_score": 0.5, "posts": 15, "onset_at": "2024-11-02T09:00:00",
...       "detected_at": "2024-11-02T09:30:00", "top_accounts": ["x:a", "x:b"], "status": "new"},
...      {"alert_id": "h1", "type": "hoax", "candidate": "2", "issue": "banjir", "kind": "anomaly",
...       "severity": "high", "severity_score": 0.6, "posts": 14, "onset_at": "2024-10-30T03:00:00",
...       "detected_at": "2024-10-30T04:00:00", "top_accounts": ["x:c"], "status": "new"}]
>>> groups = rank_groups(group_alerts(a))
>>> [(g["type"], g["count"], g["posts"]) for g in groups]
[('hoax', 1, 14), ('positive_surge', 2, 35)]
>>> groups[1]["top_accounts"][0]
{'account': 'x:a', 'alerts': 2}
"""
from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from typing import Any, Iterable

from suara.analyse.alerts import ALERT_TYPES, SEVERITIES

__all__ = ["group_alerts", "rank_groups", "inbox", "THREAT", "WEIGHTS", "STATUSES", "LONG_WINDOW", "filter_groups"]

#: how much each alert type calls for a response (0..1): a hoax or hate speech must be answered,
#: a positive surge is an opportunity to amplify
THREAT = {"hoax": 1.0, "sara_hate": 1.0, "black_campaign": 0.9, "opponent_attack": 0.75,
          "organic_criticism": 0.6, "volume_spike": 0.35, "positive_surge": 0.15}
#: weights of the priority score
WEIGHTS = {"severity": 0.40, "threat": 0.25, "size": 0.20, "recency": 0.15}
#: a longer grouping window (hours) for the types that are no threat: a week of one pair's
#: positive surges is one story, not one row a day
LONG_WINDOW = {"positive_surge": 168.0, "volume_spike": 168.0}
#: inbox status of an incident: no case yet, a case is open, every alert's case is resolved
STATUSES = ("new", "case", "resolved")
_HALF_LIFE_H = 72.0


def _ts(v: Any) -> dt.datetime | None:
    if not v:
        return None
    try:
        return dt.datetime.fromisoformat(str(v).replace("Z", "")).replace(tzinfo=None)
    except ValueError:
        return None


def _subject(a: dict) -> str:
    if a.get("kind") == "narrative":
        return "narrative:" + str(a.get("cluster") or a.get("alert_id"))
    return "issue:" + str(a.get("issue") or "")


def group_alerts(alerts: Iterable[dict], window_hours: float = 72.0,
                 cases: Iterable[dict] = ()) -> list[dict]:
    """Alerts (dicts as :func:`suara.analyse.feeds.alert_feed` lists them: ``alert_id``,
    ``type``, ``candidate``, ``issue``, ``kind``, ``severity``, ``severity_score``, ``posts``,
    ``onset_at``, ``detected_at``, ``top_accounts``, ``status``; optional ``cluster``,
    ``samples``) folded into incidents; ``cases`` (rows with ``case_id``, ``alert_id``,
    ``status``) attach the case of each alert. Unranked; see :func:`rank_groups`."""
    case_of = {str(c.get("alert_id")): c for c in cases if c.get("alert_id")}
    by_key: dict[tuple, list[dict]] = {}
    for a in alerts:
        key = (a.get("type") or "", a.get("candidate") or "", _subject(a))
        by_key.setdefault(key, []).append(a)
    groups: list[dict] = []
    for key, items in by_key.items():
        win = dt.timedelta(hours=max(window_hours, LONG_WINDOW.get(key[0], 0.0)))
        items = sorted(items, key=lambda a: (_ts(a.get("onset_at")) or dt.datetime.min, str(a.get("alert_id"))))
        run: list[dict] = []
        last: dt.datetime | None = None   # the latest onset or detection of the current run
        for a in items:
            on = _ts(a.get("onset_at")) or _ts(a.get("detected_at"))
            if run and on is not None and last is not None and on - last > win:
                groups.append(_incident(key, run, case_of))
                run, last = [], None
            run.append(a)
            for x in (on, _ts(a.get("detected_at"))):
                if x is not None and (last is None or x > last):
                    last = x
        if run:
            groups.append(_incident(key, run, case_of))
    return groups


def _incident(key: tuple, run: list[dict], case_of: dict) -> dict:
    typ, cand, subject = key
    lvl = max(SEVERITIES.index(a["severity"]) if a.get("severity") in SEVERITIES else 0 for a in run)
    top = max(run, key=lambda a: (SEVERITIES.index(a["severity"]) if a.get("severity") in SEVERITIES else 0,
                                  a.get("severity_score") or 0.0, a.get("posts") or 0))
    accounts: Counter = Counter()
    for a in run:
        for acc in a.get("top_accounts") or []:
            accounts[str(acc)] += 1
    cases = []
    for a in run:
        c = case_of.get(str(a.get("alert_id")))
        if c and c.get("case_id") not in [x["case_id"] for x in cases]:
            cases.append({"case_id": c.get("case_id"), "status": c.get("status"), "alert_id": a.get("alert_id")})
    if not cases:
        status = "new"
    elif all(c.get("status") == "resolved" for c in cases) and len(cases) == len(run):
        status = "resolved"
    else:
        status = "case"
    onsets = [x for x in (_ts(a.get("onset_at")) for a in run) if x]
    detected = [x for x in (_ts(a.get("detected_at")) for a in run) if x]
    samples: list[dict] = []
    for a in sorted(run, key=lambda a: a is not top):   # the top alert's samples first
        for s in a.get("samples") or []:
            if len(samples) < 3 and s.get("text") not in [x.get("text") for x in samples]:
                samples.append(s)
    ordered = sorted(run, key=lambda a: _ts(a.get("detected_at")) or dt.datetime.min, reverse=True)
    return {
        "group_id": "g-" + str(min(a["alert_id"] for a in run)),
        "type": typ, "candidate": cand or None, "issue": top.get("issue"),
        "narrative": subject.startswith("narrative:"),
        "severity": SEVERITIES[lvl], "severity_score": max(a.get("severity_score") or 0.0 for a in run),
        "count": len(run), "posts": sum(int(a.get("posts") or 0) for a in run),
        "first_onset": min(onsets).isoformat() if onsets else None,
        "last_detected": max(detected).isoformat() if detected else None,
        "first_onset_local": min((a.get("onset_local") for a in run if a.get("onset_local")), default=None),
        "last_detected_local": max((a.get("detected_local") for a in run if a.get("detected_local")), default=None),
        "top_alert": top["alert_id"], "reason": top.get("reason"), "cascade": top.get("cascade"),
        "alerts": [{k: a.get(k) for k in ("alert_id", "severity", "severity_score", "posts", "onset_local",
                                          "detected_local", "onset_at", "detected_at", "reason", "status")}
                   for a in ordered],
        "top_accounts": [{"account": k, "alerts": n} for k, n in
                         sorted(accounts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]],
        "samples": samples, "cases": cases, "status": status,
    }


def rank_groups(groups: list[dict], now: dt.datetime | None = None) -> list[dict]:
    """Incidents ordered by ``priority`` (highest first; resolved ones last). ``now`` is the
    reference of recency (default: the latest detection among the incidents, so replayed or
    historical data ranks as it did live). Each incident gets ``priority`` and ``why``
    (its parts: severity, threat, size, recency)."""
    if not groups:
        return []
    ref = now or max((_ts(g.get("last_detected")) for g in groups if g.get("last_detected")),
                     default=None) or dt.datetime(1970, 1, 1)
    for g in groups:
        lvl = SEVERITIES.index(g["severity"]) if g.get("severity") in SEVERITIES else 0
        sev = 0.7 * lvl / (len(SEVERITIES) - 1) + 0.3 * min(1.0, float(g.get("severity_score") or 0.0))
        threat = THREAT.get(g.get("type") or "", 0.5)
        size = min(1.0, 0.8 * math.log1p(g.get("posts") or 0) / math.log1p(200) + 0.2 * min(1.0, (g["count"] - 1) / 4))
        last = _ts(g.get("last_detected"))
        age_h = max(0.0, (ref - last).total_seconds() / 3600) if last else 24 * 30
        recency = 0.5 ** (age_h / _HALF_LIFE_H)
        parts = {"severity": sev, "threat": threat, "size": size, "recency": recency}
        g["priority"] = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
        g["why"] = {k: round(v, 3) for k, v in parts.items()}
    return sorted(groups, key=lambda g: (g["status"] == "resolved", -g["priority"], g["group_id"]))


def filter_groups(groups: list[dict], pair: str | None = None, type: str | None = None,  # noqa: A002
                  severity: str | None = None, status: str | None = None) -> list[dict]:
    """The incidents matching the inbox filters: ``pair`` (ballot), ``type`` (an alert type),
    ``severity`` (this level or worse), ``status`` (new, case, resolved; ``open`` = not
    resolved). Unknown values raise `ValueError` naming the filter and the valid values.

    >>> filter_groups([{"candidate": "1", "type": "hoax", "severity": "high", "status": "new"}], severity="critical")
    []
    """
    if type and type not in ALERT_TYPES:
        raise ValueError(f"type: expected one of {', '.join(ALERT_TYPES)}, got {type!r}")
    if severity and severity not in SEVERITIES:
        raise ValueError(f"severity: expected one of {', '.join(SEVERITIES)}, got {severity!r}")
    if status and status not in (*STATUSES, "open"):
        raise ValueError(f"status: expected one of {', '.join((*STATUSES, 'open'))}, got {status!r}")
    out = []
    for g in groups:
        if pair and str(g.get("candidate") or "") != str(pair):
            continue
        if type and g.get("type") != type:
            continue
        if severity and SEVERITIES.index(g.get("severity") or "low") < SEVERITIES.index(severity):
            continue
        if status == "open" and g.get("status") == "resolved":
            continue
        if status and status != "open" and g.get("status") != status:
            continue
        out.append(g)
    return out


def _samples(ws, db, ids: list[str], show_identities: bool, salt: str,
             texts: bool = True) -> dict[str, list[dict]]:
    """Up to three sample posts per alert from its evidence (texts scrubbed unless allowed);
    without ``texts`` only each alert's narrative cluster (what grouping needs)."""
    if not ids:
        return {}
    q = ", ".join("?" for _ in ids)
    df = db.sql(f"SELECT alert_id, evidence FROM alerts WHERE alert_id IN ({q})", list(ids))
    out: dict[str, list[dict]] = {}
    for aid, ev in zip(df["alert_id"], df["evidence"]):
        try:
            e = json.loads(ev or "{}")
        except ValueError:
            e = {}
        out[str(aid)] = [{"platform": s.get("platform"), "post_id": s.get("post_id"), "at": s.get("at"),
                          "text": s.get("text"), "url": s.get("url")}
                         for s in (e.get("sample_posts") or [])[:3] if isinstance(s, dict)] if texts else []
        if e.get("cluster"):
            out[str(aid) + "#cluster"] = [{"cluster": str(e["cluster"])}]
    if not show_identities and out:
        from suara.analyse.privacy import scrub_text
        flat = [(k, i) for k, v in out.items() if not k.endswith("#cluster") for i in range(len(v))]
        with ws.store.lock:   # Ibis on the store's connection
            texts = scrub_text(ws, [out[k][i].get("text") for k, i in flat], salt)
        for (k, i), t in zip(flat, texts):
            out[k][i]["text"] = t
    return out


def inbox(ws, show_identities: bool = False, salt: str = "", db=None, limit: int = 1000,
          window_hours: float = 72.0, with_samples: bool = True, **filters) -> dict[str, Any]:
    """The triage inbox of a workspace: ``{"groups": [...ranked incidents...], "alerts": n,
    "total_groups": n}`` with ``filters`` (``pair``, ``type``, ``severity``, ``status``; see
    :func:`filter_groups`) applied to the groups. Reads only. Without ``with_samples`` the alerts
    and groups carry no sample posts (the same groups, in the same order: the brief shows
    none, and scrubbing their texts was most of its cost).

    Example
    -------
    >>> import suara, tempfile
    >>> inbox(suara.init(tempfile.mkdtemp()))
    {'groups': [], 'alerts': 0, 'total_groups': 0}
    """
    from suara.analyse.feeds import alert_feed, case_feed
    db = db if db is not None else ws.store
    alerts = alert_feed(ws, limit=limit, show_identities=show_identities, salt=salt, db=db)
    samples = _samples(ws, db, [a["alert_id"] for a in alerts], show_identities, salt, texts=with_samples)
    for a in alerts:
        for k in ("candidate", "issue"):   # missing values come back as NaN from the store
            if not isinstance(a.get(k), str) or not a[k]:
                a[k] = None
        a["samples"] = samples.get(a["alert_id"], [])
        cl = samples.get(a["alert_id"] + "#cluster")
        a["cluster"] = cl[0]["cluster"] if cl else None
    cases = case_feed(db, limit=10_000)
    groups = rank_groups(group_alerts(alerts, window_hours=window_hours, cases=cases))
    shown = filter_groups(groups, **{k: v for k, v in filters.items() if v})
    return {"groups": shown, "alerts": len(alerts), "total_groups": len(groups)}
