"""The web war room: FastAPI app over one workspace.

Server-rendered pages (Jinja2, Bahasa Indonesia by default, ``?lang=en`` switches) and a
JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``) that the pages use too.
Only the login page, static assets and ``/healthz`` answer without authentication; the API
reference (``/api/v1/docs``, rendered on the server from ``/api/v1/openapi.json``) needs a login
too. Browser sessions live on the server (:mod:`suara.store.users`): the cookie carries a
random id, and every request re-reads the user's role and disabled state. The routes live in
`suara.serve.routes` (one module per area); what they share (workspace, caches, sessions) in
`suara.serve.state`.

Example
-------
>>> import suara, tempfile
>>> from fastapi.testclient import TestClient
>>> ws = suara.init(tempfile.mkdtemp()); ws.close()
>>> with TestClient(create_app(ws.path)) as c:  # the context runs start-up and shutdown
...     c.get("/", follow_redirects=False).status_code
303
"""
from __future__ import annotations

import warnings
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import suara
from suara.serve import csp, labelling
from suara.serve.routes import admin, api, cases, pages, public
from suara.serve.routes.admin import api_operations
from suara.serve.state import (HERE, SESSION_COOKIE, SESSION_MAX_AGE, WebState, lang_of, require,
                               safe_filename)

__all__ = ["create_app", "run_server", "safe_filename", "api_operations", "MAX_UPLOAD_BYTES",
           "SESSION_COOKIE", "SESSION_MAX_AGE", "SESSION_RATE_LIMIT"]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SESSION_RATE_LIMIT = 600  # requests a minute per logged-in browser session (as per API token)


def create_app(workspace: str | Path, secure_cookies: bool = False) -> FastAPI:
    """Build the app for a workspace (the server owns the store while it runs)."""
    state = WebState(suara.open(workspace), secure_cookies, SESSION_RATE_LIMIT, MAX_UPLOAD_BYTES)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.close()

    # the API reference is served by routes.admin, behind login and without any CDN
    app = FastAPI(title="Suara", version=suara.__version__, docs_url=None, redoc_url=None,
                  openapi_url=None, lifespan=lifespan)
    app.state.web = state
    app.state.ws, app.state.cache, app.state.users = state.ws, state.cache, state.users
    csp.install(app, state.templates)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)
    app.include_router(public.router)
    app.include_router(pages.router)
    app.include_router(cases.router)
    app.include_router(cases.api)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(labelling.router(state.ws, state.lock, require, state.check_csrf, state.render, lang_of))
    # mounted last so that /static/plotly.min.js (shipped inside the plotly package) is routed first
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    state.start_warming()
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") and request.url.path != "/api/v1/docs"


def _error_page(request: Request, status: int, detail: Any = "", headers: dict | None = None) -> HTMLResponse:
    """A styled error page in the user's language (the war room's frame, a message for the
    status and the detail that names what was wrong)."""
    state = request.app.state.web
    try:
        user = state.current_user(request)
    except Exception:  # noqa: BLE001 - a rate-limited or broken session still gets its error page
        user = None
    t = state.texts(lang_of(request))
    key = f"error_{status}" if f"error_{status}" in t else ("error_4xx" if status < 500 else "error_500")
    resp = state.render(request, "error.html", user, title=t[key], status=status, message=t[key + "_text"],
                        detail="" if detail in (None, "") else str(detail), page="error", charts=False)
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


async def _http_error(request: Request, exc: StarletteHTTPException):
    """API errors as JSON; a page's 401 (and the API reference's) redirects to the login; any
    other page error is a styled page in the user's language."""
    if exc.status_code != 401 or _is_api(request):
        if not _is_api(request):
            return _error_page(request, exc.status_code, exc.detail if exc.status_code != 404 else "",
                               getattr(exc, "headers", None))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    nxt = request.url.path + (("?" + request.url.query) if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": nxt}), status_code=303)


async def _validation_error(request: Request, exc: RequestValidationError):
    """Malformed parameters: the API's 422 JSON as FastAPI gives it; a page's is a styled page
    naming the fields (400 for a page's GET, e.g. a bad filter)."""
    if _is_api(request):
        from fastapi.exception_handlers import request_validation_exception_handler
        return await request_validation_exception_handler(request, exc)
    fields = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or '?'}: {e.get('msg', '')}"
                       for e in exc.errors())
    return _error_page(request, 400 if request.method == "GET" else 422, fields)


async def _server_error(request: Request, exc: Exception):
    """An unexpected failure: JSON for the API, a styled page for a person (no traceback)."""
    if _is_api(request):
        return JSONResponse({"detail": "internal server error"}, status_code=500)
    try:
        return _error_page(request, 500)
    except Exception:  # noqa: BLE001 - the error page itself failed: a plain answer
        return HTMLResponse("<h1>500</h1>", status_code=500)


def run_server(workspace: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve a workspace with uvicorn (binds to loopback unless told otherwise)."""
    import uvicorn
    if host not in ("127.0.0.1", "localhost", "::1"):
        warnings.warn(f"Serving on {host}: put a TLS-terminating reverse proxy in front "
                      "(passwords and session cookies must not cross a network in clear text).", stacklevel=2)
    app = create_app(workspace, secure_cookies=host not in ("127.0.0.1", "localhost", "::1"))
    uvicorn.run(app, host=host, port=port, log_level="info")
