"""Standing references: one permanent creditor reference per customer.

A customer who pays regularly (a salary split, a treasury top-up) quotes the same reference on
every transfer; each deposit carrying it is converted at the rate of the day it arrives and paid
to the destination chosen when the reference was made. Revoking it stops that: later deposits
with it are held in suspense for a person, never converted.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from string import ascii_uppercase, digits

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.errors import StandingReferenceNotFound
from onramp.banking.models import StandingReference
from onramp.banking.references.creditor_reference import make_creditor_reference
from onramp.core.audit import record

# Order references have 21 characters after the check digits, standing ones 20: the two kinds
# never collide.
_PAYLOAD_LENGTH = 20
_BASE36 = digits + ascii_uppercase


def _payload(customer_id: uuid.UUID, salt: int) -> str:
    value = (customer_id.int + salt) % 36**_PAYLOAD_LENGTH
    chars = []
    for _ in range(_PAYLOAD_LENGTH):
        value, remainder = divmod(value, 36)
        chars.append(_BASE36[remainder])
    return "".join(reversed(chars))


async def active(session: AsyncSession, customer_id: uuid.UUID) -> StandingReference | None:
    row: StandingReference | None = await session.scalar(
        select(StandingReference).where(
            StandingReference.customer_id == customer_id, StandingReference.revoked_at.is_(None)
        )
    )
    return row


async def create(
    session: AsyncSession, *, customer_id: uuid.UUID, destination: str, now: datetime
) -> StandingReference:
    """The customer's active reference, made now when there is none (pointing at
    ``destination``); an existing one is returned unchanged."""
    existing = await active(session, customer_id)
    if existing is not None:
        return existing
    used = (
        await session.scalar(
            select(StandingReference.creditor_reference)
            .where(StandingReference.customer_id == customer_id)
            .order_by(StandingReference.created_at.desc())
            .limit(1)
        )
    ) is not None
    # A new reference after a revoked one: another payload, so the old one stays dead.
    salt = int(now.timestamp() * 1000) if used else 0
    row = StandingReference(
        creditor_reference=make_creditor_reference(_payload(customer_id, salt)),
        customer_id=customer_id,
        destination_address=destination,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor=f"user:{customer_id}",
        action="standing_reference.created",
        entity_type="user",
        entity_id=str(customer_id),
        data={"reference": row.creditor_reference, "destination": destination},
    )
    return row


async def revoke(session: AsyncSession, *, customer_id: uuid.UUID, now: datetime) -> None:
    row = await active(session, customer_id)
    if row is None:
        raise StandingReferenceNotFound()
    row.revoked_at = now
    await record(
        session,
        actor=f"user:{customer_id}",
        action="standing_reference.revoked",
        entity_type="user",
        entity_id=str(customer_id),
        data={"reference": row.creditor_reference},
    )
