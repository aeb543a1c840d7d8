"""The second factor: finishing a login with TOTP or a recovery code, step-up, enrolment."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request, Response, status

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.identity.accounts import service
from onramp.identity.errors import (
    InvalidMfaCode,
)
from onramp.identity.login.token_responses import answer_with, client_of, issue_tokens
from onramp.identity.mfa import service as mfa
from onramp.identity.schemas import (
    CookieSessionOut,
    MfaLoginRequest,
    RecoveryCodesOut,
    SecondFactor,
    TokenOut,
    TotpConfirmRequest,
    TotpEnrolmentOut,
)
from onramp.identity.sessions import lockout
from onramp.identity.sessions import service as sessions

router = APIRouter(prefix="/v1/auth", tags=["auth"])
me_router = APIRouter(prefix="/v1/me", tags=["me"])


@router.post(
    "/mfa",
    dependencies=[rate_limited("login")],
    summary="Finish a login with a TOTP code or a recovery code",
    responses={401: {"description": "invalid_mfa_code"}, 429: {"description": "login_locked"}},
    response_model=TokenOut | CookieSessionOut,
)
async def login_mfa(
    body: MfaLoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> TokenOut | CookieSessionOut:
    now = clock.now()
    user = await service.get_user(
        session, user_id=await mfa.take_challenge(session, token=body.mfa_token, now=now)
    )
    client = client_of(request)
    await lockout.check(session, email=user.email, ip=client.ip, now=now)
    try:
        await mfa.verify_second_factor(
            session,
            user_id=user.id,
            code=body.code,
            recovery_code=body.recovery_code,
            now=now,
        )
    except InvalidMfaCode:
        # This request's transaction rolls back (the challenge stays usable until it expires);
        # the failure is counted in a transaction of its own.
        await lockout.record_failure(
            request.app.state.sessions,
            policy=lockout.LockoutPolicy.from_settings(settings.auth),
            email=user.email,
            ip=client.ip,
            now=now,
        )
        raise
    auth, refresh = await sessions.start_session(
        session,
        user=user,
        client=client,
        now=now,
        ttl=timedelta(seconds=settings.auth.session_ttl_seconds),
        mfa=True,
    )
    await lockout.clear_account(session, email=user.email)
    return answer_with(
        issue_tokens(settings, user, auth, refresh, request),
        cookie_session=body.cookie_session,
        response=response,
        settings=settings,
    )


@router.post(
    "/step-up",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Prove the second factor again in this session, for sensitive actions",
    responses={401: {"description": "invalid_mfa_code"}, 409: {"description": "mfa_not_enrolled"}},
)
async def step_up(
    body: SecondFactor,
    principal: Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await mfa.verify_second_factor(
        session,
        user_id=principal.user_id,
        code=body.code,
        recovery_code=body.recovery_code,
        now=clock.now(),
    )
    await sessions.mark_mfa(session, session_id=principal.login_session(), now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@me_router.post(
    "/mfa/totp",
    summary="Start enrolling an authenticator app",
    responses={409: {"description": "mfa_already_enabled"}},
)
async def enrol_totp(
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> TotpEnrolmentOut:
    user = await service.get_user(session, user_id=principal.user_id)
    secret, uri = await mfa.start_enrolment(session, user=user, now=clock.now())
    return TotpEnrolmentOut(secret=secret, otpauth_uri=uri, qr_svg=mfa.qr_svg_data_uri(uri))


@me_router.post(
    "/mfa/totp/confirm",
    summary="Confirm the authenticator app with a first code; returns recovery codes once",
    responses={401: {"description": "invalid_mfa_code"}, 409: {"description": "mfa_not_enrolled"}},
)
async def confirm_totp(
    body: TotpConfirmRequest,
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> RecoveryCodesOut:
    codes = await mfa.confirm_enrolment(
        session, user_id=principal.user_id, code=body.code, now=clock.now()
    )
    await sessions.mark_mfa(session, session_id=principal.login_session(), now=clock.now())
    return RecoveryCodesOut(recovery_codes=codes)
