"""The suspense work queue: deposits no rule could tie to an order, waiting for a person.

Each one stays on ``suspense:<ccy>`` until an operator assigns it to the order it was meant for
(the money moves to the customer's account and funds the order, priced at the rate of the day it
arrived) or returns it to the sender. Every decision names who took it and is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.errors import (
    AssignmentCurrencyMismatch,
    DepositNotFound,
    DepositNotInSuspense,
    OrderNotAwaitingFunds,
)
from onramp.banking.models import (
    Deposit,
    DepositExpectation,
    DepositStatus,
    ExpectationStatus,
    MatchMethod,
)
from onramp.banking.refund_models import Refund, RefundStatus
from onramp.core import metrics
from onramp.core.audit import record
from onramp.core.backlog import Backlog, backlog_of
from onramp.core.db import as_int
from onramp.core.events import CloudEvent
from onramp.core.money import Money
from onramp.core.outbox import emit_many, make_event
from onramp.ledger import credit, customer_account, debit, entry, post_entries, suspense_account


async def unmatched(
    session: AsyncSession,
    *,
    currency: str | None,
    limit: int,
    before: uuid.UUID | None,
) -> list[Deposit]:
    """The queue, oldest first (``before``: the next page after that deposit id). A deposit an
    operator is already returning has left it."""
    query = select(Deposit).where(
        Deposit.status == DepositStatus.UNMATCHED.value, ~_being_returned()
    )
    if currency is not None:
        query = query.where(Deposit.currency == currency)
    if before is not None:
        query = query.where(Deposit.id > before)
    return list((await session.scalars(query.order_by(Deposit.id).limit(limit))).all())


def _being_returned() -> Exists:
    return (
        select(Refund.id)
        .where(Refund.deposit_id == Deposit.id, Refund.status != RefundStatus.FAILED.value)
        .exists()
    )


async def in_suspense(session: AsyncSession, deposit_id: uuid.UUID) -> Deposit:
    """The deposit, locked, provided it is still in suspense and nobody is returning it."""
    deposit = await session.get(Deposit, deposit_id, with_for_update=True)
    if deposit is None:
        raise DepositNotFound()
    if deposit.status != DepositStatus.UNMATCHED.value:
        raise DepositNotInSuspense(f"the deposit is {deposit.status}")
    if await session.scalar(select(_being_returned().where(Deposit.id == deposit_id))):
        raise DepositNotInSuspense("the deposit is being returned to its sender")
    return deposit


async def _open_expectation(
    session: AsyncSession, *, order_id: uuid.UUID, deposit: Deposit
) -> DepositExpectation:
    """The order's expectation, locked, provided it still waits for money in this currency."""
    expectation = await session.scalar(
        select(DepositExpectation).where(DepositExpectation.order_id == order_id).with_for_update()
    )
    if expectation is None or expectation.status != ExpectationStatus.OPEN.value:
        raise OrderNotAwaitingFunds()
    if expectation.currency != deposit.currency:
        raise AssignmentCurrencyMismatch(
            f"the deposit is in {deposit.currency}, the order asks for {expectation.currency}"
        )
    return expectation


def _matched_event(
    deposit: Deposit, expectation: DepositExpectation, amount: Money, now: datetime
) -> CloudEvent:
    return make_event(
        events.DEPOSIT_MATCHED,
        {
            "deposit_id": str(deposit.id),
            "order_id": str(expectation.order_id),
            "customer_id": str(expectation.customer_id),
            "amount": str(amount),
            "currency": amount.currency,
            "received": str(amount),
            # Priced when the operator decided: the money was in suspense until then.
            "booked_at": now.isoformat(),
            "match_method": MatchMethod.OPERATOR.value,
            "rule": None,
            "auto_order": None,
        },
        source=events.SOURCE,
        entity_id=str(deposit.id),
        correlation_id=str(expectation.order_id),
    )


async def assign_to_order(
    session: AsyncSession,
    *,
    deposit_id: uuid.UUID,
    order_id: uuid.UUID,
    actor: str,
    note: str,
    now: datetime,
) -> Deposit:
    """Fund an order still waiting for its money with a deposit from suspense."""
    deposit = await in_suspense(session, deposit_id)
    expectation = await _open_expectation(session, order_id=order_id, deposit=deposit)
    amount = Money(as_int(deposit.amount), deposit.currency)
    if not amount.is_positive():
        raise DepositNotInSuspense("a deposit of nothing cannot fund an order")
    expectation.status = ExpectationStatus.FULFILLED.value
    expectation.deposit_id = deposit.id
    reason = deposit.unmatched_reason
    deposit.status = DepositStatus.MATCHED.value
    deposit.order_id = order_id
    deposit.customer_id = expectation.customer_id
    deposit.match_method = MatchMethod.OPERATOR.value
    deposit.resolved_by = actor
    deposit.resolved_at = now
    await post_entries(
        session,
        [
            entry(
                "suspense_assignment",
                str(deposit.id),
                debit(suspense_account(amount.currency), amount),
                credit(customer_account(expectation.customer_id, amount.currency), amount),
            )
        ],
    )
    await emit_many(session, [_matched_event(deposit, expectation, amount, now)])
    await record(
        session,
        actor=actor,
        action="deposit.assigned",
        entity_type="deposit",
        entity_id=str(deposit.id),
        data={"order_id": str(order_id), "was": reason, "note": note},
    )
    metrics.deposits_booked([MatchMethod.OPERATOR.value], [])
    return deposit


def queue_item(deposit: Deposit) -> dict[str, Any]:
    return {
        "id": deposit.id,
        "amount": str(Money(as_int(deposit.amount), deposit.currency)),
        "currency": deposit.currency,
        "reason": deposit.unmatched_reason,
        "reference_text": deposit.reference_text,
        "sender_name": deposit.sender_name,
        "sender_account": deposit.sender_iban,
        "suggested_order_id": deposit.suggested_order_id,
        "booked_at": deposit.booked_at,
        "received_at": deposit.received_at,
    }


async def deposit_backlog(session: AsyncSession) -> list[Backlog]:
    """Deposits waiting: to be matched (``received``, seconds normally) or for an operator
    (``unmatched``, in suspense), and since when the oldest arrived."""
    waiting = [DepositStatus.RECEIVED.value, DepositStatus.UNMATCHED.value]
    return await backlog_of(session, Deposit.status, Deposit.received_at, waiting)
