"""`suara analyse`: compute every registered analysis section into one JSON-able document.

Sections register by name in :data:`SECTIONS` as ``"module:function"``; each function takes
the workspace and returns plain data (dicts/lists of numbers and strings). Adding an analysis
= writing its module and adding one line here, the same seam a plugin would use (plugins
can also publish entry points in the ``suara.analyses`` group).

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> doc = analyse_workspace(ws, sections=["meta"])
>>> doc["meta"]["election"]
'kaltim-2024'
"""
from __future__ import annotations

import importlib
import time
from importlib.metadata import entry_points
from typing import Any, Callable, Iterable

__all__ = ["SECTIONS", "analyse_workspace", "print_summary", "section_function"]

#: name -> "module:function"; order is the order in the JSON document and the report
SECTIONS: dict[str, str] = {
    "meta": "suara.analyse.run:meta_section",
    "share_of_voice": "suara.analyse.brand:share_of_voice_section",
    "engagement": "suara.analyse.brand:engagement_section",
    "influencers": "suara.analyse.brand:influencers_section",
    "exposure": "suara.analyse.brand:exposure_section",
    "regions": "suara.analyse.audience:regions_section",
    "segments": "suara.analyse.audience:segments_section",
    "recommendations": "suara.analyse.audience:recommendations_section",
    "alerts": "suara.analyse.radar:alerts_section",
    "actions": "suara.analyse.mobilise:actions_section",
    "live": "suara.analyse.mobilise:live_section",
    "enthusiasm": "suara.analyse.mobilise:enthusiasm_section",
    "law_watch": "suara.analyse.lawwatch:law_watch_section",
    "forecast": "suara.analyse.forecast:forecast_section",
}


def section_function(name: str) -> Callable[[Any], Any]:
    ref = _all_sections()[name]
    mod, fn = ref.split(":")
    return getattr(importlib.import_module(mod), fn)


def _all_sections() -> dict[str, str]:
    out = dict(SECTIONS)
    for ep in entry_points(group="suara.analyses"):
        out.setdefault(ep.name, ep.value)
    return out


def meta_section(ws) -> dict:
    """Workspace facts every consumer needs: election, counts, time range, versions."""
    from suara.analyse.base import current_version
    s = ws.store
    rng = s.sql("SELECT min(created_at) AS first, max(created_at) AS last FROM posts").iloc[0]
    return {
        "election": ws.election.id,
        "election_name": ws.election.name,
        "candidates": {c.ballot: {"name": c.name, "short": c.short, "colour": c.colour}
                       for c in ws.election.candidates},
        "posts": s.count("posts"),
        "accounts": s.count("accounts"),
        "quarantined": s.count("quarantine"),
        "first_post": None if rng["first"] is None or rng["first"] != rng["first"] else str(rng["first"]),
        "last_post": None if rng["last"] is None or rng["last"] != rng["last"] else str(rng["last"]),
        "enrich_version": current_version(ws),
        "flagged_accounts": s.sql("SELECT count(*) AS n FROM account_scores WHERE flagged").iloc[0, 0].item(),
    }


def analyse_workspace(ws, sections: Iterable[str] | None = None, progress=None) -> dict[str, Any]:
    """Run the analysis sections (all by default) and return one document.

    A section that fails does not sink the others: its entry becomes
    ``{"error": "..."}`` and the failure is reported in ``meta.errors``.
    """
    names = list(sections) if sections else list(_all_sections())
    unknown = [n for n in names if n not in _all_sections()]
    if unknown:
        raise ValueError(f"unknown analysis section(s) {unknown}; known: {list(_all_sections())}")
    doc: dict[str, Any] = {}
    timings: dict[str, float] = {}
    errors: dict[str, str] = {}
    for n in names:
        t0 = time.perf_counter()
        try:
            doc[n] = section_function(n)(ws)
        except Exception as e:  # noqa: BLE001 - one broken section must not hide the rest
            errors[n] = f"{type(e).__name__}: {e}"
            doc[n] = {"error": errors[n]}
        timings[n] = round(time.perf_counter() - t0, 3)
        if progress:
            progress(n)
    if "meta" in doc and isinstance(doc["meta"], dict):
        doc["meta"]["timings_s"] = timings
        if errors:
            doc["meta"]["errors"] = errors
    return doc


def print_summary(doc: dict, ws, console) -> None:
    """Rich tables of the headline numbers (used by `suara analyse` and `suara demo`)."""
    from rich.table import Table
    sov = doc.get("share_of_voice")
    if isinstance(sov, dict) and "all" in sov:
        t = Table(title=f"Share of voice — {ws.election.name}")
        for c in ("pair", "mentions", "share", "unique accounts", "net sentiment",
                  "share (buzzers removed)"):
            t.add_column(c, justify="left" if c == "pair" else "right")
        filt = sov.get("filtered", {})
        for c in ws.election.candidates:
            a = sov["all"].get(c.ballot, {})
            f = filt.get(c.ballot, {})
            t.add_row(f"{c.ballot} {c.short}", f"{a.get('mentions', 0):,}",
                      f"{a.get('share', 0):.1%}", f"{a.get('unique_accounts', 0):,}",
                      f"{a.get('net_sentiment', 0):+.2f}", f"{f.get('share', 0):.1%}")
        console.print(t)
    meta = doc.get("meta", {})
    console.print(f"Posts: {meta.get('posts', 0):,}  accounts: {meta.get('accounts', 0):,}  "
                  f"quarantined rows: {meta.get('quarantined', 0):,}  "
                  f"flagged accounts: {meta.get('flagged_accounts', 0):,}")
    for n, e in (meta.get("errors") or {}).items():
        console.print(f"[yellow]Section {n} failed:[/] {e}")
