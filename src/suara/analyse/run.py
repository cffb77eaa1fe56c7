"""`suara analyse`: compute the registered analysis sections into one JSON-able document.

Sections are :class:`~suara.analyse.section.Section` units in one registry
(:func:`suara.analyse.section.sections`; plugins publish entry points in the
``suara.sections`` group). Every section only reads the store.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> doc = analyse_workspace(ws, sections=["meta"])
>>> doc["meta"]["election"]
'kaltim-2024'
"""
from __future__ import annotations

import contextvars
import logging
import time
from typing import Any, Iterable

from suara.analyse.section import SectionError
from suara.analyse.section import sections as registered
from suara.config import formats

__all__ = ["analyse_workspace", "print_summary", "failed", "computed"]

log = logging.getLogger("suara.analyse")

#: the document being computed by :func:`analyse_workspace` (see :func:`computed`)
_DOC: contextvars.ContextVar[dict | None] = contextvars.ContextVar("suara_analysis_doc", default=None)


def computed(section_id: str) -> Any:
    """The result of a section computed earlier in the running analysis (None outside one,
    when it was not computed or when it failed): a section that summarises others (the
    morning brief) reads them instead of computing them twice.

    >>> computed("meta") is None
    True
    """
    doc = _DOC.get()
    res = None if doc is None else doc.get(section_id)
    return None if res is None or failed(res) else res


def failed(result: Any) -> str | None:
    """The error of a section that could not be computed (see :func:`analyse_workspace`).

    >>> failed({"error": "KeyError: 'x'"}), failed({"count": 0})
    ("KeyError: 'x'", None)
    """
    if isinstance(result, dict) and set(result) == {"error"}:
        return str(result["error"])
    return None


