"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``): the analysis
document and its sections (JSON and CSV), the posts explorer, alerts and cases, issues over
time, coordinated networks, import jobs and the election config."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from suara.serve import auth
from suara.serve.pages import generic_table
from suara.serve.state import jsonable, require, web

router = APIRouter(prefix="/api/v1")


@router.get("/analysis", summary="The whole analysis document")
def api_analysis(request: Request, user: dict = Depends(require("read"))) -> Any:
    w = web(request)
    w.cache.get()   # the current data version first: the encoded answer is kept per version
    return w.cached_json(("analysis", auth.can(user["role"], "identities")), lambda: w.doc_for(user))


@router.get("/analysis/{section}", summary="One section of the analysis document")
def api_section(section: str, request: Request, user: dict = Depends(require("read"))) -> Any:
    if section.endswith(".csv"):   # this route is matched first: ``{section}`` takes the dot too
        return api_section_csv(section[:-4], request, user)
    name = section
    w = web(request)
    doc = w.doc_for(user)
    if name not in doc:
        raise HTTPException(404, f"no section {name!r}; have {list(doc)}")
    return w.cached_json(("analysis", name, auth.can(user["role"], "identities")), lambda: doc[name])


def _section_rows(section: str, data, part: str | None, sub: str | None):
    """The tabular part of a section (``part``/``sub`` pick a nested table)."""
    if part and isinstance(data, dict):
        data = data.get(part)
    if sub and isinstance(data, dict):
        data = data.get(sub)
        part = f"{part}-{sub}"
    if section == "regions" and isinstance(data, dict) and sub == "regions":
        data = {code: {k: v for k, v in r.items() if k != "pairs"}
                | {f"{b}_{m}": x for b, pr in (r.get("pairs") or {}).items() for m, x in pr.items()}
                for code, r in data.items()}
    if section == "demographics" and isinstance(data, dict) and not part:
        data = _demographic_rows(data)
    if section == "share_of_voice" and isinstance(data, dict) and not part:
        data = [{"view": view, "candidate": b, **v} for view in ("all", "filtered")
                for b, v in (data.get(view) or {}).items()]
    return data, part


def _demographic_rows(data: dict) -> list[dict]:
    """One row per view × cross × cell × pair of the demographics section (suppressed cells
    stay suppressed: no numbers, as on the page)."""
    rows = []
    for view in ("all", "filtered"):
        for cross, cells in ((data.get(view) or {}).get("cells") or {}).items():
            for cell in cells if isinstance(cells, list) else ():
                dims = {d: cell.get(d) for d in cross.split("x")}
                for pair, st in (cell.get("pairs") or {}).items():
                    rows.append({"view": view, "cross": cross, **{d: dims.get(d) for d in
                                 ("gender", "age_band", "occupation", "region")},
                                 "candidate": pair, "suppressed": bool(st.get("suppressed")),
                                 **{m: st.get(m) for m in ("accounts", "mentions", "share", "net_sentiment")}})
    return rows


def _table_parts(data) -> list[str]:
    """The query strings (``part=`` and ``part=&sub=``) that pick a table of a section."""
    out: list[str] = []
    for k, v in (data.items() if isinstance(data, dict) else ()):
        if generic_table(v):
            out.append(f"part={k}")
        elif isinstance(v, dict):
            out += [f"part={k}&sub={j}" for j, w in v.items() if generic_table(w)]
    return out


@router.get("/analysis/{section}.csv", summary="A section as CSV (tabular parts)")
def api_section_csv(section: str, request: Request, user: dict = Depends(require("read"))):
    w = web(request)
    data, part = _section_rows(section, w.doc_for(user).get(section), request.query_params.get("part"),
                               request.query_params.get("sub"))
    tab = generic_table(data, max_rows=100_000)
    if not tab:
        parts = _table_parts(data) if not part else []
        raise HTTPException(404, f"this section has no single table; choose one: {', '.join(parts)}"
                            if parts else "this section has no table")
    return w.csv_response(tab["columns"], tab["rows"], f"{section}{'-' + part if part else ''}.csv", user)


@router.get("/posts", summary="Posts explorer (filters as query parameters; max 200 per page)")
def api_posts(request: Request, limit: int = 50, offset: int = 0, user: dict = Depends(require("read"))):
    return web(request).posts(request.query_params, user, limit=limit, offset=offset)[1]


