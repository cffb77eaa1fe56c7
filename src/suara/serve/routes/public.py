"""Routes that answer without a login: health, the bundled Plotly, login and logout."""
from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import suara
from suara.serve.i18n import strings
from suara.serve.state import SESSION_COOKIE, lang_of, web

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz():  # on the event loop: answers at once even when every worker thread is busy
    return {"ok": True, "version": suara.__version__}


@router.get("/static/plotly.min.js", include_in_schema=False)
def plotly_js(request: Request):
    """The bundled plotly.js (about 4.6 MB): gzip-compressed once (about 1.4 MB on the wire)
    when the browser accepts it, cached for a week and revalidated by its ETag (a 304 when
    the browser already has this version)."""
    body, gz, etag = _plotly_bytes()
    headers = {"Cache-Control": "public, max-age=604800", "ETag": etag, "Vary": "Accept-Encoding"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(gz, media_type="application/javascript", headers={**headers, "Content-Encoding": "gzip"})
    return Response(body, media_type="application/javascript", headers=headers)


@lru_cache(maxsize=1)
def _plotly_bytes() -> tuple[bytes, bytes, str]:
    """(plotly.min.js, its gzip, its ETag), read and compressed once per process."""
    import gzip
    import hashlib

    import plotly
    body = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    return body, gzip.compress(body, compresslevel=6, mtime=0), '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


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