def analyse_workspace(ws, sections: Iterable[str] | None = None, progress=None,
                      options: dict[str, dict] | None = None, strict: bool = False,
                      ready=None) -> dict[str, Any]:
    """Run the analysis sections (all by default) and return one document.

    ``ready``: called with no arguments once the pre-aggregated tables are current, just
    before the sections read (`Workspace.analyse` notes there what the document is computed
    from).

    ``options`` maps a section id to its options (undeclared ones are refused). A section
    that fails does not sink the others unless ``strict``: its entry becomes ``{"error":
    "..."}``, the failure is logged, listed in ``meta.errors`` and shown as an error block by
    the report and the web pages — never dropped silently.
    """
    registry = registered()
    names = list(sections) if sections else list(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise SectionError(f"unknown analysis section(s) {unknown}; known: {list(registry)}")
    options = options or {}
    doc: dict[str, Any] = {}
    timings: dict[str, float] = {}
    errors: dict[str, str] = {}
    if not getattr(ws.store, "read_only", False):
        # bring the pre-aggregated tables up to date (a no-op when the writers kept them so)
        from suara.analyse.base import tz_offset_minutes
        from suara.store import aggregates
        aggregates.ensure(ws.store, tz_offset_minutes(ws.election), ws.election.ballots)
    if ready is not None:
        ready()
    cache = getattr(ws.store, "sql_cache", None)
    # a complete run notes its queries over the tables nothing here writes: the next one
    # reads them ahead (suara.store.readahead)
    recording = cache if sections is None and hasattr(cache, "record") else None
    if recording is not None:
        recording.record()
    try:
        with ws.store.reading():   # one read scope: schemas, meta and the data signature looked up once
            _run(ws, registry, names, options, strict, progress, doc, timings, errors)
    except BaseException:
        if recording is not None:
            recording.stop_recording()
        raise
    if recording is not None:
        recording.keep_recording()
    if cache is not None and not getattr(ws.store, "read_only", False):
        cache.save()   # the next run reuses this run's compiled queries
    if "meta" in doc and isinstance(doc["meta"], dict) and not failed(doc["meta"]):
        doc["meta"]["timings_s"] = timings
        if errors:
            doc["meta"]["errors"] = errors
    return doc


def _run(ws, registry, names, options, strict, progress, doc, timings, errors) -> None:
    token = _DOC.set(doc)
    try:
        _run_all(ws, registry, names, options, strict, progress, doc, timings, errors)
    finally:
        _DOC.reset(token)


def _run_all(ws, registry, names, options, strict, progress, doc, timings, errors) -> None:
    for n in names:
        t0 = time.perf_counter()
        try:
            doc[n] = registry[n].run(ws, **options.get(n, {}))
        except Exception as e:  # noqa: BLE001 - one broken section must not hide the rest
            if strict:
                raise
            errors[n] = f"{type(e).__name__}: {e}"
            doc[n] = {"error": errors[n]}
            log.warning("section %s failed: %s", n, errors[n], exc_info=True)
        timings[n] = round(time.perf_counter() - t0, 3)
        if progress:
            progress(n)


def print_summary(doc: dict, ws, console, lang: str = "en") -> None:
    """Rich tables of the headline numbers (used by `suara analyse` and `suara demo`), with
    the numbers written for ``lang`` (English by default, ``20.644`` and ``54,1%`` for "id")."""
    with formats.language(lang):
        _print_summary(doc, ws, console, lang)


def _print_summary(doc: dict, ws, console, lang: str) -> None:
    from rich.table import Table
    from suara.config.i18n import texts
    t_ = texts("cli", lang)
    sov = doc.get("share_of_voice")
    if isinstance(sov, dict) and "all" in sov:
        t = Table(title=f"{t_['sov']} — {ws.election.name}")
        for i, c in enumerate(t_["sov_cols"]):
            t.add_column(c, justify="left" if i == 0 else "right")
        filt = sov.get("filtered", {})
        for c in ws.election.candidates:
            a = sov["all"].get(c.ballot, {})
            f = filt.get(c.ballot, {})
            # a pair nobody mentioned has no sentiment (None), not a crash
            t.add_row(f"{c.ballot} {c.short}", formats.integer(a.get('mentions') or 0),
                      formats.percent(a.get('share') or 0), formats.integer(a.get('unique_accounts') or 0),
                      formats.signed(a.get('net_sentiment') or 0), formats.percent(f.get('share') or 0))
        console.print(t)
    meta = doc.get("meta", {})
    console.print(t_["totals"].format(**{k: formats.integer(meta.get(k, 0)) for k in
                                         ("posts", "accounts", "quarantined", "flagged_accounts")}))
    if meta.get("unenriched_posts"):
        console.print(f"[yellow]{t_['unenriched'].format(n=formats.integer(meta['unenriched_posts']), w=ws.path)}[/]")
    errs = dict(meta.get("errors") or {})
    errs.update({n: failed(v) for n, v in doc.items() if failed(v) and n not in errs})
    for n, e in errs.items():
        console.print(f"[yellow]{t_['failed'].format(n=n)}[/] {e}")


def print_sections(doc: dict, ws, console, ids: list[str], lang: str = "en") -> None:
    """The chosen sections as a person reads them: each section's blocks (KPIs, tables, texts)
    as Rich output, in ``lang`` (charts and maps are left to the report and the web)."""
    from rich.table import Table

    def cell(v) -> str:
        if isinstance(v, dict):
            v = v.get("text", "")
        return "" if v is None else str(v)

    reg = registered()
    for sid in ids:
        sec, res = reg.get(sid), doc.get(sid)
        if failed(res):
            console.print(f"[yellow]Section {sid} failed:[/] {failed(res)}")
            continue
        if sec is None or res is None:
            continue
        console.rule(sid)
        try:
            blocks = sec.render(res, lang, ws.election)
        except Exception as e:  # noqa: BLE001 - one section's rendering never hides the others
            console.print(f"[yellow]Section {sid} could not be shown:[/] {e}")
            continue
        for b in blocks:
            kind = b.get("type")
            if "report" not in (b.get("faces") or ("report",)):
                continue   # the web's interactive variants of the same figures
            if kind == "kpis":
                console.print("  ".join(f"{cell(i.get('label'))}: [bold]{cell(i.get('value'))}[/]"
                                        for i in b.get("items") or []))
            elif kind == "table" and b.get("rows"):
                t = Table(title=b.get("title"))
                for c in b.get("columns") or []:
                    t.add_column(cell(c))
                for r in b["rows"][:50]:
                    t.add_row(*[cell(x) for x in r])
                console.print(t)
            elif kind == "text":
                for x in ([b.get("text")] if b.get("text") else []) + list(b.get("items") or []):
                    console.print(cell(x))
