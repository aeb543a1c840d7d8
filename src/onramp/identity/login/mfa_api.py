"""The second factor: finishing a login with TOTP or a recovery code, step-up, enrolment."""

from typing import Annotated

from fastapi import APIRouter, Request, Response, status

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.identity.accounts import own_credentials
from onramp.identity.login import flows
from onramp.identity.login.token_responses import answer_with
from onramp.identity.schemas import (
    CookieSessionOut,
    MfaLoginRequest,
    RecoveryCodesOut,
    SecondFactor,
    TokenOut,
    TotpConfirmRequest,
    TotpEnrolmentOut,
)

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
    await own_credentials.step_up(
        session,
        principal=principal,
        code=body.code,
        recovery_code=body.recovery_code,
        now=clock.now(),
    )
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
    return await own_credentials.start_totp(session, principal=principal, now=clock.now())


@me_router.delete(
    "/mfa/totp",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Turn the authenticator app off (customers; needs a recent step-up)",
    description=(
        "Removes the authenticator and every recovery code; audited, and the account's owner "
        "is emailed. The session must have proved the second factor within the step-up window "
        "(`POST /v1/auth/step-up`). Staff accounts keep theirs."
    ),
    responses={
        403: {"description": "step_up_required"},
        409: {"description": "mfa_not_enrolled, staff_mfa_kept"},
    },
)
async def remove_totp(
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    await own_credentials.remove_totp(
        session, principal=principal, settings=settings, now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
    codes = await own_credentials.confirm_totp(
        session, principal=principal, code=body.code, now=clock.now()
    )
    return RecoveryCodesOut(recovery_codes=codes)
