"""A customer's matched deposits as facts, for monitoring and reports (read only).

A deposit belongs to a customer through the expectation it fulfilled; unmatched deposits belong
to no one yet and are not here. The sender's name is opened from its sealed column for the
caller to compare, never to store; the country is the sender IBAN's.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.models import Deposit, DepositExpectation, DepositStatus
from onramp.core.db import as_int
from onramp.core.money import Money


@dataclass(frozen=True)
class DepositFact:
    id: uuid.UUID
    customer_id: uuid.UUID
    order_id: uuid.UUID | None
    amount: Money
    booked_at: datetime
    sender_name: str | None
    sender_country: str | None


def _country(iban: str | None) -> str | None:
    code = (iban or "").strip()[:2].upper()
    return code if len(code) == 2 and code.isalpha() else None


def _fact(deposit: Deposit, customer_id: uuid.UUID, senders: bool = True) -> DepositFact:
    return DepositFact(
        id=deposit.id,
        customer_id=customer_id,
        order_id=deposit.order_id,
        amount=Money(as_int(deposit.amount), deposit.currency),
        booked_at=deposit.booked_at,
        sender_name=deposit.sender_name if senders else None,
        sender_country=_country(deposit.sender_iban) if senders else None,
    )


def _matched() -> Select[Deposit, uuid.UUID]:
    return (
        select(Deposit, DepositExpectation.customer_id)
        .join(DepositExpectation, DepositExpectation.deposit_id == Deposit.id)
        .where(Deposit.status == DepositStatus.MATCHED.value)
    )


async def matched_deposits(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    customer_ids: Sequence[uuid.UUID] | None = None,
    senders: bool = True,
) -> list[DepositFact]:
    """Matched deposits booked in [since, until], oldest first (by booking time, then id).
    ``senders=False`` leaves the sealed sender fields closed (no keyring needed: reports)."""
    query = _matched().where(Deposit.booked_at >= since, Deposit.booked_at <= until)
    if customer_ids is not None:
        query = query.where(DepositExpectation.customer_id.in_(customer_ids))
    rows = await session.execute(query.order_by(Deposit.booked_at, Deposit.id))
    return [_fact(d, customer_id, senders) for d, customer_id in rows]


async def matched_deposit(session: AsyncSession, deposit_id: uuid.UUID) -> DepositFact | None:
    row = (await session.execute(_matched().where(Deposit.id == deposit_id))).first()
    return None if row is None else _fact(row[0], row[1])


async def matched_deposits_by_id(
    session: AsyncSession, deposit_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, DepositFact]:
    """``matched_deposit`` of several deposits in one query; unmatched ones are left out."""
    rows = await session.execute(_matched().where(Deposit.id.in_(sorted(set(deposit_ids)))))
    return {d.id: _fact(d, customer_id) for d, customer_id in rows}
