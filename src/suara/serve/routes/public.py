"""Routes that answer without a login: health, the bundled Plotly, login and logout."""
from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

import suara
from suara.serve.i18n import strings
from suara.serve.state import SESSION_COOKIE, lang_of, web

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz():  # on the event loop: answers at once even when every worker thread is busy
    return {"ok": True, "version": suara.__version__}


@router.get("/static/plotly.min.js", include_in_schema=False)
def plotly_js():
    import plotly
    return FileResponse(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                        media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


def _local_path(next: str) -> str:
    return next if next.startswith("/") and not next.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/"):
    w = web(request)
    s = w.read_session(request)
    csrf = s.get("csrf") or secrets.token_urlsafe(24)
    resp = w.render(request, "login.html", None, title=strings(lang_of(request))["login"],
                    csrf=csrf, next=_local_path(next), error=None, charts=False, page="login")
    if not s.get("csrf"):
        w.set_session(resp, {"csrf": csrf})
    return resp


@router.post("/login", include_in_schema=False)
def login(request: Request, username: str = Form(...), password: str = Form(...),
          csrf: str = Form(""), next: str = Form("/")):
    w = web(request)
    t = strings(lang_of(request))
    s = w.read_session(request)
    ip = request.client.host if request.client else "?"
    if not s.get("csrf") or not secrets.compare_digest(csrf, s["csrf"]):
        raise HTTPException(403, "invalid CSRF token; reload the login page")
    if not w.login_limiter.allow(ip) or not w.login_limiter.allow("user:" + username):
        w.ws.audit(username, "login.ratelimited", ip)
        return w.render(request, "login.html", None, title=t["login"], csrf=s["csrf"], next=next,
                        error=t["too_many"], charts=False, page="login")
    with w.lock:
        u = w.users.check_password(username, password)
        w.ws.audit(username, "login.ok" if u else "login.failed", ip)
        sid = w.users.create_session(u["username"], ip) if u else None
    if not u:
        return w.render(request, "login.html", None, title=t["login"], csrf=s["csrf"], next=next,
                        error=t["login_failed"], charts=False, page="login")
    resp = RedirectResponse(_local_path(next), status_code=303)
    w.set_session(resp, {"sid": sid, "csrf": secrets.token_urlsafe(24)})  # a fresh CSRF token per login
    return resp


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: str = Form("")):
    w = web(request)
    u = w.current_user(request)
    if u:
        w.check_csrf(request, u, csrf)
        if u.get("via") == "session":
            with w.lock:
                w.users.end_session(w.read_session(request)["sid"])  # the cookie is dead everywhere
                w.ws.audit(u["username"], "logout")
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp
