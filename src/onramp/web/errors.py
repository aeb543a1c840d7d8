"""Errors as pages for a browser, problem+json for everyone else. The API's handlers decide the
status, the code and the detail (``api.errors``, installed first); for a request that asks for
HTML on the web's paths this renders what they decided: an anonymous visitor is sent to sign in,
a refused form is shown again with the reason, anything else is an error page."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from onramp.auth import CSRF_COOKIE, REFRESH_COOKIE, clear_session_cookies, signed_in
from onramp.core.errors import OnrampError
from onramp.web.rendering import render
from onramp.web.sessions import RENEW, SIGN_IN, local_path

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
# The account pages' forms (web/customer/account_forms.py), some with an id in their path; each
# template shows its one form again (posting to the same path) with a way back to its page.
FORM_PATTERNS = tuple(
    (re.compile(f"/app/{pattern}"), f"app/account/refused/{template}.html")
    for pattern, template in (
        ("security/totp/confirm", "totp"),
        ("security/step-up", "step_up"),
        ("security/password", "password"),
        ("api-keys", "api_key"),
        ("bank-accounts", "bank_account"),
        ("bank-accounts/[0-9a-f-]+/micro-deposits/confirm", "micro_deposits"),
        ("wallets", "wallet"),
        ("wallets/[0-9a-f-]+/proof", "wallet_proof"),
        ("wallet/withdrawals", "withdrawal"),
        ("kyc", "kyc"),
        ("privacy/preferences", "preferences"),
    )
)
# A form refused for want of a recent second factor whose page is better asked again than shown
# refused: to the step-up page, and back to this page (with what was typed) after it.
STEP_UP_AND_BACK = {"/app/orders": ("/app/quote", ("amount", "currency"))}
STEP_UP = "/app/security/step-up"
_KEPT_FIELDS = (
    *("email", "full_name", "token", "mfa_token", "idempotency_key", "name", "holder_name", "iban"),
    *("bic", "currency", "label", "address", "vasp_name", "challenge_id", "message", "to"),
    *("amount", "given_names", "surname", "date_of_birth", "nationality", "line1", "city"),
    *("postal_code", "country", "display_currency", "default_fiat_currency", "language"),
)


def form_template(path: str) -> str | None:
    """The template that shows a refused form posted to ``path`` again, if it has one."""
    found = FORMS.get(path)
    for pattern, template in FORM_PATTERNS if found is None else ():
        if pattern.fullmatch(path):
            return template
    return found


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


async def _step_up_and_back(request: Request) -> Response | None:
    """A refused order wanting a step-up: to the step-up page, ``next`` its quote page."""
    found = STEP_UP_AND_BACK.get(request.url.path) if request.method == "POST" else None
    if found is None:
        return None
    back, fields = found
    values = await _form_values(request)
    query = urlencode({k: values[k] for k in fields if values.get(k)})
    target = f"{back}?{query}" if query else back
    return RedirectResponse(f"{STEP_UP}?{urlencode({'next': target})}", status_code=303)


async def _page(request: Request, answer: Response) -> Response:
    problem = _problem(answer)
    if problem.get("code") == "step_up_required" and (step_up := await _step_up_and_back(request)):
        return step_up
    form = form_template(request.url.path) if request.method == "POST" else None
    if problem.get("code") == "invalid_token":  # no session, or no longer one: not the form
        form = None
    if form is not None:
        # A signed-in person's form carries the cookie's token again (checked like any other),
        # and their navigation: who they are is decided as ``require`` decides it.
        csrf = request.cookies.get(CSRF_COOKIE, "")
        values: dict[str, Any] = {"error": problem, "csrf": csrf, **await _form_values(request)}
        principal = await signed_in(request)
        page = render(request, form, status_code=answer.status_code, principal=principal, **values)
    elif answer.status_code == 401 and _renewable(request):
        return _renew_page(request)
    elif answer.status_code == 401:  # no session, or no longer one: sign in (again)
        redirect = RedirectResponse(SIGN_IN, status_code=303)
        clear_session_cookies(redirect)
        return redirect
    else:
        # A signed-in person refused a page may still sign out: the cookie's token (checked
        # against the session as every form's) goes in the form.
        csrf = request.cookies.get(CSRF_COOKIE, "")
        page = render(
            request,
            "error.html",
            status_code=answer.status_code,
            problem=problem,
            csrf=csrf,
            principal=await signed_in(request),
            layout="admin/layout.html"
            if request.url.path.startswith("/admin")
            else "app/layout.html",
        )
    if "retry-after" in answer.headers:  # a lockout says when to try again
        page.headers["retry-after"] = answer.headers["retry-after"]
    return page


def _renewable(request: Request) -> bool:
    """The access token is refused but the refresh cookie may still be good (it lasts longer):
    renew once, unless renewing is what was just refused."""
    return REFRESH_COOKIE in request.cookies and request.url.path != RENEW


def _renew_page(request: Request) -> Response:
    """A form that renews the session and comes back: a page asked for is asked for again; a
    refused form's post goes back to the page that showed the form (its values are lost)."""
    if request.method == "GET":
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        referer = urlsplit(request.headers.get("referer", ""))
        back = referer.path if referer.netloc == request.url.netloc else "/app"
    return render(
        request,
        "app/renew_session.html",
        status_code=401,
        renew=RENEW,
        renew_csrf=request.cookies.get(CSRF_COOKIE, ""),
        next=local_path(back),
    )


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
