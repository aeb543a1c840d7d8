"""Errors as pages for a browser, problem+json for everyone else. The API's handlers decide the
status, the code and the detail (``api.errors``, installed first); for a request that asks for
HTML on the web's paths this renders what they decided: an anonymous visitor is sent to sign in,
a refused form is shown again with the reason, anything else is an error page."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from onramp.auth import CSRF_COOKIE, clear_session_cookies
from onramp.core.errors import OnrampError
from onramp.web.rendering import render
from onramp.web.sessions import SIGN_IN

Handler = Callable[[Request, Any], Response | Awaitable[Response]]
WEB_PATHS = ("/app", "/admin", "/verify-email")
# A refused form post is shown again, with what was typed (never a password) and the reason.
FORMS = {
    "/app/sign-in": "app/sign_in.html",
    "/app/sign-in/mfa": "app/mfa.html",  # the challenge stays usable: its refusal rolled back
    "/app/sign-up": "app/sign_up.html",
    "/app/verify-email": "app/verify_email.html",
    "/app/quote": "app/quote_form.html",
    "/app/orders": "app/quote_form.html",  # a refused order: its amount, to quote again
}
_KEPT_FIELDS = ("email", "full_name", "token", "mfa_token", "amount", "currency")
# Forms of a signed-in page: without a session (an expired one) they are a sign-in, not a refusal.
_SESSION_FORMS = frozenset({"/app/quote", "/app/orders"})


def wants_page(request: Request) -> bool:
    path = request.url.path
    on_web = path == "/" or path.startswith(WEB_PATHS)
    return on_web and "text/html" in request.headers.get("accept", "")


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k in _KEPT_FIELDS if isinstance(v := form.get(k, ""), str)}


def _problem(answer: Response) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(bytes(answer.body))
    return body


async def _page(request: Request, answer: Response) -> Response:
    problem = _problem(answer)
    form = FORMS.get(request.url.path) if request.method == "POST" else None
    if answer.status_code == 401 and request.url.path in _SESSION_FORMS:
        form = None
    if form is not None:
        values: dict[str, Any] = {"error": problem, **await _form_values(request)}
        # A signed-in person's form carries the session's token again (the cookie's, as below).
        values["csrf"] = request.cookies.get(CSRF_COOKIE, "")
        page = render(request, form, status_code=answer.status_code, **values)
    elif answer.status_code == 401:  # no session, or no longer one: sign in (again)
        redirect = RedirectResponse(SIGN_IN, status_code=303)
        clear_session_cookies(redirect)
        return redirect
    else:
        # A signed-in person refused a page may still sign out: the cookie's token (checked
        # against the session as every form's) goes in the form.
        csrf = request.cookies.get(CSRF_COOKIE, "")
        page = render(
            request, "error.html", status_code=answer.status_code, problem=problem, csrf=csrf
        )
    if "retry-after" in answer.headers:  # a lockout says when to try again
        page.headers["retry-after"] = answer.headers["retry-after"]
    return page


def _as_pages(api_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        answer = api_handler(request, exc)
        if not isinstance(answer, Response):
            answer = await answer
        return await _page(request, answer) if wants_page(request) else answer

    return handle


def install_error_pages(app: FastAPI) -> None:
    """Wraps the API's handlers (installed by ``api.build_app``): same decision, other shape."""
    for kind in (OnrampError, RequestValidationError, HTTPException):
        api_handler = app.exception_handlers[kind]
        app.add_exception_handler(kind, _as_pages(api_handler))
