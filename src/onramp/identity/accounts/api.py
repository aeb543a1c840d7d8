"""Routes for the emailed links and the account's own credentials: verify the address, reset or
change the password, change the email address."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response, status

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep, check_rate, rate_limited
from onramp.identity.accounts import own_credentials, passwords, service, verification
from onramp.identity.accounts.emails import AccountEmails
from onramp.identity.schemas import (
    EmailChange,
    EmailTokenRequest,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
)
from onramp.identity.sessions import lockout

# A person's own login credentials: never open to API keys, and counted as login attempts.
_OWN_CREDENTIALS = require(Permission.PROFILE_MANAGE_OWN, rate="login", person=True)

router = APIRouter(prefix="/v1/auth", tags=["auth"])
me_router = APIRouter(prefix="/v1/me", tags=["me"])
_TOKEN_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid_email_token (unknown, used or expired)"}
}


@router.post(
    "/email-verification",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[rate_limited("login")],
    summary="Confirm the email address with the token from the verification email",
    responses=_TOKEN_ERRORS,
)
async def verify_email(
    body: EmailTokenRequest, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    await verification.verify_email(
        session, token=body.token, emails=AccountEmails.from_settings(settings), now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@me_router.post(
    "/email-verification",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,  # an empty 202: the document says no body
    summary="Send the verification email again (the earlier link stops working)",
    responses={409: {"description": "email_already_verified"}},
)
async def resend_verification(
    principal: Annotated[
        Principal, require(Permission.PROFILE_MANAGE_OWN, rate="login", person=True)
    ],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    user = await service.get_user(session, user_id=principal.user_id)
    await verification.send_verification(
        session, user=user, emails=AccountEmails.from_settings(settings), now=clock.now()
    )
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,  # an empty 202: the document says no body
    dependencies=[rate_limited("login")],
    summary="Email a password-reset link",
    description=(
        "Always answers 202, whether or not the email is registered: the answer must not tell "
        "who has an account. The link is valid once, for an hour by default."
    ),
)
async def request_password_reset(
    body: PasswordResetRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    await check_rate(request, "login", "account", lockout.account_key(body.email))
    await passwords.request_reset(
        session, email=body.email, emails=AccountEmails.from_settings(settings), now=clock.now()
    )
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[rate_limited("login")],
    summary="Set a new password with the token from the reset email",
    description="Every session of the account ends: log in again with the new password.",
    responses={422: {"description": "invalid_email_token, password_too_weak"}},
)
async def confirm_password_reset(
    body: PasswordResetConfirm, session: SessionDep, clock: ClockDep
) -> Response:
    await passwords.reset_password(
        session,
        token=body.token,
        new_password=body.new_password,
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@me_router.put(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change the password (the current one is needed; step-up if MFA is on)",
    description="The caller's other sessions end; this one goes on.",
    responses={
        403: {"description": "current_password_incorrect, step_up_required"},
        422: {"description": "password_too_weak"},
    },
)
async def change_password(
    body: PasswordChange,
    principal: Annotated[
        Principal, require(Permission.PROFILE_MANAGE_OWN, rate="login", person=True)
    ],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    await own_credentials.change_own_password(
        session,
        principal=principal,
        current_password=body.current_password,
        new_password=body.new_password,
        settings=settings,
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@me_router.post(
    "/email-change",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,  # an empty 202: the document says no body
    summary="Ask to change the email address; a link is sent to the new one",
    description=(
        "The current address is told about the request. Nothing changes until the link sent "
        "to the new address is used (`POST /v1/auth/email-change/confirm`)."
    ),
    responses={
        403: {"description": "current_password_incorrect, step_up_required"},
        409: {"description": "email_taken"},
    },
)
async def request_email_change(
    body: EmailChange,
    principal: Annotated[
        Principal, require(Permission.PROFILE_MANAGE_OWN, rate="login", person=True)
    ],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    await own_credentials.step_up_if_enrolled(
        session, principal=principal, settings=settings, now=clock.now()
    )
    user = await service.get_user(session, user_id=principal.user_id)
    await passwords.confirm_current_password(user, body.current_password)
    await verification.request_email_change(
        session,
        user=user,
        new_email=body.new_email,
        emails=AccountEmails.from_settings(settings),
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/email-change/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[rate_limited("login")],
    summary="Make the new address the account's, with the token sent to it",
    responses={**_TOKEN_ERRORS, 409: {"description": "email_taken"}},
)
async def confirm_email_change(
    body: EmailTokenRequest, session: SessionDep, clock: ClockDep
) -> Response:
    await verification.confirm_email_change(session, token=body.token, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
