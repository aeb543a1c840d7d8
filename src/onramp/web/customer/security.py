"""``/app/security``: the second factor (enrol an authenticator app: its secret and QR code,
then a first code; prove it again for sensitive actions), the password, and the sessions, one
of which can be signed out. Each step is identity's, as ``/v1/me/mfa/totp``,
``/v1/auth/step-up``, ``PUT /v1/me/password`` and ``/v1/me/sessions`` call it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, require
from onramp.core.paging import PageDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import (
    SessionStateQuery,
    change_own_password,
    confirm_totp,
    own_sessions,
    profile_of,
    revoke_own_session,
    start_totp,
    step_up,
)
from onramp.web.customer.forms import ListFilter, back_to, pager_of, within_app
from onramp.web.rendering import render

PAGE = "/app/security"
router = APIRouter(prefix=PAGE, include_in_schema=False)
Sessions = Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)]
Profile = Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)]
# A person's own login credentials: never an API key's, and counted as login attempts.
Credentials = Annotated[
    Principal, require(Permission.PROFILE_MANAGE_OWN, rate="login", person=True)
]
Code = Annotated[str, Form(max_length=20)]


@router.get("")
async def security_page(
    request: Request,
    principal: Sessions,
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    state: SessionStateQuery = None,
    done: str = "",
) -> HTMLResponse:
    profile = await profile_of(session, user_id=principal.user_id)
    rows = await own_sessions(
        session, user_id=principal.user_id, page=page, state=state, now=clock.now()
    )
    return render(
        request,
        "app/account/security.html",
        principal=principal,
        profile=profile,
        sessions=rows,
        current=principal.session_id,
        state=ListFilter.of("state", state, SessionStateQuery),
        done=done,
        **pager_of(page, rows),
    )


@router.post("/totp")
async def enrol(
    request: Request, principal: Profile, session: SessionDep, clock: ClockDep
) -> HTMLResponse:
    enrolment = await start_totp(session, principal=principal, now=clock.now())
    return render(request, "app/account/totp.html", principal=principal, enrolment=enrolment)


@router.post("/totp/confirm")
async def confirm(
    request: Request, code: Code, principal: Profile, session: SessionDep, clock: ClockDep
) -> HTMLResponse:
    codes = await confirm_totp(session, principal=principal, code=code, now=clock.now())
    return render(request, "app/account/recovery_codes.html", principal=principal, codes=codes)


@router.get("/step-up")
async def step_up_page(
    request: Request,
    principal: Sessions,
    next_page: Annotated[str, Query(alias="next", max_length=500)] = PAGE,
) -> HTMLResponse:
    """Prove the second factor again, then back to ``next`` (a dashboard page: a refused order
    sends the customer here and comes back to its quote)."""
    return render(
        request,
        "app/account/step_up.html",
        principal=principal,
        next=within_app(next_page, PAGE),
    )


@router.post("/step-up")
async def prove_again(
    principal: Sessions,
    session: SessionDep,
    clock: ClockDep,
    code: Annotated[str, Form(max_length=20)] = "",
    recovery_code: Annotated[str, Form(max_length=40)] = "",
    next_page: Annotated[str, Form(alias="next", max_length=500)] = PAGE,
) -> RedirectResponse:
    await step_up(
        session,
        principal=principal,
        code=code or None,
        recovery_code=recovery_code or None,
        now=clock.now(),
    )
    return back_to(within_app(next_page, PAGE), "step_up")


@router.post("/password")
async def change_password(
    current_password: Annotated[str, Form(min_length=1, max_length=256)],
    new_password: Annotated[str, Form(min_length=1, max_length=256)],
    principal: Credentials,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> RedirectResponse:
    await change_own_password(
        session,
        principal=principal,
        current_password=current_password,
        new_password=new_password,
        settings=settings,
        now=clock.now(),
    )
    return back_to(PAGE, "password")


@router.post("/sessions/{session_id}/revoke")
async def sign_out_session(
    session_id: uuid.UUID, principal: Sessions, session: SessionDep, clock: ClockDep
) -> Response:
    await revoke_own_session(
        session,
        session_id=session_id,
        user_id=principal.user_id,
        reason="revoked_by_user",
        now=clock.now(),
    )
    return back_to(PAGE, "session")
