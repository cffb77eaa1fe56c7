"""Cases in the web app: the list and one case's page (assign, note, status, resolve,
evidence export) over :mod:`suara.analyse.cases`, and the same actions in the JSON API.
Everybody who may read sees cases; changing one needs the ``case`` permission (analysts and
admins; a viewer gets 403), the evidence download the ``export`` one. Every change is written
to the audit log by the library."""
from __future__ import annotations

import re

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from suara.analyse.base import pair_label
from suara.analyse.cases import STATUSES
from suara.config.i18n import texts
from suara.serve import auth
from suara.serve.state import jsonable, lang_of, require, safe_filename, web

router = APIRouter()

_AUTO_TITLE = re.compile(r"^(?P<type>[a-z_]+) — (?:pair (?P<pair>\S+)|all pairs)(?: / (?P<issue>\S+))? "
                         r"\((?P<severity>[a-z]+)\)$")


def localise(case: dict, lang: str, election) -> dict:
    """A case (a list row or :func:`~suara.analyse.cases.get_case`) with ``title_local`` (the
    title the library made, ``hoax — pair 2 / banjir (high)``, in the page's language; a title
    somebody wrote stays as written) and ``playbook_local`` (title, steps; English from the
    library, Indonesian from the catalogue).

    >>> from suara.config import load_election
    >>> localise({"title": "hoax — pair 2 / banjir (high)", "playbook_id": "amplify"}, "id",
    ...          load_election("kaltim-2024"))["title_local"]
    'Hoaks — 2 Rudy-Seno / Banjir (tingkat tinggi)'
    """
    tt, ui = texts("triage", lang), texts("ui", lang)
    out = dict(case)
    m = _AUTO_TITLE.match(str(case.get("title") or ""))
    if m:
        issues = {i.id: (i.label_id if lang == "id" else i.label_en) for i in election.issues}
        iss = m.group("issue")
        out["title_local"] = tt["case_title"].format(
            type=ui.get("enum_" + m.group("type"), m.group("type")),
            pair=pair_label(election, m.group("pair")) if m.group("pair") else tt["all_pairs"],
            issue=f" / {issues.get(iss, iss)}" if iss else "",
            severity=ui.get("enum_" + m.group("severity"), m.group("severity")).lower())
    else:
        out["title_local"] = case.get("title")
    pb = case.get("playbook") if isinstance(case.get("playbook"), dict) else {}
    pid = pb.get("id") or case.get("playbook_id")
    tr = tt["playbooks"].get(pid)
    if tr:
        out["playbook_local"] = {"id": pid, "title": tr[0], "steps": list(tr[1]), "why": None}
    else:
        out["playbook_local"] = {"id": pid, "title": pb.get("title") or pid,
                                 "steps": list(pb.get("steps") or case.get("playbook_steps") or []),
                                 "why": pb.get("why") or case.get("playbook_why")}
    return out


def _ctx(request: Request, user: dict) -> dict:
    w = web(request)
    lang = lang_of(request)
    return {"tt": texts("triage", lang), "tz": w.zone(), "statuses": STATUSES,
            "pairs": {c.ballot: pair_label(w.ws.election, c.ballot) for c in w.ws.election.candidates},
            "can_case": auth.can(user["role"], "case"), "can_export": auth.can(user["role"], "export"),
            "charts": False}


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def cases_page(request: Request, status: str = "", user: dict = Depends(require("read"))):
    w = web(request)
    if status and status not in STATUSES:
        raise HTTPException(400, f"status: expected one of {', '.join(STATUSES)}, got {status[:40]!r}")
    rows = [localise(c, lang_of(request), w.ws.election) for c in w.cases(user)
            if not status or c.get("status") == status]
    return w.render(request, "cases.html", user, title=texts("triage", lang_of(request))["cases"], page="cases",
                    cases=rows, status=status, **_ctx(request, user))


@router.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, case_id: str, user: dict = Depends(require("read"))):
    w = web(request)
    c = localise(w.case(case_id, user), lang_of(request), w.ws.election)
    tt = texts("triage", lang_of(request))
    issues = {i.id: (i.label_id if lang_of(request) == "id" else i.label_en) for i in w.ws.election.issues}
    return w.render(request, "case.html", user, title=f"{tt['case']} {c['case_id']}", page="cases", c=c,
                    issues=issues, **_ctx(request, user))


@router.post("/cases/{case_id}/{action}", include_in_schema=False)
def case_form(request: Request, case_id: str, action: str, csrf: str = Form(""), assignee: str = Form(""),
              start: str = Form(""), text: str = Form(""), status: str = Form(""), outcome: str = Form(""),
              user: dict = Depends(require("case"))):
    w = web(request)
    w.check_csrf(request, user, csrf)
    w.case_action(case_id, action, user, **_args(action, assignee=assignee, start=start, text=text,
                                                  status=status, outcome=outcome))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _args(action: str, **v) -> dict:
    if action == "assign":
        return {"assignee": (v.get("assignee") or "").strip(), "start": bool(v.get("start"))}
    if action == "note":
        return {"text": v.get("text") or ""}
    if action == "status":
        return {"status": v.get("status") or ""}
    if action == "resolve":
        return {"outcome": v.get("outcome") or ""}
    raise HTTPException(404, f"unknown case action {action!r}; known: assign, note, status, resolve")


@router.get("/cases/{case_id}/evidence.zip", include_in_schema=False)
def case_evidence(request: Request, case_id: str, user: dict = Depends(require("export"))):
    body = web(request).case_evidence(case_id, user)
    return Response(body, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{safe_filename(case_id)}-evidence.zip"'})


# ------------------------------------------------------------------------------ JSON API
api = APIRouter(prefix="/api/v1")


@api.get("/inbox", summary="The radar's triage inbox: alerts grouped into ranked incidents")
def api_inbox(request: Request, pair: str = "", type: str = "", severity: str = "", status: str = "",  # noqa: A002
              user: dict = Depends(require("read"))):
    return jsonable(web(request).inbox(user, pair=pair, type=type, severity=severity, status=status))


@api.get("/cases/{case_id}", summary="One case with playbook, notes and alert")
def api_case(request: Request, case_id: str, user: dict = Depends(require("read"))):
    return jsonable(web(request).case(case_id, user))


@api.post("/cases/{case_id}/{action}", summary="Assign, note, set status or resolve a case")
def api_case_action(request: Request, case_id: str, action: str, body: dict = Body(default={}),
                    user: dict = Depends(require("case"))):
    w = web(request)
    w.check_csrf(request, user, request.headers.get("x-csrf-token"))
    return jsonable(w.case_action(case_id, action, user, **_args(action, **{k: str(v) if k != "start" else v
                                                                           for k, v in (body or {}).items()})))
