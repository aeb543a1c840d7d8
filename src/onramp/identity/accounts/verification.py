"""Proving an email address: after registration, and when the address changes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.identity.accounts.email_tokens import Purpose, spend
from onramp.identity.accounts.emails import AccountEmails
from onramp.identity.accounts.service import get_user, normalise_email, user_by_email
from onramp.identity.errors import EmailAlreadyVerified, EmailNotVerified, EmailTaken
from onramp.identity.models import User
from onramp.identity.security_events import EMAIL_CHANGED, announce


async def send_verification(
    session: AsyncSession, *, user: User, emails: AccountEmails, now: datetime
) -> None:
    if user.email_verified_at is not None:
        raise EmailAlreadyVerified()
    await emails.send_link(session, user=user, purpose=Purpose.VERIFY_EMAIL, now=now)


async def verify_email(
    session: AsyncSession, *, token: str, emails: AccountEmails, now: datetime
) -> User:
    spent = await spend(session, token=token, purpose=Purpose.VERIFY_EMAIL, now=now)
    user = await get_user(session, user_id=spent.user_id)
    if user.email_verified_at is None:
        user.email_verified_at = now
        await record(
            session,
            actor=f"user:{user.id}",
            action="user.email_verified",
            entity_type="user",
            entity_id=str(user.id),
        )
    await session.flush()
    return user


async def require_verified_email(session: AsyncSession, *, user_id: uuid.UUID) -> User:
    """Orders wait for a proven mailbox: it is where refunds and notices are sent. Returns the
    account."""
    user = await get_user(session, user_id=user_id)
    if user.email_verified_at is None:
        raise EmailNotVerified()
    return user


async def request_email_change(
    session: AsyncSession, *, user: User, new_email: str, emails: AccountEmails, now: datetime
) -> None:
    """Send a confirmation link to the new address and a heads-up to the current one; the
    address changes only when the link is opened."""
    new_email = normalise_email(new_email)
    if new_email == user.email or await user_by_email(session, email=new_email) is not None:
        raise EmailTaken()
    await emails.send_link(
        session,
        user=user,
        purpose=Purpose.CHANGE_EMAIL,
        now=now,
        to=new_email,
        payload=new_email,
    )
    await emails.send_notice(
        session,
        user=user,
        template="email_change_requested",
        now=now,
        params={"new_email": new_email},
    )
    await record(
        session,
        actor=f"user:{user.id}",
        action="user.email_change_requested",
        entity_type="user",
        entity_id=str(user.id),
    )


async def confirm_email_change(session: AsyncSession, *, token: str, now: datetime) -> User:
    spent = await spend(session, token=token, purpose=Purpose.CHANGE_EMAIL, now=now)
    assert spent.payload is not None
    user = await get_user(session, user_id=spent.user_id)
    if await user_by_email(session, email=spent.payload) is not None:
        raise EmailTaken()  # taken since the request; the unique index guards the race
    user.email, user.email_verified_at = spent.payload, now
    await record(
        session,
        actor=f"user:{user.id}",
        action="user.email_changed",
        entity_type="user",
        entity_id=str(user.id),
    )
    await announce(session, EMAIL_CHANGED, user.id)  # the notice goes to the new address
    await session.flush()
    return user
