"""Who may use the page, and that every change comes from the page itself.

* Access: on a loopback address nobody logs in; on any other address the
  server refuses to start without a token given at start (``--token`` or
  DOCGEN_SERVE_TOKEN), and then every request needs it: once on the login
  page (a signed HttpOnly cookie follows) or as ``Authorization: Bearer``.
* CSRF: each browser gets a random, signed token in a SameSite=Strict cookie;
  every state-changing request must send the same token back in the form
  (``csrf``) or the ``X-CSRF-Token`` header, and a cross-site ``Origin`` is
  refused.  ``require_csrf`` is called by every POST handler.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from docgen.errors import DocgenError

CSRF_COOKIE = "docgen_csrf"
AUTH_COOKIE = "docgen_auth"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
OPEN_PATHS = ("/login", "/static/")


class AccessRefused(DocgenError):
    kind = "访问被拒绝"


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Keys:
    """The server's secret (new at every start) and the access token, if any."""

    def __init__(self, token: str | None):
        self.secret = secrets.token_bytes(32)
        self.token = token or None

    def sign(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()[:32]

    def new_csrf(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self.sign('csrf:' + nonce)}"

    def valid_csrf(self, value: str | None) -> bool:
        if not value or "." not in value:
            return False
        nonce, sig = value.rsplit(".", 1)
        return hmac.compare_digest(sig, self.sign("csrf:" + nonce))

    def auth_cookie(self) -> str:
        return self.sign("auth:" + (self.token or ""))

    def token_ok(self, given: str | None) -> bool:
        return bool(self.token) and given is not None and hmac.compare_digest(
            given.encode(), self.token.encode())

    def authorised(self, request: Request) -> bool:
        if not self.token:
            return True
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer ") and self.token_ok(header[7:].strip()):
            return True
        cookie = request.cookies.get(AUTH_COOKIE)
        return cookie is not None and hmac.compare_digest(cookie, self.auth_cookie())


def csrf_of(request: Request) -> str:
    """The CSRF token the page embeds in its forms (set by the middleware)."""
    return getattr(request.state, "csrf", "")


async def require_csrf(request: Request, form=None) -> None:
    """Raise AccessRefused unless the request carries this browser's CSRF token and no foreign Origin."""
    keys: Keys = request.app.state.keys
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise AccessRefused("拒绝来自其他网站的请求。", fix="请直接在 docgen 的页面上操作。")
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and form is not None:
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not (keys.valid_csrf(cookie) and sent and hmac.compare_digest(sent, cookie or "")):
        raise AccessRefused("页面的安全校验码缺失或已过期，操作没有执行。",
                            fix="请刷新页面（按 F5）后重新操作；docgen 重启后旧页面需要刷新。")


class GuardMiddleware(BaseHTTPMiddleware):
    """Access token, CSRF cookie and security headers on every response."""

    async def dispatch(self, request: Request, call_next) -> Response:
        keys: Keys = request.app.state.keys
        path = request.url.path
        if not path.startswith(OPEN_PATHS) and not keys.authorised(request):
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/login", status_code=303)
            return PlainTextResponse("需要访问口令：请先在登录页面输入启动 docgen serve 时设定的口令。",
                                     status_code=401)
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = None if keys.valid_csrf(cookie) else keys.new_csrf()
        request.state.csrf = fresh or cookie
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict", path="/")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cache-Control", "no-store")
        return response
