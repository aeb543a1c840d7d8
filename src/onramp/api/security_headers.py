"""Security headers on every response. The API serves JSON (and the interactive docs): nothing
may frame it, sniff types, or load content from elsewhere except the docs' own assets. The web
UI's pages (``onramp.web``) load their own scripts, styles and images and nothing else: no
inline script or style either."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from onramp.api.http_middleware import HttpMiddleware, add_missing_headers

API_HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}
# The Swagger UI page loads its script and style from a CDN and runs an inline bootstrap.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
WEB_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'"
)
WEB_PATHS = ("/app", "/admin", "/static/", "/verify-email")
# The docs site (web/handbook.py): MkDocs Material's pages run small inline scripts and Mermaid
# draws its diagrams with inline styles; static pages with no session and no user data.
HANDBOOK_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'none'; frame-ancestors 'none'"
)
HANDBOOK_PATH = "/handbook"


def _is_web(path: str) -> bool:
    return path == "/" or path.startswith(WEB_PATHS)


class SecurityHeaders(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(API_HEADERS)
        if scope["path"].startswith(DOCS_PATHS):
            headers["content-security-policy"] = DOCS_CSP
        elif scope["path"].startswith(HANDBOOK_PATH):
            headers["content-security-policy"] = HANDBOOK_CSP
        elif _is_web(scope["path"]):
            headers["content-security-policy"] = WEB_CSP
            # Under no-referrer a browser posts a form with ``Origin: null``: the CSRF check's
            # Origin rule needs the real one, which same-origin still never sends elsewhere.
            headers["referrer-policy"] = "same-origin"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_missing_headers(message, headers.items())
            await send(message)

        await self.app(scope, receive, send_with_headers)
