"""Cases: an alert becomes a case with an owner, notes, a status and a suggested playbook;
evidence is exported with content hashes. Every case action is written to ``audit_log``.

Status flow: ``open`` -> ``assigned`` -> ``in_progress`` -> ``resolved`` (``note`` never
changes the status; ``resolve`` takes an outcome text).

Playbooks (chosen from the alert type, severity and reach):

- ``ignore_low_reach``: low severity and little reach; watch, do not amplify by replying.
- ``fact_check_and_report``: hoax; ask fact-checkers (e.g. turnbackhoax.id / Mafindo) for
  a debunk, report the posts to the platform, and to Bawaslu when it targets the election.
- ``report_hate``: SARA / hate speech; report to the platform and Bawaslu, do not engage.
- ``clarify_with_facts``: criticism or an attack on the record; answer with facts from the
  official accounts.
- ``counter_narrative``: coordinated black campaign or opponent attack with real reach;
  publish a counter-narrative through official and volunteer accounts, document the network.
- ``amplify``: positive surge; thank and amplify through official accounts.

Example
-------
>>> suggest_playbook("hoax", "high", 5000)["id"]
'fact_check_and_report'
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from suara.store.export import neutralise

__all__ = ["PLAYBOOKS", "CaseError", "suggest_playbook", "open_case", "list_cases", "get_case",
           "add_note", "assign_case", "set_status", "resolve_case", "export_evidence", "STATUSES"]

STATUSES = ("open", "assigned", "in_progress", "resolved")

PLAYBOOKS: dict[str, dict[str, Any]] = {
    "ignore_low_reach": {"title": "Ignore (low reach), keep watching", "steps": [
        "Do not reply or quote: a response would amplify it.",
        "Keep the case open for 24 h and re-check reach in the radar.",
        "Escalate if severity rises."]},
    "fact_check_and_report": {"title": "Fact-check and report", "steps": [
        "Send the first posts and the claim to fact-checkers (e.g. turnbackhoax.id / Mafindo, cekfakta.com).",
        "Report the posts to the platform as false information (export the evidence first).",
        "Report to Bawaslu when the hoax targets the election or a candidate.",
        "Publish the facts from the official accounts once the debunk exists; link it, do not repeat the claim."]},
    "report_hate": {"title": "Report SARA / hate speech", "steps": [
        "Export the evidence (posts, URLs, hashes) before posts disappear.",
        "Report the posts to the platform (hate speech) and to Bawaslu.",
        "Do not engage; ask supporters not to reply in kind.",
        "Publish a unity message from the official accounts if reach keeps growing."]},
    "clarify_with_facts": {"title": "Clarify with facts from the official accounts", "steps": [
        "Collect the facts (programme documents, data, dates) that answer the criticism.",
        "Publish a short clarification on the official accounts of the platforms it spread on.",
        "Brief spokespeople and volunteers with the same facts."]},
    "counter_narrative": {"title": "Publish a counter-narrative", "steps": [
        "Document the origin and amplifier accounts (export evidence; coordinated share in the trace).",
        "Publish a counter-narrative with positive facts through official and volunteer accounts.",
        "Report coordinated inauthentic behaviour to the platform; to Bawaslu if it is a black campaign.",
        "Track the radar for the narrative's next hop."]},
    "amplify": {"title": "Amplify the positive surge", "steps": [
        "Thank and share the best organic posts from the official accounts.",
        "Give volunteers the hashtag and content to keep the momentum."]},
}


class CaseError(ValueError):
    """A case or alert that does not exist, or an action its status does not allow."""


def suggest_playbook(alert_type: str | None, severity: str | None, reach: float = 0.0) -> dict:
    """Playbook for an alert: ``{"id", "title", "steps", "why"}``.

    Parameters
    ----------
    alert_type: one of the radar types (hoax, black_campaign, sara_hate, opponent_attack,
        organic_criticism, positive_surge, volume_spike).
    severity: low | medium | high | critical.
    reach: views + engagement of the alert's posts.

    Example
    -------
    >>> suggest_playbook("organic_criticism", "low", 200)["id"]
    'ignore_low_reach'
    >>> suggest_playbook("black_campaign", "high", 1e6)["id"]
    'counter_narrative'
    """
    sev = severity or "low"
    if alert_type == "positive_surge":
        pid, why = "amplify", "positive surge"
    elif alert_type == "hoax":
        pid, why = "fact_check_and_report", "posts match a known hoax claim"
    elif alert_type == "sara_hate":
        pid, why = "report_hate", "SARA / hate speech"
    elif sev == "low" and reach < 10_000:
        pid, why = "ignore_low_reach", f"low severity and reach {int(reach):,} < 10,000"
    elif alert_type in ("black_campaign", "opponent_attack"):
        pid, why = "counter_narrative", f"{alert_type.replace('_', ' ')} with {sev} severity"
    else:
        pid, why = "clarify_with_facts", f"{(alert_type or 'rise').replace('_', ' ')} with {sev} severity"
    return {"id": pid, "why": why, **PLAYBOOKS[pid]}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _audit(ws, actor: str, action: str, target: str, detail: dict) -> None:
    ws.store.append("audit_log", pd.DataFrame([{
        "at": _now(), "actor": actor, "action": action, "target": target,
        "detail": json.dumps(detail, ensure_ascii=False, default=str)}]))


def _alert(ws, alert_id: str) -> dict:
    df = ws.store.sql("SELECT * FROM alerts WHERE alert_id = ?", [alert_id])
    if df.empty:
        raise CaseError(f"alert {alert_id!r} not found (see 'suara radar')")
    return df.iloc[0].to_dict()


def _case_row(ws, case_id: str) -> dict:
    df = ws.store.sql("SELECT * FROM cases WHERE case_id = ?", [case_id])
    if df.empty:
        raise CaseError(f"case {case_id!r} not found (see 'suara case list')")
    return df.iloc[0].to_dict()


def _reach(alert: dict) -> float:
    try:
        ev = json.loads(alert.get("evidence") or "{}")
        hours = ev.get("trace", {}).get("reach_over_time", [])
        eng = hours[-1]["cum_engagement"] if hours else 0
        views = sum(h.get("views", 0) for h in hours)
        return float(eng + views)
    except (ValueError, TypeError, KeyError):
        return 0.0


def open_case(ws, alert_id: str, actor: str = "cli", assignee: str | None = None,
              title: str | None = None) -> dict:
    """Open a case for an alert (one case per alert: opening it again returns the existing
    case). Returns the case as a dict.

    Example
    -------
    >>> import suara, tempfile
    >>> ws = suara.init(tempfile.mkdtemp())
    >>> open_case(ws, "al-missing")
    Traceback (most recent call last):
    ...
    suara.analyse.cases.CaseError: alert 'al-missing' not found (see 'suara radar')
    """
    a = _alert(ws, alert_id)
    ex = ws.store.sql("SELECT case_id FROM cases WHERE alert_id = ?", [alert_id])
    if len(ex):
        return get_case(ws, ex.iloc[0, 0])
    pb = suggest_playbook(a.get("type"), a.get("severity"), _reach(a))
    now = _now()
    cid = "case-" + hashlib.sha256(alert_id.encode()).hexdigest()[:8]
    who = f"pair {a['candidate']}" if isinstance(a.get("candidate"), str) else "all pairs"
    iss = f" / {a['issue']}" if isinstance(a.get("issue"), str) else ""
    title = title or f"{a.get('type')} — {who}{iss} ({a.get('severity')})"
    row = {"case_id": cid, "alert_id": alert_id, "title": title,
           "status": "assigned" if assignee else "open", "assignee": assignee,
           "playbook": json.dumps(pb, ensure_ascii=False), "notes": "[]", "opened_at": now,
           "updated_at": now, "resolved_at": None}
    with ws.store.transaction():
        ws.store.append("cases", pd.DataFrame([row]))
        ws.store.execute("UPDATE alerts SET status = 'case' WHERE alert_id = ?", [alert_id])
        _audit(ws, actor, "case.open", cid, {"alert": alert_id, "playbook": pb["id"],
                                             "assignee": assignee})
    return get_case(ws, cid)


def get_case(ws, case_id: str) -> dict:
    """A case with its playbook, notes (list) and alert summary.

    Example
    -------
    >>> import suara, tempfile
    >>> get_case(suara.init(tempfile.mkdtemp()), "case-x")
    Traceback (most recent call last):
    ...
    suara.analyse.cases.CaseError: case 'case-x' not found (see 'suara case list')
    """
    r = _case_row(ws, case_id)
    out = {k: (None if (isinstance(v, float) and v != v) or v is pd.NaT else v) for k, v in r.items()}
    for k in ("opened_at", "updated_at", "resolved_at"):
        out[k] = None if out[k] is None or pd.isna(out[k]) else pd.Timestamp(out[k]).isoformat()
    out["playbook"] = json.loads(r["playbook"] or "{}")
    out["notes"] = json.loads(r["notes"] or "[]")
    try:
        a = _alert(ws, r["alert_id"])
        out["alert"] = {k: a.get(k) for k in ("type", "severity", "candidate", "issue", "posts", "metric")}
        out["alert"]["detected_at"] = str(a.get("detected_at"))
    except CaseError:
        out["alert"] = None
    return out


def list_cases(ws, status: str | None = None) -> list[dict]:
    """Cases, most recently updated first; ``status`` filters.

    Example
    -------
    >>> import suara, tempfile
    >>> list_cases(suara.init(tempfile.mkdtemp()))
    []
    """
    q = "SELECT case_id FROM cases" + (" WHERE status = ?" if status else "") + \
        " ORDER BY updated_at DESC, case_id"
    ids = ws.store.sql(q, [status] if status else [])["case_id"].tolist()
    return [get_case(ws, i) for i in ids]


def _update(ws, case_id: str, actor: str, action: str, detail: dict, **cols) -> dict:
    r = _case_row(ws, case_id)
    if r["status"] == "resolved" and action != "case.note":
        raise CaseError(f"case {case_id} is resolved")
    cols["updated_at"] = _now()
    sets = ", ".join(f'"{k}" = ?' for k in cols)
    with ws.store.transaction():
        ws.store.execute(f"UPDATE cases SET {sets} WHERE case_id = ?", [*cols.values(), case_id])
        _audit(ws, actor, action, case_id, detail)
    return get_case(ws, case_id)


def add_note(ws, case_id: str, text: str, actor: str = "cli") -> dict:
    """Append a note (author and time are kept). Example: ``add_note(ws, cid, "Called Bawaslu")``."""
    if not text or not text.strip():
        raise CaseError("a note needs text")
    r = _case_row(ws, case_id)
    notes = json.loads(r["notes"] or "[]")
    notes.append({"at": _now().isoformat(timespec="seconds"), "by": actor, "text": text.strip()})
    return _update(ws, case_id, actor, "case.note", {"text": text.strip()[:500]},
                   notes=json.dumps(notes, ensure_ascii=False))


def assign_case(ws, case_id: str, assignee: str, actor: str = "cli", start: bool = False) -> dict:
    """Assign (``start=True``: and mark in progress). Example: ``assign_case(ws, cid, "rina")``."""
    if not assignee:
        raise CaseError("assignee is empty")
    return _update(ws, case_id, actor, "case.assign", {"assignee": assignee},
                   assignee=assignee, status="in_progress" if start else "assigned")


def set_status(ws, case_id: str, status: str, actor: str = "cli") -> dict:
    """Move an unresolved case to ``open``, ``assigned`` or ``in_progress`` (resolving takes an
    outcome: :func:`resolve_case`). Example: ``set_status(ws, cid, "in_progress")``."""
    if status not in STATUSES[:-1]:
        raise CaseError(f"status must be one of {', '.join(STATUSES[:-1])} (resolve a case with an outcome), "
                        f"got {status!r}")
    return _update(ws, case_id, actor, "case.status", {"status": status}, status=status)


def resolve_case(ws, case_id: str, outcome: str, actor: str = "cli") -> dict:
    """Close a case with an outcome text. Example: ``resolve_case(ws, cid, "debunked")``."""
    if not outcome or not outcome.strip():
        raise CaseError("resolving needs an outcome text")
    r = _case_row(ws, case_id)
    notes = json.loads(r["notes"] or "[]")
    notes.append({"at": _now().isoformat(timespec="seconds"), "by": actor,
                  "text": "Resolved: " + outcome.strip()})
    return _update(ws, case_id, actor, "case.resolve", {"outcome": outcome.strip()[:500]},
                   status="resolved", resolved_at=_now(), notes=json.dumps(notes, ensure_ascii=False))


def export_evidence(ws, case_id: str, out_dir: str | Path, actor: str = "cli", show_identities: bool = True,
                    salt: str | None = None) -> dict:
    """Write ``<case>-evidence.csv`` and ``<case>-evidence.json``: every post of the alert
    (platform, post id, account, handle, UTC time, URL, text, engagement, flags) with the
    sha256 of its text, plus a manifest with the sha256 of the CSV file itself.

    Without ``show_identities`` (the web app's roles that may not see citizens), ordinary
    citizens' account ids and handles become their pseudonyms and @mentions of them in the
    texts are replaced; public accounts stay named. Each row's sha256 is still the hash of the
    original text, so a full export made by an administrator verifies it.

    Returns ``{"csv", "json", "posts", "sha256"}``.

    Example
    -------
    >>> import suara, tempfile
    >>> export_evidence(suara.init(tempfile.mkdtemp()), "case-x", tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    suara.analyse.cases.CaseError: case 'case-x' not found (see 'suara case list')
    """
    from suara.detect.radar.evidence import alert_posts
    c = _case_row(ws, case_id)
    a = _alert(ws, c["alert_id"])
    ev = json.loads(a.get("evidence") or "{}")
    start, end = (pd.Timestamp(x).to_pydatetime() for x in ev.get("window", [a["onset_at"], a["detected_at"]]))
    cand = a["candidate"] if isinstance(a.get("candidate"), str) else None
    iss = a["issue"] if isinstance(a.get("issue"), str) else None
    if a.get("kind") == "narrative" and ev.get("cluster"):
        posts = alert_posts(ws, None, None, start, end)
        posts = posts[posts["dup_cluster"] == ev["cluster"]]
    else:
        posts = alert_posts(ws, cand, iss, start, end)
        if a.get("metric") == "hoax":
            posts = posts[posts["hoax_claim_id"].notna()]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cols = ["platform", "post_id", "account_id", "handle", "created_at", "url", "text", "likes",
            "comments", "shares", "views", "sentiment", "hoax_claim_id", "sara", "coordinated"]
    recs = []
    for _, r in posts.iterrows():
        d = {k: r.get(k) for k in cols}
        d = {k: (None if (v is None or (not isinstance(v, (list, str)) and pd.isna(v))) else v)
             for k, v in d.items()}
        d["created_at"] = None if d["created_at"] is None else pd.Timestamp(d["created_at"]).isoformat() + "Z"
        d["sha256"] = hashlib.sha256((d.get("text") or "").encode("utf-8")).hexdigest()
        for k in ("likes", "comments", "shares", "views"):
            d[k] = None if d[k] is None else int(d[k])
        d["coordinated"] = bool(d["coordinated"]) if d["coordinated"] is not None else False
        recs.append(d)
    if not show_identities and recs:
        from suara.analyse.explorer import _type_map
        from suara.analyse.privacy import display_handle, is_public, scrub_text, workspace_salt
        salt = salt if salt is not None else workspace_salt(ws)
        types = _type_map(ws)
        texts = scrub_text(ws, [d.get("text") for d in recs], salt)
        for d, txt in zip(recs, texts):
            typ = types.get((str(d["platform"]), str(d["account_id"])))
            if not is_public(typ):
                d["handle"] = display_handle(typ, d["platform"], str(d["account_id"]), d.get("handle"), salt)
                d["account_id"] = d["handle"]
            d["text"] = txt
    fcsv = out / f"{case_id}-evidence.csv"
    with open(fcsv, "w", newline="", encoding="utf-8") as f:
        # CRLF: a bare "\r" inside a cell is then quoted (see suara.store.export.write_csv)
        w = csv.DictWriter(f, fieldnames=cols + ["sha256"], lineterminator="\r\n")
        w.writeheader()
        # formula-like cells are neutralised for spreadsheets; the JSON keeps the verbatim
        # text, which is what each row's sha256 covers
        w.writerows({k: neutralise(v) for k, v in r.items()} for r in recs)
    digest = hashlib.sha256(fcsv.read_bytes()).hexdigest()
    fjson = out / f"{case_id}-evidence.json"
    doc = {"case_id": case_id, "alert_id": c["alert_id"], "exported_at": _now().isoformat() + "Z",
           "alert": {k: (None if isinstance(a.get(k), float) and a.get(k) != a.get(k) else a.get(k))
                     for k in ("type", "severity", "candidate", "issue", "metric")},
           "window_utc": [str(start), str(end)], "posts": recs, "csv_sha256": digest,
           "trace": ev.get("trace")}
    fjson.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    _audit(ws, actor, "case.export", case_id, {"posts": len(recs), "csv_sha256": digest,
                                               "pseudonymised": not show_identities})
    return {"csv": str(fcsv), "json": str(fjson), "posts": len(recs), "sha256": digest}
