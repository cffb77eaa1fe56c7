"""What the web app's routes share: the workspace (opened once, the server owns its store),
the cached analysis document and page blocks, sessions, rate limits, rendering and CSV
answers. Routes reach it as ``request.app.state.web`` through the dependencies below.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer

from suara.serve import auth
from suara.serve.data import AnalysisCache
from suara.serve.i18n import strings
from suara.serve.pages import blocks_for
from suara.store.users import SESSION_ABSOLUTE, Users

__all__ = ["WebState", "web", "require", "lang_of", "jsonable", "safe_filename", "TITLES",
           "SESSION_COOKIE", "SESSION_MAX_AGE"]

HERE = Path(__file__).parent
SESSION_COOKIE = "suara_session"
SESSION_MAX_AGE = SESSION_ABSOLUTE  # the cookie's lifetime; the server ends sessions sooner when idle
#: page route -> title key of the i18n catalogue (the analysis pages)
TITLES = {"overview": "overview", "kandidat": "candidates", "isu": "issues", "wilayah": "regions",
          "influencer": "influencers", "jaringan": "network", "mobilisasi": "mobilise"}
_SAFE_NAME = __import__("re").compile(r"[^A-Za-z0-9._-]+")
#: A cached page body holds these stand-ins where each request has its own values (the form's
#: CSRF token, the CSP script nonce, the user's name). Random per process: no imported text,
#: which the templates escape anyway, can contain or predict them.
_SLOT = "x" + secrets.token_hex(16)
_SLOTS = {name: f"{_SLOT}{name}{_SLOT}" for name in ("csrf", "nonce", "user")}
_SLOT_SPLIT = __import__("re").compile(f"{_SLOT}(csrf|nonce|user){_SLOT}")
#: at most this many page bodies are kept (pages x filters x languages x roles); oldest go first
BODY_CACHE_SIZE = 256


def safe_filename(name: str) -> str:
    """A file name that cannot escape the upload folder or confuse a shell.

    Example
    -------
    >>> safe_filename("../../etc/pass wd")
    'pass_wd'
    """
    base = Path(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).lstrip(".") or "upload"
    return base[:120]


def _secret(ws_path: Path) -> str:
    f = ws_path / ".secret"
    if not f.exists():
        f.write_text(secrets.token_urlsafe(48))
        os.chmod(f, 0o600)
    return f.read_text().strip()


class WebState:
    """The server's state over one workspace (see the module docstring)."""

    def __init__(self, ws, secure_cookies: bool, session_rate_limit: int, max_upload_bytes: int):
        self.ws = ws
        ws.store  # take the write lock now: imports go through the server while it runs
        self.lock = ws.store.lock  # writes (and Ibis compilation) on the store's connection
        self.reader = ws.open_read_pool()  # reads: a pool of cursors, no lock
        self.cache = AnalysisCache(ws, self.lock)
        self.users = Users(ws.store, reader=self.reader)  # sessions and tokens checked on every request
        self.signer = URLSafeTimedSerializer(_secret(ws.path), salt="suara-session")
        self.salt = ws.salt  # the same pseudonyms as the reports and JSON exports
        self.secure_cookies = secure_cookies
        self.max_upload_bytes = max_upload_bytes
        self.login_limiter = auth.RateLimiter(limit=10, window=300)
        self.api_limiter = auth.RateLimiter(limit=600, window=60)
        # api_limiter is keyed by token, so every guessed token had a fresh bucket: failed
        # tokens are also counted per client, which is then refused for a minute
        self.token_fail_limiter = auth.RateLimiter(limit=20, window=60)
        self.token_blocked: dict[str, float] = {}
        # browser sessions too: a stolen or scripted session cookie cannot hammer the store
        self.session_rate_limit = session_rate_limit
        self.session_limiter = auth.RateLimiter(limit=session_rate_limit, window=60)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["num"] = _num_filter
        self._wording_filters()
        self.extras: dict[tuple, Any] = {}  # (name, identities, data key) -> web-only data
        self.page_cache: dict[tuple, list] = {}  # (page, lang, identities, data key) -> blocks
        self.json_cache: dict[tuple, bytes] = {}
        self._scrubbed: tuple | None = None   # (analysis document, its pseudonymised copy)
        self.platform_cache: dict[tuple, list] = {}
        self.feed_cache: dict[tuple, list] = {}
        self.body_cache: dict[tuple, list] = {}  # (template, page key, lang, role, data key) -> pieces
        self.body_renders = 0  # page bodies rendered for the body cache (not served from it)
        self.stopping = threading.Event()
        self._warmer: threading.Thread | None = None

    def _wording_filters(self) -> None:
        """Jinja filters that show stored English evidence (radar reasons, playbooks) and UTC
        times in the page's language and the election's zone."""
        from suara.analyse import wording
        from suara.config import formats
        tz = self.ws.election.timezone
        f = self.templates.env.filters
        f["reason"] = lambda v, lang="id": wording.reason(v, lang)
        f["playbook"] = lambda v, lang="id": wording.playbook(v if isinstance(v, dict) else {}, lang)
        f["localtime"] = lambda v, lang="id": formats.local_datetime(v, tz, lang) if v else ""

    # ------------------------------------------------------------------ sessions & auth
    def read_session(self, request: Request) -> dict:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return {}
        try:
            return self.signer.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return {}

    def set_session(self, resp: Response, data: dict) -> None:
        resp.set_cookie(SESSION_COOKIE, self.signer.dumps(data), max_age=SESSION_MAX_AGE, httponly=True,
                        samesite="strict", secure=self.secure_cookies, path="/")

    def current_user(self, request: Request) -> dict | None:
        h = request.headers.get("authorization", "")
        if h.lower().startswith("bearer "):
            tok = h[7:].strip()
            ip = request.client.host if request.client else "?"
            if self.token_blocked.get(ip, 0.0) > time.monotonic():
                raise HTTPException(429, "too many invalid API tokens from this client; retry in a minute")
            if not self.api_limiter.allow("tok:" + tok[:12]):
                raise HTTPException(429, "rate limit exceeded")
            u = self.users.check_token(tok)
            if u:
                u["via"] = "token"
            elif not self.token_fail_limiter.allow(ip):
                if len(self.token_blocked) > 10_000:
                    self.token_blocked.clear()
                self.token_blocked[ip] = time.monotonic() + 60
            return u
        s = self.read_session(request)
        if s.get("sid"):
            if not self.session_limiter.allow("sess:" + str(s.get("csrf") or s["sid"])):
                raise HTTPException(429, f"rate limit exceeded ({self.session_rate_limit} requests a minute per "
                                         "session); retry in a minute", headers={"Retry-After": "60"})
            u = self.users.session(s["sid"])  # ended, idle, expired or disabled: None
            if u:
                return {"username": u["username"], "role": u["role"], "via": "session", "csrf": s.get("csrf")}
        return None

    def check_csrf(self, request: Request, user: dict, token: str | None) -> None:
        if user.get("via") == "token":
            return  # bearer tokens are not sent by browsers automatically: no CSRF risk
        if not token or not user.get("csrf") or not secrets.compare_digest(token, user["csrf"]):
            raise HTTPException(403, "invalid CSRF token; reload the page")

    def texts(self, lang: str) -> dict:
        """The page texts of ``lang`` with the election's zone in the time headings (WITA...)."""
        cache = self.__dict__.setdefault("_texts", {})
        if lang not in cache:
            t = dict(strings(lang))
            zone = self.zone()
            t["time"] = t.get("time_tz", t["time"]).format(tz=zone)
            t["zone"] = zone
            cache[lang] = t
        return cache[lang]

    def render(self, request: Request, name: str, user: dict | None, **ctx) -> HTMLResponse:
        lang = lang_of(request)
        base = {"request": request, "lang": lang, "t": self.texts(lang), "election": self.ws.election, "user": user,
                "csrf": (user or {}).get("csrf") or self.read_session(request).get("csrf", ""),
                "can_import": bool(user and auth.can(user["role"], "import")),
                "can_admin": bool(user and auth.can(user["role"], "users"))}
        base.update(ctx)
        resp = self.templates.TemplateResponse(request, name, base)
        if request.query_params.get("lang") in ("id", "en"):
            resp.set_cookie("lang", lang, httponly=True, samesite="lax", max_age=365 * 86400)
        # Content-Security-Policy (with this request's nonce) and the other headers: csp.SecurityHeaders
        return resp

    def render_cached(self, request: Request, name: str, user: dict, page_key: tuple, make_ctx) -> HTMLResponse:
        """A page rendered once per (template, ``page_key``, language, role, data version) and
        reused: the body is rendered with stand-ins for the CSRF token, the CSP nonce and the
        user's name, which are filled in for each request, so two users never share them and a
        body made for one role is never served to another. ``make_ctx()`` gives the template's
        context from the data key the body is cached under (one read of the key a request: at
        500,000 posts it is a ~30 ms query); it runs only when the body is not cached (and may
        raise, e.g. a 400). Everything else the page shows must follow from the key."""
        from markupsafe import escape

        from suara.serve import csp
        nonce = request.scope.get("state", {}).get("csp_nonce") or csp.csp_nonce()
        if not nonce:  # no security middleware (the body would carry an empty nonce): render plainly
            return self.render(request, name, user, **make_ctx(None))
        lang = lang_of(request)
        data_key = self.cache.data_key()
        key = (name, page_key, lang, user["role"], data_key)
        pieces = self.body_cache.get(key)
        if pieces is None:
            ctx = make_ctx(data_key)
            stand_in = {**user, "username": _SLOTS["user"], "csrf": _SLOTS["csrf"]}
            token = csp._NONCE.set(_SLOTS["nonce"])
            try:
                html = self.render(request, name, stand_in, **ctx).body.decode("utf-8")
            finally:
                csp._NONCE.reset(token)
            parts = _SLOT_SPLIT.split(html)
            pieces = [p.encode("utf-8") if i % 2 == 0 else p for i, p in enumerate(parts)]
            self.body_renders += 1
            for k in [k for k in self.body_cache if k[4] != key[4]]:
                self.body_cache.pop(k, None)
            while len(self.body_cache) >= BODY_CACHE_SIZE:
                self.body_cache.pop(next(iter(self.body_cache)), None)
            self.body_cache[key] = pieces
        csrf = user.get("csrf") or self.read_session(request).get("csrf", "")
        values = {"csrf": str(escape(csrf)).encode(), "nonce": str(escape(nonce)).encode(),
                  "user": str(escape(user.get("username") or "")).encode("utf-8")}
        body = b"".join(p if i % 2 == 0 else values[p] for i, p in enumerate(pieces))
        resp = HTMLResponse(body)
        if request.query_params.get("lang") in ("id", "en"):
            resp.set_cookie("lang", lang, httponly=True, samesite="lax", max_age=365 * 86400)
        return resp

    # ------------------------------------------------------------------ cached views
    def extra(self, name: str, ident: bool) -> Any:
        """Web-only data (issue series, network graph, volunteers), recomputed on change."""
        # the network and the volunteer roster differ by whether the reader may see identities
        key = (name, ident if name in ("network", "network_all", "volunteers") else None, self.cache._key)
        if key not in self.extras:
            with self.lock:
                if name == "issues":
                    val = self.ws.issue_series()
                elif name in ("network", "network_all"):  # coordinated networks / the whole conversation
                    val = self.ws.network(show_identities=ident, whole=name == "network_all")
                else:
                    val = self.ws.volunteers(show_identities=ident)
            for k in [k for k in self.extras if k[0] == name and k[2] != self.cache._key]:
                self.extras.pop(k, None)
            self.extras[key] = val
        return self.extras[key]

    def doc_for(self, user: dict) -> dict:
        """The analysis document as ``user`` may see it: citizens pseudonymised for roles
        without identities (scrubbed once per data version, not per request). Read-only."""
        doc = self.cache.get()
        if auth.can(user["role"], "identities"):
            return doc
        seen = self._scrubbed
        if seen is None or seen[0] is not doc:
            seen = (doc, self.ws.scrub(doc))
            self._scrubbed = seen
        return seen[1]

    def page_blocks(self, page: str, lang: str, user: dict, variant: str | None = None) -> list[dict]:
        """A page's cards; ``variant`` "all" on the network page: the whole conversation graph."""
        ident = auth.can(user["role"], "identities")
        self.cache.get()   # brings the analysis (and its key) up to date
        variant = "all" if page == "jaringan" and variant == "all" else None
        key = (page, lang, ident, self.cache._key, variant)
        if key not in self.page_cache:
            doc = self.doc_for(user)
            need = {"isu": ["issues"], "jaringan": ["network"], "mobilisasi": ["volunteers"]}.get(page, [])
            ex = {n: self.extra(n, ident) for n in need}
            if variant:  # the whole conversation graph, above the same networks and account tables
                whole = self.extra("network_all", ident)
                ex["network"] = {**ex["network"], **{k: v for k, v in whole.items() if k not in ("networks", "accounts")}}
            blocks = blocks_for(page, self.ws, doc, strings(lang), ex)
            for k in [k for k in self.page_cache if k[3] != self.cache._key]:
                self.page_cache.pop(k, None)
            self.page_cache[key] = blocks
        return self.page_cache[key]

    def start_warming(self) -> None:
        """Run :meth:`warm` in a thread (:meth:`close` waits for it)."""
        self._warmer = threading.Thread(target=self.warm, name="suara-warm", daemon=True)
        self._warmer.start()

    def warm(self) -> None:
        """Compute the analysis and every page's blocks ahead of the first requests."""
        try:
            with self.lock:  # the first analysis (and its radar run) goes before any later write
                self.cache.get()
            for ident in (False, True):
                for lang in ("id", "en"):
                    for page in TITLES:
                        if self.stopping.is_set():
                            return
                        self.page_blocks(page, lang, {"role": "admin" if ident else "viewer"})
                if not self.stopping.is_set():   # the radar's triage inbox per role kind
                    self.inbox({"role": "admin" if ident else "viewer"})
        except Exception:  # noqa: BLE001 - warming is an optimisation; requests compute on demand
            pass

    def posts(self, params, user: dict, limit: int, offset: int) -> tuple[dict, dict]:
        """(filter, page of posts) for query parameters; a malformed date is a 400."""
        from suara.analyse.explorer import PostFilter
        try:
            f = PostFilter.from_params(params)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        res = self.ws.posts(f, limit=limit, offset=offset, data_key=self.cache.data_key(),
                            show_identities=auth.can(user["role"], "identities"))
        return f, res

    def export_rows(self, params, user: dict, action: str):
        """Batches of every post matching the query parameters (export columns), then an
        audit entry with the row count; a malformed date is a 400. ``limit`` (optional, a
        positive whole number) stops after that many rows, in the explorer's order."""
        from suara.analyse.explorer import PostFilter
        try:
            f = PostFilter.from_params(params)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        raw = params.get("limit")
        limit = None
        if raw not in (None, ""):
            try:
                limit = int(raw)
            except ValueError:
                limit = 0
            if limit < 1:
                raise HTTPException(400, f"limit must be a positive whole number, got {raw!r}")

        def gen():
            n = 0
            # the export's query stops after ``limit`` rows itself
            for batch in self.ws.export_posts(f, show_identities=auth.can(user["role"], "identities"), limit=limit):
                n += len(batch)
                yield batch
            self.ws.audit(user["username"], action, "posts", {"rows": n, "filters": dict(f)})
        return gen()

    def platforms(self) -> list[str]:
        key = self.cache.data_key()
        val = self.platform_cache.get(key)
        if val is None:
            val = self.ws.platforms()
            self.platform_cache.clear()
            self.platform_cache[key] = val
        return val

    def _feed(self, name: str, ident: bool, make, data_key: tuple | None = None) -> list[dict]:
        """A list (alerts, cases) per role kind, remembered until the data changes (scrubbing
        free texts for roles without identities costs a query); ``data_key``: the request's
        data key when it already read it."""
        key = (name, ident, data_key or self.cache.data_key())
        if key not in self.feed_cache:
            val = make()
            for k in [k for k in self.feed_cache if k[2] != key[2]]:
                self.feed_cache.pop(k, None)
            self.feed_cache[key] = val
        return [dict(x) for x in self.feed_cache[key]]

    def alerts(self, user: dict | None = None, limit: int = 200, data_key: tuple | None = None) -> list[dict]:
        ident = bool(user and auth.can(user["role"], "identities"))
        return self._feed(("alerts", limit), ident, lambda: [
            jsonable(a) for a in self.ws.alert_feed(limit=limit, show_identities=ident)], data_key)

    def cases(self, user: dict | None = None, data_key: tuple | None = None) -> list[dict]:
        ident = bool(user and auth.can(user["role"], "identities"))
        return self._feed("cases", ident, lambda: self.ws.cases(show_identities=ident), data_key)

    def inbox(self, user: dict | None = None, *, data_key: tuple | None = None, **filters) -> dict:
        """The radar's triage inbox (:func:`suara.analyse.triage.inbox`) for a role, with the
        inbox filters (pair, type, severity, status); a bad filter value is a 400."""
        from suara.analyse.triage import filter_groups, inbox
        ident = bool(user and auth.can(user["role"], "identities"))
        full = self._feed("inbox", ident, lambda: [inbox(self.ws, show_identities=ident, salt=self.salt,
                                                           db=self.reader)], data_key)[0]
        try:
            groups = filter_groups(full["groups"], **{k: v for k, v in filters.items() if v})
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        return {**full, "groups": groups}

    def open_case(self, alert_id: str, user: dict) -> dict:
        from suara.analyse.cases import CaseError
        try:
            case = self.ws.open_case(alert_id, actor=user["username"])
        except CaseError:
            raise HTTPException(404, "no such alert") from None
        self.cache.invalidate()
        return case

    def case(self, case_id: str, user: dict) -> dict:
        """One case with its playbook, notes and alert; citizens named in the title and notes
        pseudonymised for roles without identities; 404 for an unknown case."""
        from suara.analyse.cases import CaseError, get_case
        try:
            with self.lock:
                c = get_case(self.ws, case_id)
        except CaseError:
            raise HTTPException(404, "no such case") from None
        if not auth.can(user["role"], "identities"):
            from suara.analyse.privacy import scrub_text
            with self.lock:
                texts = scrub_text(self.ws, [c.get("title")] + [n.get("text") for n in c["notes"]], self.salt)
            c["title"] = texts[0]
            for n, t in zip(c["notes"], texts[1:]):
                n["text"] = t
        return c

    def case_action(self, case_id: str, action: str, user: dict, **kw) -> dict:
        """Assign, note, set the status of or resolve a case as ``user`` (audited by the
        library); a refused action is a 400, an unknown case a 404."""
        from suara.analyse import cases as lib
        fn = {"assign": lib.assign_case, "note": lib.add_note, "status": lib.set_status,
              "resolve": lib.resolve_case}.get(action)
        if fn is None:
            raise HTTPException(404, f"unknown case action {action!r}")
        try:
            with self.lock:
                lib.get_case(self.ws, case_id)
        except lib.CaseError:
            raise HTTPException(404, "no such case") from None
        try:
            with self.lock:
                fn(self.ws, case_id, actor=user["username"], **kw)
        except lib.CaseError as e:
            raise HTTPException(400, str(e)) from None
        self.cache.invalidate()
        return self.case(case_id, user)

    def case_evidence(self, case_id: str, user: dict) -> bytes:
        """The case's evidence (CSV + JSON with hashes) as a ZIP; pseudonymised for roles
        without identities; audited by the library."""
        import tempfile
        import zipfile

        from suara.analyse.cases import CaseError, export_evidence
        with tempfile.TemporaryDirectory() as d:
            try:
                with self.lock:
                    res = export_evidence(self.ws, case_id, d, actor=user["username"],
                                          show_identities=auth.can(user["role"], "identities"), salt=self.salt)
            except CaseError:
                raise HTTPException(404, "no such case") from None
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for f in (res["csv"], res["json"]):
                    z.write(f, Path(f).name)
        return buf.getvalue()

    def zone(self) -> str:
        from suara.analyse.feeds import zone_name
        return zone_name(self.ws.election)

    def cached_json(self, name: tuple, make) -> Response:
        """A large JSON answer encoded once per data version (the network graph is ~1 MB: its
        encoding cost more than everything else in the request)."""
        key = (name, self.cache._key)
        body = self.json_cache.get(key)
        if body is None:
            body = json.dumps(jsonable(make()), ensure_ascii=False, allow_nan=False,
                              separators=(",", ":")).encode("utf-8")
            for k in [k for k in self.json_cache if k[1] != self.cache._key]:
                self.json_cache.pop(k, None)
            self.json_cache[key] = body
        return Response(body, media_type="application/json")

    def csv_response(self, columns, rows, name: str, user: dict) -> PlainTextResponse:
        """A CSV download (formula-like cells neutralised for spreadsheets), audited."""
        import csv

        from suara.report.export import neutralise
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        for r in rows:
            w.writerow([neutralise(x) if isinstance(x, str) else x for x in r])
        self.ws.audit(user["username"], "export.csv", name, {"rows": len(rows)})
        return PlainTextResponse(buf.getvalue(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{safe_filename(name)}"'})

    async def start_import(self, files: list[UploadFile], user: dict, fmt: str = "auto",
                           timezone: str | None = None, enrich: bool = False) -> str:
        """Save the uploads (size-limited) and import them in a background job (in ``fmt``,
        naive times read in ``timezone``; then enriched when ``enrich``)."""
        from suara.ingest.registry import formats
        if fmt != "auto" and fmt not in formats():
            raise HTTPException(400, f"format: unknown format {fmt[:40]!r}")
        if timezone:
            from zoneinfo import ZoneInfo
            try:
                ZoneInfo(timezone)
            except Exception:  # noqa: BLE001 - any unknown or malformed zone name
                raise HTTPException(400, f"timezone: unknown time zone {timezone[:40]!r}") from None
        from suara.ingest.jobs import new_job_id
        up = self.ws.path / "uploads"
        up.mkdir(exist_ok=True)
        job = new_job_id()
        saved: list[Path] = []
        for f in files:
            dest = up / f"{job}-{safe_filename(f.filename or 'upload')}"
            size = 0
            with open(dest, "wb") as out:
                while chunk := await f.read(1 << 20):
                    size += len(chunk)
                    if size > self.max_upload_bytes:
                        out.close()
                        dest.unlink(missing_ok=True)
                        for p in saved:
                            p.unlink(missing_ok=True)
                        raise HTTPException(413, f"{safe_filename(f.filename or '')}: larger than "
                                                 f"{self.max_upload_bytes // 2**20} MB")
                    out.write(chunk)
            saved.append(dest)
        self.ws.queue_import(saved, actor=user["username"], job_id=job)

        def work():
            try:
                self.ws.run_import_job(job, saved, fmt=fmt, timezone=timezone or None, enrich=enrich)
            finally:
                self.cache.invalidate()

        threading.Thread(target=work, name=job, daemon=True).start()
        return job

    def close(self) -> None:
        self.stopping.set()
        # the warming thread stops after the page it is on: left running, it could still be
        # inside DuckDB when the interpreter exits, which aborts the process
        if self._warmer is not None:
            self._warmer.join(timeout=120)
        with self.lock:  # waits for a running analysis/import step; later ones see `stopping`
            self.ws.close()


# ---------------------------------------------------------------------- route helpers
def web(request: Request) -> WebState:
    """The app's `WebState` (a FastAPI dependency)."""
    return request.app.state.web


def lang_of(request: Request) -> str:
    q = request.query_params.get("lang")
    return q if q in ("id", "en") else request.cookies.get("lang", "id")


def require(perm: str):
    """A dependency: the logged-in user (session or bearer token) holding ``perm``; 401
    without a user, 403 without the permission."""
    def dep(request: Request) -> dict:
        u = web(request).current_user(request)
        if not u:
            raise HTTPException(401, "authentication required")
        if not auth.can(u["role"], perm):
            raise HTTPException(403, f"your role ({u['role']}) may not {perm}")
        return u
    return dep


def jsonable(x: Any) -> Any:
    """Plain JSON values: NaN/inf -> None, numpy scalars/arrays -> Python, dates -> ISO.

    Example
    -------
    >>> jsonable({"a": float("nan"), "b": (1, 2)})
    {'a': None, 'b': [1, 2]}
    """
    import math
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [jsonable(v) for v in x]
    if hasattr(x, "tolist") and not isinstance(x, (str, bytes)):
        return jsonable(x.tolist())
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return str(x)


def _num_filter(value, lang: str = "id") -> str:
    """A whole number in the page's locale (Babel): ``20.644`` in Indonesian, ``20,644`` in English."""
    from babel.numbers import format_decimal
    try:
        return format_decimal(int(value), locale="id_ID" if lang == "id" else "en_US")
    except (TypeError, ValueError):
        return "" if value is None else str(value)
