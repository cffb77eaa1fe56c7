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

import threading
import warnings
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

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
    app.add_exception_handler(HTTPException, _http_error)
    app.include_router(public.router)
    app.include_router(pages.router)
    app.include_router(cases.router)
    app.include_router(cases.api)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(labelling.router(state.ws, state.lock, require, state.check_csrf, state.render, lang_of))
    # mounted last so that /static/plotly.min.js (shipped inside the plotly package) is routed first
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    threading.Thread(target=state.warm, name="suara-warm", daemon=True).start()
    return app


async def _http_error(request: Request, exc: HTTPException):
    """API errors as JSON; a page's 401 (and the API reference's) redirects to the login, its
    400/403/404 is a short page."""
    if exc.status_code != 401 or (request.url.path.startswith("/api/") and request.url.path != "/api/v1/docs"):
        if not request.url.path.startswith("/api/") and exc.status_code in (400, 403, 404):
            return HTMLResponse(f"<h1>{exc.status_code}</h1><p>{_esc(exc.detail)}</p>", status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    nxt = request.url.path + (("?" + request.url.query) if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": nxt}), status_code=303)


def _esc(s: Any) -> str:
    import html
    return html.escape(str(s))


def run_server(workspace: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve a workspace with uvicorn (binds to loopback unless told otherwise)."""
    import uvicorn
    if host not in ("127.0.0.1", "localhost", "::1"):
        warnings.warn(f"Serving on {host}: put a TLS-terminating reverse proxy in front "
                      "(passwords and session cookies must not cross a network in clear text).", stacklevel=2)
    app = create_app(workspace, secure_cookies=host not in ("127.0.0.1", "localhost", "::1"))
    uvicorn.run(app, host=host, port=port, log_level="info")
