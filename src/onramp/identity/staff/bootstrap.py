"""The first administrator of a new installation. Every later role change is a four-eyes
action between admins; this is the one way in that needs none, so it works only while there is
no admin at all, and only from the operator's shell (``onramp users create-admin``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Role
from onramp.core.audit import record
from onramp.core.errors import Conflict
from onramp.identity.accounts.service import create_user, user_by_email
from onramp.identity.models import TotpFactor, User


class AdminExists(Conflict):
    code = "admin_exists"
    title = "An administrator exists; further admins are appointed with four-eyes approval"


async def create_first_admin(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str,
    operator: str,
    now: datetime,
) -> User:
    # Two shells running this at once must not both find "no admin yet".
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('onramp.first_admin'))"))
    if await session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)):
        raise AdminExists()
    actor = f"cli:{operator}"
    user = await create_user(
        session,
        email=email,
        password=password,
        full_name=full_name,
        role=Role.ADMIN,
        actor=actor,
    )
    user.email_verified_at = now  # the operator vouches for the address they typed
    await record(
        session,
        actor=actor,
        action="auth.first_admin_created",
        entity_type="user",
        entity_id=str(user.id),
    )
    await session.flush()
    return user


async def create_sample_staff(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str,
    role: str,
    totp_secret: str,
    operator: str,
    now: datetime,
) -> User | None:
    """A staff member of the sample data (``onramp samples load``, dev and staging stacks
    only): email verified and the authenticator ``totp_secret`` confirmed, so the examples can
    sign in with a second factor. ``None`` when the address is taken (a second load changes
    nothing)."""
    if await user_by_email(session, email=email) is not None:
        return None
    actor = f"cli:{operator}"
    user = await create_user(
        session, email=email, password=password, full_name=full_name, role=Role(role), actor=actor
    )
    user.email_verified_at = now
    session.add(TotpFactor(user_id=user.id, secret=totp_secret, created_at=now, confirmed_at=now))
    await record(
        session,
        actor=actor,
        action="auth.sample_staff_created",
        entity_type="user",
        entity_id=str(user.id),
        data={"role": role},
    )
    await session.flush()
    return user
