"""The daily brief: one self-contained HTML file (charts work offline), or PDF.

Sections register in :data:`REPORT_SECTIONS` as ``"module:function"``; each function gets
``(ws, doc, lang)`` — ``doc`` is the `suara analyse` document — and returns a dict with
``title``, ``html`` and optionally ``explain``, or None to skip. Texts default to Bahasa
Indonesia (``lang="id"``), English with ``lang="en"``.
"""
from __future__ import annotations

import datetime as dt
import html
import importlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from suara.report.charts import plotly_js

__all__ = ["REPORT_SECTIONS", "write_report", "render_report", "T"]

REPORT_SECTIONS: dict[str, str] = {
    "overview": "suara.report.daily:overview_section",
    "share_of_voice": "suara.analyse.brand:share_of_voice_report",
    "engagement": "suara.analyse.brand:engagement_report",
    "influencers": "suara.analyse.brand:influencers_report",
    "exposure": "suara.analyse.brand:exposure_report",
    "regions": "suara.analyse.audience:regions_report",
    "segments": "suara.analyse.audience:segments_report",
    "recommendations": "suara.analyse.audience:recommendations_report",
    "alerts": "suara.analyse.radar:alerts_report",
    "actions": "suara.analyse.mobilise:actions_report",
    "live": "suara.analyse.mobilise:live_report",
    "enthusiasm": "suara.analyse.mobilise:enthusiasm_report",
    "law_watch": "suara.analyse.lawwatch:law_watch_report",
    "forecast": "suara.analyse.forecast:forecast_report",
}

T = {
    "id": {"title": "Laporan Harian", "generated": "Dibuat", "period": "Periode data",
           "engine": "Mesin", "overview": "Ringkasan",
           "overview_explain": "Jumlah unggahan, akun, dan baris yang dikarantina dalam ruang kerja ini.",
           "posts": "unggahan & komentar", "accounts": "akun", "quarantined": "baris dikarantina",
           "flagged": "akun terkoordinasi (buzzer)", "days_to_vote": "hari menuju pemungutan suara",
           "footer": "Suara — analitik media sosial pemilu. Akun warga biasa disamarkan.",
           "section_failed": "Bagian ini gagal dihitung"},
    "en": {"title": "Daily Brief", "generated": "Generated", "period": "Data period",
           "engine": "Engine", "overview": "Overview",
           "overview_explain": "Posts, accounts and quarantined rows in this workspace.",
           "posts": "posts & comments", "accounts": "accounts", "quarantined": "rows quarantined",
           "flagged": "coordinated (buzzer) accounts", "days_to_vote": "days to vote day",
           "footer": "Suara — election social-media analytics. Ordinary citizens' handles are pseudonymised.",
           "section_failed": "This section could not be computed"},
}


def tr(lang: str) -> dict:
    return T.get(lang, T["id"])


def overview_section(ws, doc: dict, lang: str) -> dict:
    m = doc.get("meta", {})
    t = tr(lang)
    last = m.get("last_post")
    ref = dt.date.fromisoformat(last[:10]) if last else dt.date.today()
    days = (ws.election.dates.vote_day - ref).days
    kpis = [(f"{m.get('posts', 0):,}", t["posts"]), (f"{m.get('accounts', 0):,}", t["accounts"]),
            (f"{m.get('flagged_accounts', 0):,}", t["flagged"]),
            (f"{m.get('quarantined', 0):,}", t["quarantined"]),
            (str(max(days, 0)), t["days_to_vote"])]
    body = '<div class="kpis">' + "".join(
        f'<div class="kpi"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for v, k in kpis) + "</div>"
    return {"title": t["overview"], "explain": t["overview_explain"], "html": body}


def _sections(ws, doc: dict, lang: str) -> list[dict]:
    out = []
    for sid, ref in REPORT_SECTIONS.items():
        mod, fn = ref.split(":")
        try:
            s = getattr(importlib.import_module(mod), fn)(ws, doc, lang)
        except Exception as e:  # noqa: BLE001 - a broken section is shown, not fatal
            s = {"title": sid, "html": f'<p class="error">{html.escape(tr(lang)["section_failed"])}: '
                                       f"{html.escape(type(e).__name__)}: {html.escape(str(e))}</p>"}
        if s:
            s.setdefault("id", sid)
            out.append(s)
    return out


def render_report(ws, doc: dict | None = None, lang: str = "id") -> str:
    """The report as an HTML string (self-contained)."""
    if doc is None:
        doc = ws.analyse()
    env = Environment(loader=PackageLoader("suara.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    m = doc.get("meta", {})
    period = f"{(m.get('first_post') or '-')[:10]} – {(m.get('last_post') or '-')[:10]}"
    return env.get_template("report.html.j2").render(
        lang=lang, t=tr(lang), election=ws.election, sections=_sections(ws, doc, lang),
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), period=period,
        engine=ws.engine, plotly_js=plotly_js())


def write_report(ws, out: Path, analysis: dict | None = None, lang: str = "id") -> Path:
    """Write the report to ``out`` (.html, or .pdf rendered by headless Chromium)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_report(ws, analysis, lang)
    if out.suffix.lower() == ".pdf":
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not chromium:
            raise RuntimeError("PDF output needs Chromium (Debian package 'chromium'); "
                               "write .html instead or install it")
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "report.html"
            src.write_text(page, encoding="utf-8")
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                            f"--user-data-dir={d}/profile", "--virtual-time-budget=8000",
                            "--no-pdf-header-footer", f"--print-to-pdf={out.resolve()}", src.as_uri()],
                           check=True, capture_output=True, timeout=180)
        return out
    from suara.report.export import atomic_write
    # atomic: a crash never leaves half a report, and the next run removes the temporary file
    return atomic_write(out, lambda tmp: tmp.write_text(page, encoding="utf-8"))
