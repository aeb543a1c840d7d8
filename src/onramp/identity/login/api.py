from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import (
    Permission,
    Principal,
    clear_session_cookies,
    require,
)
from onramp.compliance import ListMatchersDep
from onramp.core.paging import EVERY_ROW, BlankIsNone, PageDep, PageQuery
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.identity.accounts import preferences
from onramp.identity.login import flows
from onramp.identity.login.token_responses import answer_with
from onramp.identity.schemas import (
    CookieSessionOut,
    LoginRequest,
    MfaRequiredOut,
    PreferencesBody,
    RefreshRequest,
    RegisterRequest,
    SessionList,
    SessionOut,
    TokenOut,
    UserOut,
)
from onramp.identity.sessions import service as sessions

router = APIRouter(prefix="/v1/auth", tags=["auth"])
me_router = APIRouter(prefix="/v1/me", tags=["me"])


def _preferences_out(found: preferences.Preferences) -> PreferencesBody:
    return PreferencesBody(
        **{**asdict(found), "notification_channels": list(found.notification_channels)}
    )


@router.post(
    "/register",
    dependencies=[rate_limited("login")],
    status_code=status.HTTP_201_CREATED,
    summary="Register a customer account",
    description=(
        "Sends an email with a link to confirm the address (`POST /v1/auth/email-verification` "
        "with its token). Logging in works before that; orders need a verified address."
    ),
    responses={409: {"description": "email_taken"}, 422: {"description": "password_too_weak"}},
)
async def register(
    body: RegisterRequest,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
) -> UserOut:
    user = await flows.register_customer(
        session,
        matchers=matchers,
        settings=settings,
        clock=clock,
        body=body,
    )
    return flows.user_out(user, mfa_enabled=False)


@router.post(
    "/login",
    dependencies=[rate_limited("login")],
    summary="Exchange email and password for an access token and a refresh token",
    description=(
        "After repeated failures the account (and the caller's IP) is locked for a growing "
        "time: `429 login_locked` with `Retry-After`, whether or not the email is registered."
    ),
    responses={
        401: {"description": "invalid_credentials"},
        429: {"description": "login_locked"},
    },
    response_model=TokenOut | CookieSessionOut | MfaRequiredOut,
)
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> TokenOut | CookieSessionOut | MfaRequiredOut:
    outcome = await flows.password_login(
        request, session, settings=settings, clock=clock, email=body.email, password=body.password
    )
    if isinstance(outcome, MfaRequiredOut):
        return outcome
    return answer_with(
        outcome,
        cookie_session=body.cookie_session,
        response=response,
        settings=settings,
    )


@router.post(
    "/refresh",
    dependencies=[rate_limited("login")],
    summary="Exchange a refresh token for a new access token and refresh token",
    description=(
        "Refresh tokens are single use. Presenting one twice revokes the whole session. A "
        "cookie session omits `refresh_token` (the cookie is used) and sends X-CSRF-Token."
    ),
    responses={
        401: {
            "description": "invalid_refresh_token, refresh_token_reused, refresh_token_superseded"
        },
        403: {"description": "csrf_token_invalid (cookie sessions)"},
    },
    response_model=TokenOut | CookieSessionOut,
)
async def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    body: RefreshRequest | None = None,
) -> TokenOut | CookieSessionOut:
    token = body.refresh_token if body else None
    tokens = await flows.refresh_session(
        request, session, settings=settings, clock=clock, token=token
    )
    return answer_with(
        tokens,
        cookie_session=not token,
        response=response,
        settings=settings,
    )


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End the current session: its access and refresh tokens stop working at once",
)
async def logout(
    principal: Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await flows.logout(
        session, session_id=principal.login_session(), user_id=principal.user_id, clock=clock
    )
    done = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(done)  # a browser session's cookies go with it
    return done


SessionStateQuery = Annotated[
    sessions.SessionState | None,
    BlankIsNone,
    Query(description="Only the open sessions (neither signed out nor expired), or the ended"),
]


@me_router.get("/sessions", summary="The caller's sessions, newest first")
async def my_sessions(
    principal: Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    state: SessionStateQuery = None,
) -> SessionList:
    data = await sessions_of(
        session,
        user_id=principal.user_id,
        current=principal.session_id,
        page=page,
        state=state,
        now=clock.now(),
    )
    return SessionList(data=data, next_before=page.next_before(data))


async def sessions_of(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    current: uuid.UUID | None = None,
    page: PageQuery = EVERY_ROW,
    state: sessions.SessionState | None = None,
    now: datetime | None = None,
) -> list[SessionOut]:
    """A person's logins, newest first (theirs to read, and support's); with ``state``, only
    the open or the ended ones at ``now``."""
    return [
        SessionOut(
            id=r.id,
            created_at=r.created_at,
            last_used_at=r.last_used_at,
            expires_at=r.expires_at,
            revoked_at=r.revoked_at,
            revoked_reason=r.revoked_reason,
            ip=r.ip,
            user_agent=r.user_agent,
            risk_signals=r.risk_signals,
            current=r.id == current,
        )
        for r in await sessions.list_sessions(
            session, user_id=user_id, page=page, state=state, now=now
        )
    ]


@me_router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke one of the caller's sessions",
    responses={404: {"description": "session_not_found"}},
)
async def revoke_session(
    session_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await sessions.revoke(
        session,
        session_id=session_id,
        user_id=principal.user_id,
        reason="revoked_by_user",
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@me_router.get("", summary="The caller's profile")
async def me(
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)], session: SessionDep
) -> UserOut:
    return await flows.profile_of(session, user_id=principal.user_id)


@me_router.get("/preferences", summary="The caller's preferences (defaults until set)")
async def get_preferences(
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)], session: SessionDep
) -> PreferencesBody:
    found = await preferences.get_preferences(session, user_id=principal.user_id)
    return _preferences_out(found)


@me_router.put(
    "/preferences",
    summary="Replace the caller's preferences",
    responses={422: {"description": "preferences_invalid, unknown_currency"}},
)
async def put_preferences(
    body: PreferencesBody,
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> PreferencesBody:
    saved = await preferences.set_preferences(
        session,
        user_id=principal.user_id,
        preferences=preferences.Preferences(
            display_currency=body.display_currency,
            default_fiat_currency=body.default_fiat_currency,
            notification_channels=tuple(body.notification_channels),
            language=body.language,
        ),
        now=clock.now(),
    )
    return _preferences_out(saved)
