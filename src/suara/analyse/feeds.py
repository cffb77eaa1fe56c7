"""What the war room lists: current alerts with their cascade and times in the election's
zone, cases with their playbook, consenting volunteers. Each reads one bounded query and
returns JSON-able dicts; ``db`` is the store or a `suara.store.reads.ReadPool`.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> alert_feed(ws), case_feed(ws.store), volunteer_feed(ws.store, show_identities=False)
([], [], [])
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from suara.analyse.explorer import local_offset

__all__ = ["alert_feed", "case_feed", "volunteer_feed", "records", "zone_name"]


def records(df) -> list[dict]:
    """DataFrame rows as dicts with ISO times and None for missing values."""
    out = []
    for r in df.to_dict("records"):
        out.append({k: (v.isoformat() if hasattr(v, "isoformat") and v == v else
                        (None if isinstance(v, float) and v != v else v)) for k, v in r.items()})
    return out


def zone_name(election) -> str:
    """The election's time zone as Indonesians write it (WITA, WIB, WIT) or its abbreviation."""
    from suara.config.formats import zone_label
    return zone_label(election.timezone)


def alert_feed(ws, limit: int = 200, show_identities: bool = False, salt: str = "", db=None) -> list[dict]:
    """Alerts newest first with reason, cascade across platforms, top accounts and onset and
    detection times in the election's zone; top accounts of ordinary citizens pseudonymised
    unless ``show_identities``."""
    from suara.analyse.redact import scrub_doc
    db = db if db is not None else ws.store
    off = local_offset(ws.election)

    def local(v: Any) -> str | None:
        return (v + off).strftime("%Y-%m-%d %H:%M") if v is not None and v == v and hasattr(v, "strftime") else None

    df = db.sql(f"SELECT * FROM alerts ORDER BY detected_at DESC NULLS LAST, created_at DESC LIMIT {int(limit)}")
    out = []
    for r in df.to_dict("records"):
        try:
            ev = json.loads(r.get("evidence") or "{}")
        except ValueError:
            ev = {}
        trace = ev.get("trace") or {}
        plats = [p.get("platform") for p in trace.get("platforms") or [] if isinstance(p, dict)]
        tops = r.get("top_accounts")
        try:
            tops = json.loads(tops) if isinstance(tops, str) else list(tops or [])
        except ValueError:
            tops = []
        out.append({"alert_id": r["alert_id"], "kind": r.get("kind"), "type": r.get("type"),
                    "severity": r.get("severity"), "severity_score": r.get("severity_score"),
                    "candidate": r.get("candidate"), "issue": r.get("issue"), "posts": r.get("posts"),
                    "status": r.get("status"), "reason": ev.get("reason"),
                    "onset_at": r["onset_at"].isoformat() if local(r.get("onset_at")) else None,
                    "onset_local": local(r.get("onset_at")), "detected_local": local(r.get("detected_at")),
                    "detected_at": r["detected_at"].isoformat() if local(r.get("detected_at")) else None,
                    "cascade": " → ".join(str(p) for p in plats), "top_accounts": tops})
    if not show_identities and out:
        from suara.analyse.privacy import scrub_text
        out = scrub_doc({"alerts": {"alerts": out}}, ws, salt)["alerts"]["alerts"]
        with ws.store.lock:  # Ibis on the store's connection
            reasons = scrub_text(ws, [a.get("reason") for a in out], salt)
        for a, r in zip(out, reasons):
            a["reason"] = r
    return out


def case_feed(db, limit: int = 200, ws=None, show_identities: bool = True, salt: str = "") -> list[dict]:
    """Cases, newest first, with the playbook's id, first steps and reason; without
    ``show_identities`` (and with the workspace ``ws``) citizens named in titles and notes
    become their pseudonyms."""
    rows = records(db.sql(f"SELECT * FROM cases ORDER BY opened_at DESC LIMIT {int(limit)}"))
    if rows and not show_identities and ws is not None:
        from suara.analyse.privacy import scrub_text
        with ws.store.lock:  # Ibis on the store's connection
            texts = scrub_text(ws, [t for r in rows for t in (r.get("title"), r.get("notes"))], salt)
        for i, r in enumerate(rows):
            r["title"], r["notes"] = texts[2 * i], texts[2 * i + 1]
    for r in rows:
        try:
            pb = json.loads(r.get("playbook") or "{}")
        except ValueError:
            pb = {"id": r.get("playbook")}
        r["playbook_id"] = pb.get("id") if isinstance(pb, dict) else str(pb)
        r["playbook_steps"] = [str(x) for x in (pb.get("steps") or [])][:8] if isinstance(pb, dict) else []
        r["playbook_why"] = pb.get("why") if isinstance(pb, dict) else None
    return rows


def volunteer_feed(db, show_identities: bool, limit: int = 500) -> list[dict]:
    """Volunteers who consented (names only for readers who may see identities; otherwise one
    row with how many there are and how many are active)."""
    val = records(db.sql("SELECT name, platform, consent_at, withdrawn_at FROM volunteers "
                         f"ORDER BY consent_at DESC LIMIT {int(limit)}"))
    if show_identities:
        return val
    # a missing withdrawal time may come back as NaT, which is truthy
    return [{"volunteers": len(val), "active": sum(1 for v in val if pd.isna(v.get("withdrawn_at")))}] if val else []