@router.get("/posts.csv", summary="Every post matching the explorer's filters as CSV (UTF-8 with BOM, streamed)")
def api_posts_csv(request: Request, user: dict = Depends(require("read"))):
    import csv
    import io

    from suara.analyse.post_export import EXPORT_COLUMNS
    from suara.report.export import neutralise
    batches = web(request).export_rows(request.query_params, user, "export.csv")

    def gen():
        buf = io.StringIO()
        buf.write("\ufeff")   # UTF-8 BOM: Excel in the Indonesian locale reads the file right
        w = csv.writer(buf)
        w.writerow(EXPORT_COLUMNS)
        for batch in batches:
            for r in batch:
                w.writerow([neutralise(x) if isinstance(x, str) else x for x in r])
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue().encode("utf-8")
    return StreamingResponse(gen(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="posts.csv"'})


@router.get("/posts.xlsx", summary="Every post matching the explorer's filters as an Excel workbook")
def api_posts_xlsx(request: Request, user: dict = Depends(require("read"))):
    import io

    from openpyxl import Workbook

    from suara.analyse.post_export import EXPORT_COLUMNS
    from suara.report.export import neutralise
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("posts")
    sheet.append(EXPORT_COLUMNS)
    for batch in web(request).export_rows(request.query_params, user, "export.xlsx"):
        for r in batch:
            sheet.append([neutralise(x) if isinstance(x, str) else x for x in r])
    buf = io.BytesIO()
    wb.save(buf)
    return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="posts.xlsx"'})


@router.get("/alerts", summary="Current alerts, newest first (times also in the election's zone)")
def api_alerts(request: Request, lang: str | None = None, user: dict = Depends(require("read"))):
    """With ``lang`` (id or en) each alert's reason is also given as ``reason_text`` in that language."""
    alerts = web(request).alerts(user=user)
    if lang in ("id", "en"):
        from suara.analyse.wording import reason
        alerts = [{**a, "reason_text": reason(a.get("reason"), lang)} for a in alerts]
    return {"alerts": alerts}


@router.get("/issues", summary="Issues per week per candidate, emerging issues, resonance")
def api_issues(request: Request, user: dict = Depends(require("read"))):
    web(request).cache.get()
    return jsonable(web(request).extra("issues", False))


def _network(request: Request, user: dict, scope: str) -> dict:
    w = web(request)
    w.cache.get()
    if scope not in ("coordinated", "all"):
        raise HTTPException(400, "scope: expected coordinated or all")
    return w.extra("network_all" if scope == "all" else "network", auth.can(user["role"], "identities"))


@router.get("/network", summary="Coordinated networks (scope=coordinated) or the whole conversation graph "
                                "(scope=all, the 400 most connected accounts): graph with layout, networks, "
                                "flagged accounts")
def api_network(request: Request, scope: str = "coordinated", user: dict = Depends(require("read"))):
    ident = auth.can(user["role"], "identities")

    def make():
        net = dict(_network(request, user, scope))
        net["networks"] = [{k: v for k, v in n.items() if k != "summary"} for n in net.get("networks") or []]
        return net
    return web(request).cached_json(("network", ident, scope), make)


@router.get("/network.gexf", summary="The network graph as GEXF for Gephi (scope=coordinated|all), "
                                     "accounts as the caller may see them")
def api_network_gexf(request: Request, scope: str = "coordinated", user: dict = Depends(require("read"))):
    from suara.analyse.network import network_gexf
    w = web(request)
    net = _network(request, user, scope)
    w.ws.audit(user["username"], "export.gexf", f"network-{scope}", {"nodes": len(net.get("nodes") or [])})
    return Response(network_gexf(net, w.ws.election), media_type="application/gexf+xml",
                    headers={"Content-Disposition": f'attachment; filename="network-{scope}.gexf"'})


@router.get("/network/edges.csv", summary="The network graph's edges as CSV (scope=coordinated|all)")
def api_network_edges(request: Request, scope: str = "coordinated", user: dict = Depends(require("read"))):
    from suara.analyse.network import network_edges
    cols, rows = network_edges(_network(request, user, scope))
    return web(request).csv_response(cols, rows, f"network-{scope}-edges.csv", user)


@router.get("/network.csv", summary="Flagged accounts with scores and reasons as CSV")
def api_network_csv(request: Request, user: dict = Depends(require("read"))):
    w = web(request)
    w.cache.get()
    acc = w.extra("network", auth.can(user["role"], "identities")).get("accounts") or []
    cols = ["label", "platform", "cluster", "score", "reasons"]
    return w.csv_response(cols, [[a.get(c) for c in cols] for a in acc], "network-accounts.csv", user)


@router.post("/alerts/{alert_id}/case", summary="Open a case for an alert")
def api_open_case(alert_id: str, request: Request, user: dict = Depends(require("case"))):
    web(request).check_csrf(request, user, request.headers.get("x-csrf-token"))
    return jsonable(web(request).open_case(alert_id, user))


@router.get("/cases", summary="Cases")
def api_cases(request: Request, user: dict = Depends(require("read"))):
    return {"cases": jsonable(web(request).cases(user))}


@router.get("/jobs", summary="Background import jobs")
def api_jobs(request: Request, user: dict = Depends(require("import"))):
    return {"jobs": jsonable(web(request).ws.jobs())}


@router.get("/jobs/{job_id}", summary="One import job")
def api_job(job_id: str, request: Request, user: dict = Depends(require("import"))):
    job = web(request).ws.job(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return jsonable(job)


@router.post("/imports", summary="Upload export files; returns a background job id (format=auto|NAME, "
                                  "timezone of naive times, enrich=1 to enrich the new posts afterwards)")
async def api_import(request: Request, files: list[UploadFile] = File(...), format: str = "auto",
                     timezone: str | None = None, enrich: bool = False, user: dict = Depends(require("import"))):
    web(request).check_csrf(request, user, request.headers.get("x-csrf-token"))
    return {"job_id": await web(request).start_import(files, user, fmt=format, timezone=timezone, enrich=enrich)}


@router.get("/jobs/{job_id}/summary", summary="What a finished import did: rows, duplicates, quarantine "
                                             "reasons, posts outside the election period or about no pair")
def api_job_summary(job_id: str, request: Request, user: dict = Depends(require("import"))):
    s = web(request).ws.import_summary(job_id)
    if s is None:
        raise HTTPException(404, "no summary for this job (unknown, or still running)")
    return jsonable(s)


@router.get("/election", summary="The election config")
def api_election(request: Request, user: dict = Depends(require("read"))):
    return jsonable(web(request).ws.election.model_dump(mode="json"))
