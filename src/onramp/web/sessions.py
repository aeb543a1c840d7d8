"""Signing up, confirming the email, signing in (with the second factor) and out, as plain HTML
forms that work without JavaScript. Each step is identity's (``password_login``,
``mfa_login``, ...): the same rate limits, lockout and MFA rules as the JSON API. A signed-in
browser holds the API's cookie session (``auth.cookies``): ``__Host-`` cookies, and the CSRF
token in every form of its pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, clear_session_cookies, require
from onramp.compliance import ListMatchersDep
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.identity import (
    EmailTokenRequest,
    LoginRequest,
    MfaLoginRequest,
    MfaRequiredOut,
    RefreshTokenSuperseded,
    RegisterRequest,
    TokenOut,
    confirm_email,
    login_answer,
    logout,
    mfa_login,
    password_login,
    refresh_session,
    register_customer,
)
from onramp.web.rendering import render

SIGN_IN = "/app/sign-in"
RENEW = "/app/session/renew"
router = APIRouter(include_in_schema=False)
_LOGIN_RATE = [rate_limited("login")]


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse(SIGN_IN, status_code=303)


@router.get(SIGN_IN)
async def sign_in_page(request: Request) -> HTMLResponse:
    return render(request, "app/sign_in.html", email="")


def _signed_in(tokens: TokenOut, settings: Settings) -> RedirectResponse:
    """To the dashboard (staff go on to the back office), holding the session's cookies."""
    answer = RedirectResponse("/app", status_code=303)
    login_answer(tokens, cookie_session=True, response=answer, settings=settings)
    return answer


@router.post(SIGN_IN, dependencies=_LOGIN_RATE)
async def sign_in(
    body: Annotated[LoginRequest, Form()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    outcome = await password_login(
        request, session, settings=settings, clock=clock, email=body.email, password=body.password
    )
    if isinstance(outcome, MfaRequiredOut):
        return render(request, "app/mfa.html", mfa_token=outcome.mfa_token)
    return _signed_in(outcome, settings)


@router.post(f"{SIGN_IN}/mfa", dependencies=_LOGIN_RATE)
async def sign_in_mfa(
    body: Annotated[MfaLoginRequest, Form()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    tokens = await mfa_login(
        request,
        session,
        settings=settings,
        clock=clock,
        body=body,
    )
    return _signed_in(tokens, settings)


@router.get("/app/sign-up")
async def sign_up_page(request: Request) -> HTMLResponse:
    return render(request, "app/sign_up.html", email="", full_name="")


@router.post("/app/sign-up", dependencies=_LOGIN_RATE)
async def sign_up(
    body: Annotated[RegisterRequest, Form()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
) -> HTMLResponse:
    user = await register_customer(
        session,
        matchers=matchers,
        settings=settings,
        clock=clock,
        body=body,
    )
    return render(request, "app/signed_up.html", status_code=201, email=user.email)


@router.get("/verify-email")
async def emailed_link(token: str = "") -> RedirectResponse:
    """The verification email's link (``notifications.public_base_url`` + /verify-email)."""
    return RedirectResponse(f"/app/verify-email?token={token}", status_code=303)


@router.get("/app/verify-email")
async def verify_email_page(request: Request, token: str = "") -> HTMLResponse:
    # A button, not the GET itself: mail scanners follow links.
    return render(request, "app/verify_email.html", token=token)


@router.post("/app/verify-email", dependencies=_LOGIN_RATE)
async def verify_email(
    body: Annotated[EmailTokenRequest, Form()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> HTMLResponse:
    await confirm_email(session, token=body.token, settings=settings, clock=clock)
    return render(request, "app/email_verified.html")


def local_path(target: str) -> str:
    """Where to go after renewing: one of our own pages, never another site."""
    ours = target.startswith(("/app", "/admin")) and not target.startswith(("//", "/\\"))
    return target if ours else "/app"


@router.post(RENEW, dependencies=_LOGIN_RATE)
async def renew(
    next_page: Annotated[str, Form(alias="next", max_length=2000)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> RedirectResponse:
    """The access token expired and the refresh cookie is still good: the API's refresh (the
    single-use rotation, the CSRF check of the form's token), then back to the page."""
    try:
        tokens = await refresh_session(request, session, settings=settings, clock=clock, token=None)
    except RefreshTokenSuperseded:
        # Another tab renewed a moment ago: the browser holds its newer cookies already.
        return RedirectResponse(local_path(next_page), status_code=303)
    answer = RedirectResponse(local_path(next_page), status_code=303)
    login_answer(tokens, cookie_session=True, response=answer, settings=settings)
    return answer


@router.post("/app/sign-out")
async def sign_out(
    principal: Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> RedirectResponse:
    await logout(
        session, session_id=principal.login_session(), user_id=principal.user_id, clock=clock
    )
    answer = RedirectResponse(SIGN_IN, status_code=303)
    clear_session_cookies(answer)
    return answer
