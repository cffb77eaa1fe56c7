"""The daily brief: one self-contained HTML file (charts work offline), or PDF.

Every registered section with ``report = True`` (:mod:`suara.analyse.section`) appears in
registry order: its heading, then its report blocks rendered by :mod:`suara.render`. A
section that failed shows its error; one with nothing to show is left out. Texts default to
Bahasa Indonesia (``lang="id"``), English with ``lang="en"`` (:mod:`suara.config.i18n`).
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from suara.analyse.run import failed
from suara.analyse.section import Section
from suara.analyse.section import sections as registered
from suara.config.i18n import CATALOGUE, texts
from suara.render import error_block, plotly_js, section_html

__all__ = ["write_report", "render_report", "report_sections", "T"]

#: the report's own texts (an area of the one catalogue)
T = CATALOGUE["report"]


def tr(lang: str) -> dict:
    return texts("report", lang)


def report_sections(ws, doc: dict, lang: str = "id") -> list[dict]:
    """The report's sections as ``{"id", "title", "explain", "html"}``, in registry order."""
    out = []
    ordered = sorted(registered().items(), key=lambda kv: not getattr(kv[1], "lead", False))   # the brief first
    for sid, sec in ordered:
        if not sec.report or sid not in doc:
            continue
        result = doc[sid]
        err = failed(result)
        if err:
            title, _ = Section.heading(sec, None, lang)  # the plain title: the result is an error
            out.append({"id": sid, "title": title, "explain": "",
                        "html": section_html([error_block(err, tr(lang)["section_failed"])], lang)})
            continue
        blocks = sec.render(result, lang, ws.election)
        body = section_html(blocks, lang)
        if not body:
            continue
        title, explain = sec.heading(result, lang)
        out.append({"id": sid, "title": title, "explain": explain, "html": body})
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
        lang=lang, t=tr(lang), election=ws.election, sections=report_sections(ws, doc, lang),
        toc_title=texts("brief", lang)["toc"],
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
    from suara.store.export import atomic_write
    # atomic: a crash never leaves half a report, and the next run removes the temporary file
    return atomic_write(out, lambda tmp: tmp.write_text(page, encoding="utf-8"))
