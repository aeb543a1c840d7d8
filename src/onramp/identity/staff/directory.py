"""The staff list: every account with a staff role, newest first a page at a time, narrowed by
role and by whether it is active. Customers are not staff and are never listed here."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Principal, Role
from onramp.core.errors import NotFound
from onramp.identity.accounts.service import user_by_email
from onramp.identity.models import TotpFactor, User
from onramp.identity.staff.roles import InvalidRole

STAFF_ROLES = tuple(r.value for r in Role if r is not Role.CUSTOMER)


class StaffStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


def staff_role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise InvalidRole(f"staff roles are {', '.join(STAFF_ROLES)}")
    return role


async def list_staff(
    session: AsyncSession,
    *,
    role: str | None = None,
    status: StaffStatus | None = None,
    limit: int = 50,
    before: uuid.UUID | None = None,
) -> list[User]:
    """``before``: the last id of the page seen (ids are time-ordered)."""
    query = select(User).where(User.role.in_([staff_role(role)] if role else STAFF_ROLES))
    if status is StaffStatus.ACTIVE:
        query = query.where(User.deactivated_at.is_(None))
    elif status is StaffStatus.DEACTIVATED:
        query = query.where(User.deactivated_at.is_not(None))
    if before is not None:
        query = query.where(User.id < before)
    return list((await session.scalars(query.order_by(User.id.desc()).limit(limit))).all())


async def with_second_factor(session: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``user_ids`` have a confirmed authenticator (staff need one for every page)."""
    if not user_ids:
        return set()
    rows = await session.scalars(
        select(TotpFactor.user_id).where(
            TotpFactor.user_id.in_(user_ids), TotpFactor.confirmed_at.is_not(None)
        )
    )
    return set(rows.all())


class StaffMemberNotFound(NotFound):
    code = "staff_member_not_found"
    title = "No active staff member has this email address"


async def staff_principal(session: AsyncSession, *, email: str) -> Principal:
    """The active staff member with this email, as who acts (for the operators' command line,
    which has no login session: the four-eyes checks still compare two people)."""
    user = await user_by_email(session, email=email)
    if user is None or user.role not in STAFF_ROLES or not user.may_sign_in:
        raise StaffMemberNotFound()
    return Principal(user_id=user.id, role=user.role, session_id=None)
