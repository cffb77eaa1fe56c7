"""Administration and the API reference: users, sessions and tokens (admins), and the
server-rendered reference of ``/api/v1`` (behind login, no CDN)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from suara.serve import auth
from suara.config.i18n import texts
from suara.serve.i18n import strings
from suara.serve.state import lang_of, require, web

router = APIRouter(include_in_schema=False)


def api_operations(spec: dict) -> list[dict]:
    """The operations of an OpenAPI document as rows for the server-rendered API reference.

    >>> api_operations({"paths": {"/x": {"get": {"summary": "X", "parameters": [
    ...     {"name": "limit", "in": "query", "schema": {"type": "integer"}}]}}}})[0]["params"]
    [{'name': 'limit', 'in': 'query', 'required': False, 'type': 'integer'}]
    """
    ops = []
    for path, item in sorted((spec.get("paths") or {}).items()):
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = [{"name": p.get("name"), "in": p.get("in"), "required": bool(p.get("required")),
                       "type": (p.get("schema") or {}).get("type") or "string"} for p in op.get("parameters") or []]
            body = op.get("requestBody") or {}
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary") or "",
                        "description": op.get("description") or "", "params": params,
                        "body": ", ".join((body.get("content") or {}).keys())})
    return ops


@router.get("/api/v1/openapi.json")
def openapi_json(request: Request, user: dict = Depends(require("read"))):
    return JSONResponse(request.app.openapi())


@router.get("/api/v1/docs", response_class=HTMLResponse)
def api_docs(request: Request, user: dict = Depends(require("read"))):
    return web(request).render(request, "api_docs.html", user, title="API /api/v1", page="api",
                               ops=api_operations(request.app.openapi()), charts=False)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, user: dict = Depends(require("users")), message: str = ""):
    w = web(request)
    with w.lock:
        data = {"users_list": w.users.list(), "sessions": w.users.sessions(), "tokens": w.users.tokens(),
                "audit": w.users.audit_log(100)}
    return w.render(request, "admin.html", user, title=strings(lang_of(request)).get("admin", "Admin"),
                    page="admin", message=message[:200], roles=auth.ROLES, charts=False,
                    audit_names=texts("audit", lang_of(request)), **data)


@router.post("/admin/user")
def admin_user(request: Request, username: str = Form(...), action: str = Form(...), role: str = Form(""),
               csrf: str = Form(""), user: dict = Depends(require("users"))):
    w = web(request)
    w.check_csrf(request, user, csrf)
    if username == user["username"] and action in ("disable", "role"):
        raise HTTPException(400, "you cannot disable or demote yourself (another admin can)")
    try:
        with w.lock:
            if action in ("disable", "enable"):
                w.users.set_disabled(username, action == "disable", actor=user["username"])
            elif action == "role":
                w.users.set_role(username, role, actor=user["username"])
            elif action == "logout":
                w.users.end_sessions(username, actor=user["username"])
            else:
                raise HTTPException(400, f"unknown action {action[:20]!r}")
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/token/revoke")
def admin_token_revoke(request: Request, name: str = Form(...), csrf: str = Form(""),
                       user: dict = Depends(require("users"))):
    w = web(request)
    w.check_csrf(request, user, csrf)
    with w.lock:
        n = w.users.revoke_token(name, actor=user["username"])
    if not n:
        raise HTTPException(404, "no active token of that name")
    return RedirectResponse("/admin", status_code=303)
