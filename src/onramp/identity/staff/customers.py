"""Customers as staff find and read them (the support desk, ``onramp.support``): by id, by email
through its blind index (the only way rows are found by email), or by name. Names are sealed
without an index, so a name search opens them page by page (``NAME_SCAN_BATCH`` at a time) and
stops once it has a page of matches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Role
from onramp.core.crypto import DecryptionFailed
from onramp.core.logging import get_logger
from onramp.identity.accounts.service import email_lookup_key
from onramp.identity.models import User
from onramp.identity.staff.freezing import CustomerNotFound

NAME_SCAN_BATCH = 500
log = get_logger(__name__)


@dataclass(frozen=True)
class CustomerRecord:
    id: uuid.UUID
    email: str
    full_name: str
    created_at: datetime
    email_verified_at: datetime | None
    erased_at: datetime | None
    deactivated_at: datetime | None
    frozen_at: datetime | None
    frozen_reason: str | None
    frozen_by: uuid.UUID | None


def _record(user: User) -> CustomerRecord:
    return CustomerRecord(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        created_at=user.created_at,
        email_verified_at=user.email_verified_at,
        erased_at=user.erased_at,
        deactivated_at=user.deactivated_at,
        frozen_at=user.frozen_at,
        frozen_reason=user.frozen_reason,
        frozen_by=user.frozen_by,
    )


def _customers(before: uuid.UUID | None) -> Select[User]:
    """Customers only (staff are not support's to find), newest first (ids are UUIDv7)."""
    query = select(User).where(User.role == Role.CUSTOMER.value)
    if before is not None:
        query = query.where(User.id < before)
    return query.order_by(User.id.desc())


async def customer_record(session: AsyncSession, customer_id: uuid.UUID) -> CustomerRecord:
    user = await session.get(User, customer_id)
    if user is None or user.role != Role.CUSTOMER:
        raise CustomerNotFound()
    return _record(user)


async def customer_records(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, before: uuid.UUID | None, limit: int
) -> list[CustomerRecord]:
    """The customers among ``ids``, newest first, a page at a time."""
    if not ids:
        return []
    rows = await session.scalars(_customers(before).where(User.id.in_(ids)).limit(limit))
    return [_record(u) for u in rows]


async def customer_id_by_email(session: AsyncSession, email: str) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(User.id).where(User.email.index_column == email_lookup_key(email))
    )
    return found


def _readable_name(user: User) -> str:
    """The name, or "" when its key is gone: one unreadable row (a key lost, a restore from
    another keyring) is an incident for the key's owner, not a reason to refuse every search."""
    try:
        return user.full_name
    except DecryptionFailed:
        log.error("customers.name_unreadable", user_id=str(user.id))
        return ""


async def customers_named(
    session: AsyncSession, name: str, *, before: uuid.UUID | None, limit: int
) -> list[CustomerRecord]:
    """Customers whose name contains ``name`` (any case), newest first, up to ``limit``."""
    wanted = name.casefold()
    found: list[CustomerRecord] = []
    cursor = before
    while len(found) < limit:
        batch = list((await session.scalars(_customers(cursor).limit(NAME_SCAN_BATCH))).all())
        found += [_record(u) for u in batch if wanted in _readable_name(u).casefold()]
        if len(batch) < NAME_SCAN_BATCH:
            break
        cursor = batch[-1].id
    return found[:limit]
