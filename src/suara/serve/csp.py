"""Content-Security-Policy with a fresh nonce per request, and the other security headers.

One place for every page: :class:`SecurityHeaders` (ASGI middleware) draws a nonce for each
request and sets the policy on the response; templates read the nonce with the Jinja
global ``csp_nonce()`` (``<script nonce="{{ csp_nonce() }}">``) and mark the inline scripts of
charts with the filter ``{{ b.html | nonced }}``. Scripts run only from ``/static`` (this
package, never a CDN) or with the request's nonce: no ``'unsafe-inline'``, no
``'unsafe-eval'``, so injected markup cannot run script.

``nonced`` is for HTML that Suara's own block renderer made (:mod:`suara.render.html`: every
text escaped, charts from :func:`suara.render.charts.figure_div`, whose Plotly JSON escapes
``<``, ``>`` and ``/`` as ``\\u003c`` etc., so data cannot end the script element); never
apply it to text that came from an import.

Example
-------
>>> tok = _NONCE.set("abc")
>>> str(nonced('<div id="c"></div><script type="text/javascript">Plotly.newPlot("c")</script>'))
'<div id="c"></div><script nonce="abc" type="text/javascript">Plotly.newPlot("c")</script>'
>>> "'unsafe-inline'" in policy("abc").split("style-src")[0]
False
"""
from __future__ import annotations

import contextvars
import re
import secrets

from markupsafe import Markup

__all__ = ["SecurityHeaders", "csp_nonce", "nonced", "policy", "install"]

_NONCE: contextvars.ContextVar[str] = contextvars.ContextVar("suara_csp_nonce", default="")
_SCRIPT_OPEN = re.compile(r"<script(?=[\s>])(?![^>]*\bnonce=)", re.IGNORECASE)


def policy(nonce: str) -> str:
    """The Content-Security-Policy of a page whose inline scripts carry ``nonce``.
    Styles may stay inline (Plotly sizes its charts with style attributes)."""
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def csp_nonce() -> str:
    """This request's nonce (Jinja global): ``<script nonce="{{ csp_nonce() }}">``."""
    return _NONCE.get()


def nonced(html) -> Markup:
    """Trusted chart HTML with this request's nonce on each of its ``<script>`` tags (filter)."""
    n = _NONCE.get()
    return Markup(_SCRIPT_OPEN.sub(f'<script nonce="{n}"', str(html or "")) if n else str(html or ""))


class SecurityHeaders:
    """ASGI middleware: a nonce per HTTP request, the CSP on HTML answers, and
    ``nosniff`` / referrer / frame headers on every answer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        nonce = secrets.token_urlsafe(18)
        token = _NONCE.set(nonce)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"x-content-type-options",
                                                b"referrer-policy", b"x-frame-options")]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    headers.append((b"content-security-policy", policy(nonce).encode()))
                else:  # JSON, CSV, files: nothing in them may run or be framed
                    headers.append((b"content-security-policy",
                                    b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                            (b"x-frame-options", b"DENY")]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            _NONCE.reset(token)


def install(app, templates) -> None:
    """Add the middleware to a FastAPI app and the nonce helpers to its Jinja templates."""
    app.add_middleware(SecurityHeaders)
    templates.env.globals["csp_nonce"] = csp_nonce
    templates.env.filters["nonced"] = nonced
