"""The second factor: finishing a login with TOTP or a recovery code, step-up, enrolment."""

from typing import Annotated

from fastapi import APIRouter, Request, Response, status

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.identity.accounts import service
from onramp.identity.login import flows
from onramp.identity.login.token_responses import answer_with
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
    tokens = await flows.mfa_login(
        request,
        session,
        settings=settings,
        clock=clock,
        body=body,
    )
    return answer_with(
        tokens,
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
