"""Changing a password: with the current one (signed in), or by an emailed reset link."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.identity.accounts.email_tokens import Purpose, cancel, spend
from onramp.identity.accounts.emails import AccountEmails
from onramp.identity.accounts.service import (
    check_password,
    check_password_policy,
    get_user,
    hash_password,
    user_by_email,
)
from onramp.identity.errors import CurrentPasswordIncorrect, InvalidCredentials
from onramp.identity.models import User
from onramp.identity.security_events import PASSWORD_CHANGED, announce
from onramp.identity.sessions import lockout
from onramp.identity.sessions import service as sessions


async def confirm_current_password(user: User, password: str) -> None:
    """Re-authentication for changes to the account's credentials."""
    try:
        await check_password(user, password)
    except InvalidCredentials:
        raise CurrentPasswordIncorrect() from None


async def request_reset(
    session: AsyncSession, *, email: str, emails: AccountEmails, now: datetime
) -> None:
    """Email a reset link if the account exists. The caller answers the same either way, so
    the endpoint tells nobody whether an email is registered."""
    user = await user_by_email(session, email=email)
    if user is None or user.erased_at is not None:
        return
    await emails.send_link(session, user=user, purpose=Purpose.RESET_PASSWORD, now=now)
    await record(
        session,
        actor=f"user:{user.id}",
        action="auth.password_reset_requested",
        entity_type="user",
        entity_id=str(user.id),
    )


async def _set_password(session: AsyncSession, *, user: User, new_password: str) -> None:
    check_password_policy(
        new_password, user_inputs=[user.email, user.email.split("@")[0], *user.full_name.split()]
    )
    user.password_hash = await hash_password(new_password)


async def reset_password(
    session: AsyncSession,
    *,
    token: str,
    new_password: str,
    now: datetime,
) -> User:
    """Set a new password from a reset link: every session ends, other links stop working,
    and the lockout is lifted (whoever holds the mailbox is the owner)."""
    spent = await spend(session, token=token, purpose=Purpose.RESET_PASSWORD, now=now)
    user = await get_user(session, user_id=spent.user_id)
    await _set_password(session, user=user, new_password=new_password)
    await sessions.revoke_all(session, user_id=user.id, reason="password_reset", now=now)
    await cancel(session, user_id=user.id, now=now)
    await lockout.clear_account(session, email=user.email)
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link reached the mailbox: that proves it
    await record(
        session,
        actor=f"user:{user.id}",
        action="auth.password_reset",
        entity_type="user",
        entity_id=str(user.id),
    )
    await announce(session, PASSWORD_CHANGED, user.id, how="reset")
    await session.flush()
    return user


async def change_password(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    current_password: str,
    new_password: str,
    current_session: uuid.UUID,
    now: datetime,
) -> None:
    """Signed in, knowing the current password: other sessions end, this one goes on."""
    user = await get_user(session, user_id=user_id)
    await confirm_current_password(user, current_password)
    await _set_password(session, user=user, new_password=new_password)
    await sessions.revoke_all(
        session, user_id=user.id, reason="password_changed", now=now, keep=current_session
    )
    await record(
        session,
        actor=f"user:{user.id}",
        action="auth.password_changed",
        entity_type="user",
        entity_id=str(user.id),
    )
    await announce(session, PASSWORD_CHANGED, user.id, how="changed")
    await session.flush()
