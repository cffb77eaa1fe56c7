"""The web war room: FastAPI app over one workspace.

Server-rendered pages (Jinja2, Bahasa Indonesia by default, ``?lang=en`` switches) and a
JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``) that the pages use too.
Only the login page, static assets and ``/healthz`` answer without authentication; the API
reference (``/api/v1/docs``, rendered on the server from ``/api/v1/openapi.json``) needs a login
too. Browser sessions live on the server (:mod:`suara.store.users`): the cookie carries a
random id, and every request re-reads the user's role and disabled state.

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

import io
import os
import re
import secrets
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import (FileResponse, HTMLResponse, JSONResponse, PlainTextResponse,
                               RedirectResponse, Response)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer

import suara
from suara.serve import auth, csp, labelling
from suara.analyse.privacy import workspace_salt
from suara.serve.data import (AnalysisCache, PostFilter, Reader, issue_series, local_offset, network_data,
                              query_posts, scrub_doc)
from suara.serve.i18n import strings
from suara.serve.pages import PAGES, blocks_for, generic_table
from suara.store.admin import audit
from suara.store.store import utcnow
from suara.store.users import SESSION_ABSOLUTE, Users

__all__ = ["create_app", "run_server", "MAX_UPLOAD_BYTES"]

HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SESSION_COOKIE = "suara_session"
SESSION_MAX_AGE = SESSION_ABSOLUTE  # the cookie's lifetime; the server ends sessions sooner when idle
SESSION_RATE_LIMIT = 600  # requests a minute per logged-in browser session (as per API token)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _secret(ws_path: Path) -> str:
    f = ws_path / ".secret"
    if not f.exists():
        f.write_text(secrets.token_urlsafe(48))
        os.chmod(f, 0o600)
    return f.read_text().strip()


def safe_filename(name: str) -> str:
    """A file name that cannot escape the upload folder or confuse a shell."""
    base = Path(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).lstrip(".") or "upload"
    return base[:120]


def create_app(workspace: str | Path, secure_cookies: bool = False) -> FastAPI:
    """Build the app for a workspace (the server owns the store while it runs)."""
    ws = suara.open(workspace)
    ws.store  # take the write lock now: imports go through the server while it runs
    lock = ws.store._lock  # writes (and Ibis compilation) on the store's connection
    reader = Reader(ws.store, lock)  # reads: per-thread cursors, no lock
    cache = AnalysisCache(ws, lock, reader)
    signer = URLSafeTimedSerializer(_secret(ws.path), salt="suara-session")
    users = Users(ws.store, reader=reader)  # sessions and tokens checked on every request
    with lock:
        salt = workspace_salt(ws)  # the same pseudonyms as the reports and JSON exports
    offset = local_offset(ws.election)
    extras: dict[tuple, Any] = {}  # (name, identities, data key) -> web-only data, recomputed on change
    page_cache: dict[tuple, list] = {}  # (page, lang, identities, data key) -> blocks
    login_limiter = auth.RateLimiter(limit=10, window=300)
    api_limiter = auth.RateLimiter(limit=600, window=60)
    # api_limiter is keyed by token, so every guessed token had a fresh bucket: failed
    # tokens are also counted per client, which is then refused for a minute
    token_fail_limiter = auth.RateLimiter(limit=20, window=60)
    token_blocked: dict[str, float] = {}
    # browser sessions too: a stolen or scripted session cookie cannot hammer the store
    session_limiter = auth.RateLimiter(limit=SESSION_RATE_LIMIT, window=60)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    # the API reference is served below, behind login and without any CDN
    app = FastAPI(title="Suara", version=suara.__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ws, app.state.cache, app.state.users = ws, cache, users
    csp.install(app, templates)

    # ------------------------------------------------------------------ sessions & auth
    def read_session(request: Request) -> dict:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return {}
        try:
            return signer.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return {}

    def set_session(resp: Response, data: dict) -> None:
        resp.set_cookie(SESSION_COOKIE, signer.dumps(data), max_age=SESSION_MAX_AGE, httponly=True,
                        samesite="strict", secure=secure_cookies, path="/")

    def current_user(request: Request) -> dict | None:
        h = request.headers.get("authorization", "")
        if h.lower().startswith("bearer "):
            tok = h[7:].strip()
            ip = request.client.host if request.client else "?"
            if token_blocked.get(ip, 0.0) > time.monotonic():
                raise HTTPException(429, "too many invalid API tokens from this client; retry in a minute")
            if not api_limiter.allow("tok:" + tok[:12]):
                raise HTTPException(429, "rate limit exceeded")
            u = users.check_token(tok)
            if u:
                u["via"] = "token"
            elif not token_fail_limiter.allow(ip):
                if len(token_blocked) > 10_000:
                    token_blocked.clear()
                token_blocked[ip] = time.monotonic() + 60
            return u
        s = read_session(request)
        if s.get("sid"):
            if not session_limiter.allow("sess:" + str(s.get("csrf") or s["sid"])):
                raise HTTPException(429, f"rate limit exceeded ({SESSION_RATE_LIMIT} requests a minute per "
                                         "session); retry in a minute", headers={"Retry-After": "60"})
            u = users.session(s["sid"])  # ended, idle, expired or disabled: None
            if u:
                return {"username": u["username"], "role": u["role"], "via": "session", "csrf": s.get("csrf")}
        return None

    def lang_of(request: Request) -> str:
        q = request.query_params.get("lang")
        return q if q in ("id", "en") else request.cookies.get("lang", "id")

    def require(perm: str):
        def dep(request: Request) -> dict:
            u = current_user(request)
            if not u:
                raise HTTPException(401, "authentication required")
            if not auth.can(u["role"], perm):
                raise HTTPException(403, f"your role ({u['role']}) may not {perm}")
            return u
        return dep

    def check_csrf(request: Request, user: dict, token: str | None) -> None:
        if user.get("via") == "token":
            return  # bearer tokens are not sent by browsers automatically: no CSRF risk
        if not token or not user.get("csrf") or not secrets.compare_digest(token, user["csrf"]):
            raise HTTPException(403, "invalid CSRF token; reload the page")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code != 401 or (request.url.path.startswith("/api/") and request.url.path != "/api/v1/docs"):
            if not request.url.path.startswith("/api/") and exc.status_code in (400, 403, 404):
                return HTMLResponse(f"<h1>{exc.status_code}</h1><p>{_esc(exc.detail)}</p>", status_code=exc.status_code)
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        nxt = request.url.path + (("?" + request.url.query) if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": nxt}), status_code=303)

    def render(request: Request, name: str, user: dict | None, **ctx) -> HTMLResponse:
        lang = lang_of(request)
        base = {"request": request, "lang": lang, "t": strings(lang), "election": ws.election, "user": user,
                "csrf": (user or {}).get("csrf") or read_session(request).get("csrf", ""),
                "can_import": bool(user and auth.can(user["role"], "import")),
                "can_admin": bool(user and auth.can(user["role"], "users"))}
        base.update(ctx)
        resp = templates.TemplateResponse(request, name, base)
        if request.query_params.get("lang") in ("id", "en"):
            resp.set_cookie("lang", lang, httponly=True, samesite="lax", max_age=365 * 86400)
        # Content-Security-Policy (with this request's nonce) and the other headers: csp.SecurityHeaders
        return resp

    # ------------------------------------------------------------------ public routes
    @app.get("/healthz", include_in_schema=False)
    async def healthz():  # on the event loop: answers at once even when every worker thread is busy
        return {"ok": True, "version": suara.__version__}

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js():
        import plotly
        return FileResponse(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                            media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/"):
        s = read_session(request)
        csrf = s.get("csrf") or secrets.token_urlsafe(24)
        resp = render(request, "login.html", None, title=strings(lang_of(request))["login"],
                      csrf=csrf, next=next if next.startswith("/") and not next.startswith("//") else "/",
                      error=None, charts=False, page="login")
        if not s.get("csrf"):
            set_session(resp, {"csrf": csrf})
        return resp

    @app.post("/login", include_in_schema=False)
    def login(request: Request, username: str = Form(...), password: str = Form(...),
              csrf: str = Form(""), next: str = Form("/")):
        t = strings(lang_of(request))
        s = read_session(request)
        ip = request.client.host if request.client else "?"
        if not s.get("csrf") or not secrets.compare_digest(csrf, s["csrf"]):
            raise HTTPException(403, "invalid CSRF token; reload the login page")
        if not login_limiter.allow(ip) or not login_limiter.allow("user:" + username):
            with lock:
                audit(ws.store, username, "login.ratelimited", ip)
            return render(request, "login.html", None, title=t["login"], csrf=s["csrf"], next=next,
                          error=t["too_many"], charts=False, page="login")
        with lock:
            u = users.check_password(username, password)
            audit(ws.store, username, "login.ok" if u else "login.failed", ip)
            sid = users.create_session(u["username"], ip) if u else None
        if not u:
            return render(request, "login.html", None, title=t["login"], csrf=s["csrf"], next=next,
                          error=t["login_failed"], charts=False, page="login")
        dest = next if next.startswith("/") and not next.startswith("//") else "/"
        resp = RedirectResponse(dest, status_code=303)
        set_session(resp, {"sid": sid, "csrf": secrets.token_urlsafe(24)})  # a fresh CSRF token per login
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")):
        u = current_user(request)
        if u:
            check_csrf(request, u, csrf)
            if u.get("via") == "session":
                with lock:
                    users.end_session(read_session(request)["sid"])  # the cookie is dead everywhere
                    audit(ws.store, u["username"], "logout")
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    # ------------------------------------------------------------------ pages
    titles = {"overview": "overview", "kandidat": "candidates", "isu": "issues", "wilayah": "regions",
              "influencer": "influencers", "jaringan": "network", "mobilisasi": "mobilise"}

    def extra(name: str, ident: bool) -> Any:
        key = (name, ident if name == "network" else None, cache._key)
        if key not in extras:
            with lock:
                if name == "issues":
                    val = issue_series(ws)
                elif name == "network":
                    val = network_data(ws, ident, salt)
                else:
                    val = _records(ws.store.sql("SELECT name, platform, consent_at, withdrawn_at FROM volunteers "
                                                "ORDER BY consent_at DESC LIMIT 500"))
                    val = val if ident else [{"volunteers": len(val),
                                             "active": sum(1 for v in val if not v.get("withdrawn_at"))}] if val else []
            for k in [k for k in extras if k[0] == name and k[2] != cache._key]:
                extras.pop(k, None)
            extras[key] = val
        return extras[key]

    def doc_for(user: dict) -> dict:
        doc = cache.get()
        return doc if auth.can(user["role"], "identities") else scrub_doc(doc, ws, salt)

    def page_blocks(page: str, lang: str, user: dict) -> list[dict]:
        ident = auth.can(user["role"], "identities")
        doc = doc_for(user)
        key = (page, lang, ident, cache._key)
        if key not in page_cache:
            need = {"isu": ["issues"], "jaringan": ["network"], "mobilisasi": ["volunteers"]}.get(page, [])
            ex = {n: extra(n, ident) for n in need}
            blocks = blocks_for(page, ws, doc, strings(lang), ex)
            for k in [k for k in page_cache if k[3] != cache._key]:
                page_cache.pop(k, None)
            page_cache[key] = blocks
        return page_cache[key]

    stopping = threading.Event()

    def warm() -> None:
        try:
            with lock:  # the first analysis (and its radar run) goes before any later write
                cache.get()
            for ident in (False, True):
                for lang in ("id", "en"):
                    for page in titles:
                        if stopping.is_set():
                            return
                        page_blocks(page, lang, {"role": "admin" if ident else "viewer"})
        except Exception:  # noqa: BLE001 - warming is an optimisation; requests compute on demand
            pass

    threading.Thread(target=warm, name="suara-warm", daemon=True).start()

    def page_route(page: str):
        def view(request: Request, user: dict = Depends(require("read"))):
            lang = lang_of(request)
            t = strings(lang)
            return render(request, "page.html", user, title=t[titles[page]], page=page,
                          blocks=page_blocks(page, lang, user), charts=True)
        view.__name__ = f"page_{page}"
        return view

    for page in titles:
        app.get("/" if page == "overview" else f"/{page}", response_class=HTMLResponse,
                include_in_schema=False)(page_route(page))

    @app.get("/posts", response_class=HTMLResponse, include_in_schema=False)
    def posts_page(request: Request, offset: int = 0, user: dict = Depends(require("read"))):
        f = PostFilter.from_params(request.query_params)
        res = _posts(f, limit=50, offset=offset, lock=lock,
                          show_identities=auth.can(user["role"], "identities"), salt=salt)
        platforms = _platforms()
        return render(request, "posts.html", user, title=strings(lang_of(request))["posts"], page="posts",
                      f=f, res=res, qs=urlencode(f), platforms=platforms, charts=False)

    @app.get("/radar", response_class=HTMLResponse, include_in_schema=False)
    def radar_page(request: Request, user: dict = Depends(require("read"))):
        return render(request, "radar.html", user, title=strings(lang_of(request))["radar"], page="radar",
                      alerts=_alerts(user=user), cases=_cases(user), tz=_tz(), can_case=auth.can(user["role"], "case"), charts=False)

    @app.post("/radar/{alert_id}/case", include_in_schema=False)
    def open_case_form(request: Request, alert_id: str, csrf: str = Form(""), user: dict = Depends(require("case"))):
        check_csrf(request, user, csrf)
        _open_case(alert_id, user)
        return RedirectResponse("/radar", status_code=303)

    @app.get("/import", response_class=HTMLResponse, include_in_schema=False)
    def import_page(request: Request, user: dict = Depends(require("import"))):
        return render(request, "import.html", user, title=strings(lang_of(request))["import"], page="import",
                      jobs=_jobs(), max_mb=MAX_UPLOAD_BYTES // 2**20, message=None, charts=False)

    @app.post("/import", include_in_schema=False)
    async def import_form(request: Request, files: list[UploadFile] = File(...), csrf: str = Form(""),
                          user: dict = Depends(require("import"))):
        check_csrf(request, user, csrf)
        try:
            await _start_import(files, user)
        except HTTPException as e:
            return render(request, "import.html", user, title=strings(lang_of(request))["import"], page="import",
                          jobs=_jobs(), max_mb=MAX_UPLOAD_BYTES // 2**20, message=e.detail, charts=False)
        return RedirectResponse("/import", status_code=303)

    # ------------------------------------------------------------------ shared actions
    def _posts(f: PostFilter, **kw) -> dict:
        return query_posts(ws, f, reader=reader, data_key=cache.data_key(), **kw)

    platform_cache: dict[tuple, list] = {}

    def _platforms() -> list[str]:
        key = cache.data_key()
        val = platform_cache.get(key)
        if val is None:
            val = reader.sql("SELECT DISTINCT platform FROM posts ORDER BY 1").platform.tolist()
            platform_cache.clear()
            platform_cache[key] = val
        return val

    def _tz() -> str:
        return {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Jayapura": "WIT"}.get(ws.election.timezone,
                                                                                          ws.election.timezone)

    def _local(v: Any) -> str | None:
        return (v + offset).strftime("%Y-%m-%d %H:%M") if v is not None and v == v and hasattr(v, "strftime") else None

    def _alerts(limit: int = 200, user: dict | None = None) -> list[dict]:
        import json as _json
        df = reader.sql(f"SELECT * FROM alerts ORDER BY detected_at DESC NULLS LAST, created_at DESC LIMIT {int(limit)}")
        ident = bool(user and auth.can(user["role"], "identities"))
        out = []
        for r in df.to_dict("records"):
            try:
                ev = _json.loads(r.get("evidence") or "{}")
            except ValueError:
                ev = {}
            trace = ev.get("trace") or {}
            plats = [p.get("platform") for p in trace.get("platforms") or [] if isinstance(p, dict)]
            tops = r.get("top_accounts")
            try:
                tops = _json.loads(tops) if isinstance(tops, str) else list(tops or [])
            except ValueError:
                tops = []
            a = {"alert_id": r["alert_id"], "kind": r.get("kind"), "type": r.get("type"), "severity": r.get("severity"),
                 "severity_score": r.get("severity_score"), "candidate": r.get("candidate"), "issue": r.get("issue"),
                 "posts": r.get("posts"), "status": r.get("status"), "reason": ev.get("reason"),
                 "onset_at": r["onset_at"].isoformat() if _local(r.get("onset_at")) else None,
                 "onset_local": _local(r.get("onset_at")), "detected_local": _local(r.get("detected_at")),
                 "detected_at": r["detected_at"].isoformat() if _local(r.get("detected_at")) else None,
                 "cascade": " → ".join(str(p) for p in plats), "top_accounts": tops}
            out.append(a)
        if not ident and out:
            out = scrub_doc({"alerts": {"alerts": out}}, ws, salt)["alerts"]["alerts"]
            reasons = _scrubbed([a.get("reason") for a in out])
            for a, r in zip(out, reasons):
                a["reason"] = r
        return [_jsonable(a) for a in out]

    scrub_memo: dict[tuple, list] = {}

    def _scrubbed(texts: list) -> list:
        """Free texts with citizens' handles and ids pseudonymised (for roles without
        identities), remembered until the data changes."""
        from suara.analyse.privacy import scrub_text
        key = (cache.data_key(), tuple(texts))
        if key not in scrub_memo:
            with lock:
                val = scrub_text(ws, list(texts), salt)
            if len(scrub_memo) > 256:
                scrub_memo.clear()
            scrub_memo[key] = val
        return list(scrub_memo[key])

    def _cases(user: dict | None = None) -> list[dict]:
        import json as _json
        rows = _records(reader.sql("SELECT * FROM cases ORDER BY opened_at DESC LIMIT 200"))
        if rows and not (user and auth.can(user["role"], "identities")):
            # titles and notes are free text: citizens named in them become their pseudonyms
            texts = _scrubbed([t for r in rows for t in (r.get("title"), r.get("notes"))])
            for i, r in enumerate(rows):
                r["title"], r["notes"] = texts[2 * i], texts[2 * i + 1]
        for r in rows:
            try:
                pb = _json.loads(r.get("playbook") or "{}")
            except ValueError:
                pb = {"id": r.get("playbook")}
            r["playbook_id"] = pb.get("id") if isinstance(pb, dict) else str(pb)
            r["playbook_steps"] = [str(x) for x in (pb.get("steps") or [])][:8] if isinstance(pb, dict) else []
            r["playbook_why"] = pb.get("why") if isinstance(pb, dict) else None
        return rows

    def _jobs() -> list[dict]:
        return _records(reader.sql("SELECT * FROM jobs ORDER BY created_at DESC LIMIT 50"))

    def _open_case(alert_id: str, user: dict) -> dict:
        try:
            from suara.analyse.cases import open_case
        except ImportError:  # cases module not installed in this build
            open_case = None
        with lock:
            if not ws.store.execute("SELECT 1 FROM alerts WHERE alert_id = ?", [alert_id]).fetchall():
                raise HTTPException(404, "no such alert")
            if open_case is not None:
                case = open_case(ws, alert_id, actor=user["username"])
                case = case if isinstance(case, dict) else {"case_id": str(case)}
            else:
                cid = "case-" + uuid.uuid4().hex[:8]
                ws.store.execute("INSERT INTO cases (case_id, alert_id, title, status, opened_at, updated_at) "
                                 "VALUES (?, ?, ?, 'open', ?, ?)", [cid, alert_id, f"Alert {alert_id}", utcnow(), utcnow()])
                audit(ws.store, user["username"], "case.open", cid)
                case = {"case_id": cid}
        cache.invalidate()
        return case

    async def _start_import(files: list[UploadFile], user: dict) -> str:
        up = ws.path / "uploads"
        up.mkdir(exist_ok=True)
        job = "job-" + uuid.uuid4().hex[:10]
        saved: list[Path] = []
        for f in files:
            dest = up / f"{job}-{safe_filename(f.filename or 'upload')}"
            size = 0
            with open(dest, "wb") as out:
                while chunk := await f.read(1 << 20):
                    size += len(chunk)
                    if size > MAX_UPLOAD_BYTES:
                        out.close()
                        dest.unlink(missing_ok=True)
                        for p in saved:
                            p.unlink(missing_ok=True)
                        raise HTTPException(413, f"{safe_filename(f.filename or '')}: larger than "
                                                 f"{MAX_UPLOAD_BYTES // 2**20} MB")
                    out.write(chunk)
            saved.append(dest)
        with lock:
            ws.store.execute("INSERT INTO jobs VALUES (?, 'import', 'queued', 0, ?, ?, ?, ?)",
                             [job, len(saved), ", ".join(p.name for p in saved), utcnow(), utcnow()])
            audit(ws.store, user["username"], "import.upload", job, {"files": [p.name for p in saved]})

        def work():
            done = 0
            msgs = []
            ok_any = False
            for p in saved:
                with lock:
                    ws.store.execute("UPDATE jobs SET status='running', updated_at=? WHERE job_id=?", [utcnow(), job])
                    reps = ws.ingest([p])
                done += 1
                ok_any = ok_any or any(not r.error for r in reps)
                for r in reps:
                    line = r.error or f"{Path(r.file).name}: {r.format} +{r.accepted} ~{r.updated} !{r.quarantined}"
                    msgs.append(f"{line} ({'; '.join(r.notes)})" if r.notes and not r.error else line)
                with lock:
                    ws.store.execute("UPDATE jobs SET done=?, message=?, updated_at=? WHERE job_id=?",
                                     [done, "; ".join(msgs)[:2000], utcnow(), job])
            with lock:
                ws.store.execute("UPDATE jobs SET status=?, updated_at=? WHERE job_id=?",
                                 ["done" if ok_any else "failed", utcnow(), job])
            cache.invalidate()

        threading.Thread(target=work, name=job, daemon=True).start()
        return job

    # ------------------------------------------------------------------ JSON API
    api = APIRouter(prefix="/api/v1")

    @api.get("/analysis", summary="The whole analysis document")
    def api_analysis(user: dict = Depends(require("read"))) -> dict:
        return _jsonable(doc_for(user))

    @api.get("/analysis/{section}", summary="One section of the analysis document")
    def api_section(section: str, user: dict = Depends(require("read"))) -> Any:
        name = section[:-4] if section.endswith(".csv") else section
        doc = doc_for(user)
        if name not in doc:
            raise HTTPException(404, f"no section {name!r}; have {list(doc)}")
        return _jsonable(doc[name])

    @api.get("/analysis/{section}.csv", summary="A section as CSV (tabular parts)")
    def api_section_csv(section: str, request: Request, user: dict = Depends(require("read"))):
        doc = doc_for(user)
        data = doc.get(section)
        part = request.query_params.get("part")
        sub = request.query_params.get("sub")
        if part and isinstance(data, dict):
            data = data.get(part)
        if sub and isinstance(data, dict):
            data = data.get(sub)
            part = f"{part}-{sub}"
        if section == "regions" and isinstance(data, dict) and sub == "regions":
            data = {code: {k: v for k, v in r.items() if k != "pairs"}
                    | {f"{b}_{m}": x for b, pr in (r.get("pairs") or {}).items() for m, x in pr.items()}
                    for code, r in data.items()}
        if section == "share_of_voice" and isinstance(data, dict) and not part:
            rows = [{"view": view, "candidate": b, **v} for view in ("all", "filtered")
                    for b, v in (data.get(view) or {}).items()]
            data = rows
        tab = generic_table(data, max_rows=100_000)
        if not tab:
            raise HTTPException(404, "this section has no table")
        return _csv_response(tab["columns"], tab["rows"], f"{section}{'-' + part if part else ''}.csv", user)

    @api.get("/posts", summary="Posts explorer (filters as query parameters; max 200 per page)")
    def api_posts(request: Request, limit: int = 50, offset: int = 0, user: dict = Depends(require("read"))):
        f = PostFilter.from_params(request.query_params)
        return _posts(f, limit=limit, offset=offset, lock=lock,
                           show_identities=auth.can(user["role"], "identities"), salt=salt)

    @api.get("/posts.csv", summary="Posts explorer as CSV (max 200 rows per request; page with offset)")
    def api_posts_csv(request: Request, limit: int = 200, offset: int = 0, user: dict = Depends(require("read"))):
        f = PostFilter.from_params(request.query_params)
        res = _posts(f, limit=limit, offset=offset, lock=lock,
                          show_identities=auth.can(user["role"], "identities"), salt=salt)
        cols = ["created_at", "platform", "post_id", "handle", "account_type", "text", "url", "sentiment",
                "likes", "comments", "shares", "buzzer"]
        return _csv_response(cols, [[p.get(c) for c in cols] for p in res["posts"]], "posts.csv", user)

    @api.get("/alerts", summary="Current alerts, newest first (times also in the election's zone)")
    def api_alerts(user: dict = Depends(require("read"))):
        return {"alerts": _alerts(user=user)}

    @api.get("/issues", summary="Issues per week per candidate, emerging issues, resonance")
    def api_issues(user: dict = Depends(require("read"))):
        cache.get()
        return _jsonable(extra("issues", False))

    @api.get("/network", summary="Coordinated networks: graph with layout, networks, flagged accounts")
    def api_network(user: dict = Depends(require("read"))):
        cache.get()
        ident = auth.can(user["role"], "identities")

        def make():
            net = dict(extra("network", ident))
            net["networks"] = [{k: v for k, v in n.items() if k != "summary"} for n in net.get("networks") or []]
            return net
        return _cached_json(("network", ident), make)

    @api.get("/network.csv", summary="Flagged accounts with scores and reasons as CSV")
    def api_network_csv(user: dict = Depends(require("read"))):
        cache.get()
        acc = extra("network", auth.can(user["role"], "identities")).get("accounts") or []
        cols = ["label", "platform", "cluster", "score", "reasons"]
        return _csv_response(cols, [[a.get(c) for c in cols] for a in acc], "network-accounts.csv", user)

    @api.post("/alerts/{alert_id}/case", summary="Open a case for an alert")
    def api_open_case(alert_id: str, request: Request, user: dict = Depends(require("case"))):
        check_csrf(request, user, request.headers.get("x-csrf-token"))
        return _jsonable(_open_case(alert_id, user))

    @api.get("/cases", summary="Cases")
    def api_cases(user: dict = Depends(require("read"))):
        return {"cases": _jsonable(_cases(user))}

    @api.get("/jobs", summary="Background import jobs")
    def api_jobs(user: dict = Depends(require("import"))):
        return {"jobs": _jsonable(_jobs())}

    @api.get("/jobs/{job_id}", summary="One import job")
    def api_job(job_id: str, user: dict = Depends(require("import"))):
        for j in _jobs():
            if j["job_id"] == job_id:
                return _jsonable(j)
        raise HTTPException(404, "no such job")

    @api.post("/imports", summary="Upload export files; returns a background job id")
    async def api_import(request: Request, files: list[UploadFile] = File(...), user: dict = Depends(require("import"))):
        check_csrf(request, user, request.headers.get("x-csrf-token"))
        job = await _start_import(files, user)
        return {"job_id": job}

    @api.get("/election", summary="The election config")
    def api_election(user: dict = Depends(require("read"))):
        return _jsonable(ws.election.model_dump(mode="json"))

    json_cache: dict[tuple, bytes] = {}

    def _cached_json(name: tuple, make) -> Response:
        """A large JSON answer encoded once per data version (the network graph is ~1 MB: its
        encoding cost more than everything else in the request)."""
        import json as _json
        key = (name, cache._key)
        body = json_cache.get(key)
        if body is None:
            body = _json.dumps(_jsonable(make()), ensure_ascii=False, allow_nan=False,
                               separators=(",", ":")).encode("utf-8")
            for k in [k for k in json_cache if k[1] != cache._key]:
                json_cache.pop(k, None)
            json_cache[key] = body
        return Response(body, media_type="application/json")

    def _csv_response(columns, rows, name, user):
        import csv
        from suara.report.export import neutralise
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        for r in rows:
            w.writerow([neutralise(x) if isinstance(x, str) else x for x in r])
        with lock:
            audit(ws.store, user["username"], "export.csv", name, {"rows": len(rows)})
        return PlainTextResponse(buf.getvalue(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{safe_filename(name)}"'})

    # ------------------------------------------------------------------ API reference (login needed)
    @app.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi_json(user: dict = Depends(require("read"))):
        return JSONResponse(app.openapi())

    @app.get("/api/v1/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request, user: dict = Depends(require("read"))):
        return render(request, "api_docs.html", user, title="API /api/v1", page="api",
                      ops=api_operations(app.openapi()), charts=False)

    # ------------------------------------------------------------------ administration
    @app.get("/admin", response_class=HTMLResponse, include_in_schema=False)
    def admin_page(request: Request, user: dict = Depends(require("users")), message: str = ""):
        with lock:
            data = {"users_list": users.list(), "sessions": users.sessions(), "tokens": users.tokens(),
                    "audit": users.audit_log(100)}
        return render(request, "admin.html", user, title=strings(lang_of(request)).get("admin", "Admin"),
                      page="admin", message=message[:200], roles=auth.ROLES, charts=False, **data)

    @app.post("/admin/user", include_in_schema=False)
    def admin_user(request: Request, username: str = Form(...), action: str = Form(...), role: str = Form(""),
                   csrf: str = Form(""), user: dict = Depends(require("users"))):
        check_csrf(request, user, csrf)
        if username == user["username"] and action in ("disable", "role"):
            raise HTTPException(400, "you cannot disable or demote yourself (another admin can)")
        try:
            with lock:
                if action in ("disable", "enable"):
                    users.set_disabled(username, action == "disable", actor=user["username"])
                elif action == "role":
                    users.set_role(username, role, actor=user["username"])
                elif action == "logout":
                    users.end_sessions(username, actor=user["username"])
                else:
                    raise HTTPException(400, f"unknown action {action[:20]!r}")
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        return RedirectResponse("/admin", status_code=303)

    @app.post("/admin/token/revoke", include_in_schema=False)
    def admin_token_revoke(request: Request, name: str = Form(...), csrf: str = Form(""),
                           user: dict = Depends(require("users"))):
        check_csrf(request, user, csrf)
        with lock:
            n = users.revoke_token(name, actor=user["username"])
        if not n:
            raise HTTPException(404, "no active token of that name")
        return RedirectResponse("/admin", status_code=303)

    app.include_router(api)
    app.include_router(labelling.router(ws, lock, require, check_csrf, render, lang_of))
    # mounted last so that /static/plotly.min.js (shipped inside the plotly package) is routed first
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.on_event("shutdown")
    def _close():
        stopping.set()
        with lock:  # waits for a running analysis/import step; later ones see `stopping`
            reader.close()
            ws.close()

    return app


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


def _esc(s: Any) -> str:
    import html
    return html.escape(str(s))


def _records(df) -> list[dict]:
    out = []
    for r in df.to_dict("records"):
        out.append({k: (v.isoformat() if hasattr(v, "isoformat") and v == v else (None if isinstance(v, float) and v != v else v))
                    for k, v in r.items()})
    return out


def _jsonable(x: Any) -> Any:
    """Plain JSON values: NaN/inf -> None, numpy scalars/arrays -> Python, dates -> ISO."""
    import math
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "tolist") and not isinstance(x, (str, bytes)):
        return _jsonable(x.tolist())
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return str(x)


def run_server(workspace: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve a workspace with uvicorn (binds to loopback unless told otherwise)."""
    import uvicorn
    if host not in ("127.0.0.1", "localhost", "::1"):
        warnings.warn(f"Serving on {host}: put a TLS-terminating reverse proxy in front "
                      "(passwords and session cookies must not cross a network in clear text).", stacklevel=2)
    app = create_app(workspace, secure_cookies=host not in ("127.0.0.1", "localhost", "::1"))
    uvicorn.run(app, host=host, port=port, log_level="info")
