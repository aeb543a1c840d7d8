"""Cookie sessions for the browser (the web UI), and the CSRF defence they need.

API clients send ``Authorization: Bearer``: a browser never attaches that on its own, so those
requests cannot be forged cross-site. A browser does attach cookies, so a login asked for with
``"cookie_session": true`` gets its tokens as ``__Host-`` cookies (HttpOnly, Secure,
SameSite=Strict, Path=/, no Domain) and every state-changing request authenticated by them must
also carry ``X-CSRF-Token``: a value bound to the session (HMAC of the session id), which the UI
reads from the non-HttpOnly ``__Host-onramp_csrf`` cookie or the login answer. A page on another
origin can make the browser send the cookies, but cannot read the token to send it back (the
signed double-submit pattern); SameSite=Strict and an Origin check are further layers.

The web pages' plain HTML forms (``onramp.web``) work without JavaScript, so they cannot set a
header: they carry the same token as the hidden form field ``csrf_token``, checked by the same
rule here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from fastapi import Request, Response

from onramp.auth.errors import CsrfTokenInvalid

ACCESS_COOKIE = "__Host-onramp_access"
REFRESH_COOKIE = "__Host-onramp_refresh"
CSRF_COOKIE = "__Host-onramp_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"  # the same token in an HTML form's body
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(secret: str, session_id: uuid.UUID) -> str:
    mac = hmac.new(secret.encode(), b"csrf:" + session_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def set_session_cookies(
    response: Response, *, access: str, refresh: str, csrf: str, max_age: int
) -> None:
    common = {"secure": True, "samesite": "strict", "path": "/", "max_age": max_age}
    response.set_cookie(ACCESS_COOKIE, access, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(REFRESH_COOKIE, refresh, httponly=True, **common)  # type: ignore[arg-type]
    # Readable by the page's own script, which echoes it in X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]


def clear_session_cookies(response: Response) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="strict")


def _origin_allowed(request: Request, allowed_origins: frozenset[str]) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # same-origin navigations and non-browser clients may send none
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return origin == own or origin in allowed_origins


async def _sent_token(request: Request) -> str:
    """The token in the header, else (an HTML form's post) in the form field."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is not None:
        return sent
    if not request.headers.get("content-type", "").startswith(_FORM_TYPES):
        return ""
    field = (await request.form()).get(CSRF_FIELD)  # parsed once, kept for the route
    return field if isinstance(field, str) else ""


async def check_csrf(
    request: Request, *, session_id: uuid.UUID, secret: str, allowed_origins: frozenset[str]
) -> None:
    """For a request authenticated by the session cookie: unsafe methods need the session's
    token (in the header, or an HTML form's field), and a browser's Origin must be ours."""
    if request.method in SAFE_METHODS:
        return
    sent = await _sent_token(request)
    if not hmac.compare_digest(sent.encode(), csrf_token(secret, session_id).encode()):
        raise CsrfTokenInvalid()
    if not _origin_allowed(request, allowed_origins):
        raise CsrfTokenInvalid("the request comes from another origin")
