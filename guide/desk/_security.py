"""ASGI requests in; the same with security headers, an access line (path and status only) and the token check out.

Without a token the desk trusts the machine it runs on (it listens on 127.0.0.1). With one, every
request must carry it: the sign-in form sets an HttpOnly, SameSite=Strict cookie holding a value
derived from the token, the API takes ``Authorization: Bearer``, and cookie-borne posts also need
the CSRF token that the forms carry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection

access_log = logging.getLogger("guide.desk.access")

COOKIE = "desk_session"
CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
OPEN_PATHS = ("/signin", "/static/")  # the sign-in page and its style sheet need no token


def derived(token: str, purpose: str) -> str:
    """A value bound to the token and a purpose: the cookie and the CSRF token never hold the token itself."""
    return hmac.new(token.encode(), purpose.encode(), hashlib.sha256).hexdigest()


class Guard:
    """Token checks for one configured token (or none)."""

    def __init__(self, token: str | None):
        self.token = token
        self.session = derived(token, "desk-session") if token else None
        self.csrf = derived(token, "desk-csrf") if token else None

    @property
    def on(self) -> bool:
        return self.token is not None

    def check_token(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def how(self, conn: HTTPConnection) -> str | None:
        """'local' (no token configured), 'bearer', 'cookie', or None (not signed in)."""
        if not self.on:
            return "local"
        auth = conn.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self.check_token(auth[7:].strip()):
            return "bearer"
        cookie = conn.cookies.get(COOKIE, "")
        if cookie and hmac.compare_digest(cookie.encode(), self.session.encode()):
            return "cookie"
        return None

    def csrf_ok(self, given: str | None) -> bool:
        return self.csrf is None or (given is not None and hmac.compare_digest(given.encode(), self.csrf.encode()))


class DeskMiddleware:
    """Security headers on every answer, one access line per request, and the token gate."""

    def __init__(self, app, guard: Guard):
        self.app, self.guard = app, guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        path = scope["path"]
        status = [0]
        static = path.startswith("/static/")

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    headers[k] = v
                if not static:  # pages may show a name typed into the form; PDFs hold it
                    headers["cache-control"] = "no-store"
            await send(message)

        conn = HTTPConnection(scope)
        how = self.guard.how(conn)
        scope.setdefault("state", {})["auth"] = how
        try:
            if how is None and not path.startswith(OPEN_PATHS):
                await self._refuse(scope, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            # the path only: never the query string, form fields or headers (names are health information)
            access_log.info("%s %s %d %.0f ms", scope["method"], path, status[0], (time.perf_counter() - start) * 1000)

    async def _refuse(self, scope, send) -> None:
        if scope["path"].startswith("/api/") or "application/json" in Headers(scope=scope).get("accept", ""):
            body = json.dumps({"errors": [{"field": "token", "message": "sign in: send Authorization: Bearer "
                                                                        "<token>"}]}).encode()
            headers = [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]
            await send({"type": "http.response.start", "status": 401, "headers": headers})
        else:
            body = b""
            await send({"type": "http.response.start", "status": 303, "headers": [(b"location", b"/signin")]})
        await send({"type": "http.response.body", "body": body})
