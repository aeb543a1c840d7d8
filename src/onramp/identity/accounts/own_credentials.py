"""What a signed-in person does to their own credentials, as ``/v1/me/...``, ``/v1/auth/step-up``
and the web's security page do it: enrol and confirm an authenticator app, prove the second
factor again (step-up), change the password. Each marks or checks the login session the way
the API always has, so a page and a route cannot differ."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Principal, Role
from onramp.core.settings import Settings
from onramp.identity.accounts import passwords, service
from onramp.identity.errors import StaffMfaKept
from onramp.identity.mfa import service as mfa
from onramp.identity.schemas import TotpEnrolmentOut
from onramp.identity.sessions import service as sessions


async def start_totp(
    session: AsyncSession, *, principal: Principal, now: datetime
) -> TotpEnrolmentOut:
    """A new secret, its otpauth URI and the QR code drawn here (no third party sees it)."""
    user = await service.get_user(session, user_id=principal.user_id)
    secret, uri = await mfa.start_enrolment(session, user=user, now=now)
    return TotpEnrolmentOut(secret=secret, otpauth_uri=uri, qr_svg=mfa.qr_svg_data_uri(uri))


async def confirm_totp(
    session: AsyncSession, *, principal: Principal, code: str, now: datetime
) -> list[str]:
    """Activates the factor; the session that proved it counts as having a second factor.
    Returns the recovery codes, shown once."""
    codes = await mfa.confirm_enrolment(session, user_id=principal.user_id, code=code, now=now)
    await sessions.mark_mfa(session, session_id=principal.login_session(), now=now)
    return codes


async def remove_totp(
    session: AsyncSession, *, principal: Principal, settings: Settings, now: datetime
) -> None:
    """A customer turns their second factor off, having proved it within the step-up window
    (``step_up_required`` otherwise). Staff keep theirs: their powers need it."""
    if principal.role != Role.CUSTOMER:
        raise StaffMfaKept()
    await step_up_if_enrolled(session, principal=principal, settings=settings, now=now)
    await mfa.remove_factor(session, user_id=principal.user_id, now=now)


async def step_up(
    session: AsyncSession,
    *,
    principal: Principal,
    code: str | None,
    recovery_code: str | None,
    now: datetime,
) -> None:
    await mfa.verify_second_factor(
        session, user_id=principal.user_id, code=code, recovery_code=recovery_code, now=now
    )
    await sessions.mark_mfa(session, session_id=principal.login_session(), now=now)


async def step_up_if_enrolled(
    session: AsyncSession, *, principal: Principal, settings: Settings, now: datetime
) -> None:
    await mfa.require_step_up_if_enrolled(
        session,
        user_id=principal.user_id,
        mfa_at=principal.mfa_at,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )


async def change_own_password(
    session: AsyncSession,
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
    settings: Settings,
    now: datetime,
) -> None:
    """The current password, and a recent second factor if one is enrolled; the person's other
    sessions end, this one goes on."""
    await step_up_if_enrolled(session, principal=principal, settings=settings, now=now)
    await passwords.change_password(
        session,
        user_id=principal.user_id,
        current_password=current_password,
        new_password=new_password,
        current_session=principal.login_session(),
        now=now,
    )
