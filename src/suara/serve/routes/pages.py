"""The server-rendered war room: the analysis pages, the posts explorer, the radar with its
cases, and the import page."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from suara.analyse.alerts import ALERT_TYPES, SEVERITIES
from suara.analyse.base import pair_label
from suara.analyse.triage import STATUSES
from suara.config.i18n import texts
from suara.serve import auth
from suara.serve.routes.cases import localise
from suara.serve.i18n import strings
from suara.serve.state import TITLES, lang_of, require, web

router = APIRouter()


def _page_route(page: str):
    def view(request: Request, user: dict = Depends(require("read"))):
        lang = lang_of(request)
        graph = request.query_params.get("graph")
        variant = "all" if page == "jaringan" and graph == "all" else None
        return web(request).render_cached(request, "page.html", user, (page, variant), lambda _key: dict(
            title=strings(lang)[TITLES[page]], page=page, blocks=web(request).page_blocks(page, lang, user, variant),
            charts=True))
    view.__name__ = f"page_{page}"
    return view


for _page in TITLES:
    router.get("/" if _page == "overview" else f"/{_page}", response_class=HTMLResponse,
               include_in_schema=False)(_page_route(_page))


@router.get("/posts", response_class=HTMLResponse, include_in_schema=False)
def posts_page(request: Request, offset: int = 0, user: dict = Depends(require("read"))):
    w = web(request)
    f, res = w.posts(request.query_params, user, limit=50, offset=offset)
    return w.render(request, "posts.html", user, title=strings(lang_of(request))["posts"], page="posts",
                    f=f, res=res, qs=urlencode(f), platforms=w.platforms(), charts=False)


@router.get("/radar", response_class=HTMLResponse, include_in_schema=False)
def radar_page(request: Request, pair: str = "", type: str = "", severity: str = "", status: str = "",  # noqa: A002
               user: dict = Depends(require("read"))):
    w = web(request)
    filters = {"pair": pair, "type": type, "severity": severity, "status": status}
    lang = lang_of(request)

    def ctx(key):  # the feeds under the one data key read for this request
        return dict(title=strings(lang)["radar"], page="radar",
                    alerts=w.alerts(user=user, data_key=key), tz=w.zone(),
                    cases=[localise(c, lang, w.ws.election) for c in w.cases(user, data_key=key)],
                    inbox=w.inbox(user, data_key=key, **filters), filters=filters, tt=texts("triage", lang),
                    pairs={c.ballot: pair_label(w.ws.election, c.ballot) for c in w.ws.election.candidates},
                    types=ALERT_TYPES, severities=SEVERITIES, statuses=("open", *STATUSES),
                    issues={i.id: (i.label_id if lang == "id" else i.label_en) for i in w.ws.election.issues},
                    can_case=auth.can(user["role"], "case"), charts=False)
    # a filter value is part of the key only once the inbox accepted it (a bad one is a 400, never cached)
    return w.render_cached(request, "radar.html", user, tuple(filters.items()), ctx)


@router.post("/radar/{alert_id}/case", include_in_schema=False)
def open_case_form(request: Request, alert_id: str, csrf: str = Form(""), next: str = Form(""),  # noqa: A002
                   user: dict = Depends(require("case"))):
    web(request).check_csrf(request, user, csrf)
    case = web(request).open_case(alert_id, user)
    return RedirectResponse(f"/cases/{case['case_id']}" if next == "case" else "/radar", status_code=303)


def _import_page(request: Request, user: dict, message: str | None, job: str | None = None):
    from suara.ingest.registry import formats
    w = web(request)
    current = w.ws.job(job) if job else None
    return w.render(request, "import.html", user, title=strings(lang_of(request))["import"], page="import",
                    jobs=w.ws.jobs(), max_mb=w.max_upload_bytes // 2**20, message=message, charts=False,
                    formats=sorted(formats()), zones=_ZONES, job=current,
                    summary=w.ws.import_summary(job) if current else None)


#: time zones offered for naive timestamps in uploaded files (Indonesia's three, and UTC)
_ZONES = (("Asia/Jakarta", "WIB (Asia/Jakarta)"), ("Asia/Makassar", "WITA (Asia/Makassar)"),
          ("Asia/Jayapura", "WIT (Asia/Jayapura)"), ("UTC", "UTC"))


@router.get("/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, job: str | None = None, user: dict = Depends(require("import"))):
    return _import_page(request, user, None, job)


@router.post("/import", include_in_schema=False)
async def import_form(request: Request, files: list[UploadFile] = File(...), csrf: str = Form(""),
                      format: str = Form("auto"), timezone: str = Form(""), enrich: str = Form(""),
                      user: dict = Depends(require("import"))):
    web(request).check_csrf(request, user, csrf)
    try:
        job = await web(request).start_import(files, user, fmt=format or "auto", timezone=timezone or None,
                                              enrich=bool(enrich))
    except HTTPException as e:
        return _import_page(request, user, e.detail)
    return RedirectResponse(f"/import?job={job}", status_code=303)
