"""Refunds: money going back to the account a deposit came from.

``request_refund`` is the one entry point (rejected orders, unmatched or late deposits, excess
payments, operator returns). In one transaction it locks the deposit, checks what is left to
refund of it, seals the creditor (the deposit's sender), stores the refund and posts

    Dr <holding liability>  /  Cr transit:refunds:<ccy>

where the holding liability is ``customer:<id>:<ccy>`` for a matched deposit and
``suspense:<ccy>`` for an unmatched one. The money is then owed to the sender, no longer to the
customer or to suspense, and cannot be spent twice. Sending (``refund_sender``) happens after
the commit, with the refund id as the bank's idempotency key; the bank booking posts
``Dr transit:refunds / Cr bank:<bank>``, a failure ``Dr transit:refunds / Cr <holding>``.
A crash anywhere leaves either no refund at all or a stored one that is sent exactly once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.errors import (
    DepositAlreadyReturned,
    DepositNotBooked,
    DepositNotFound,
    RefundCreditorUnknown,
    RefundExceedsDeposit,
    RefundNotPositive,
    UnknownRefundReason,
)
from onramp.banking.models import Deposit, DepositExpectation, DepositStatus
from onramp.banking.refund_models import Refund, RefundReason, RefundStatus
from onramp.core.audit import record
from onramp.core.backlog import Backlog, backlog_of
from onramp.core.db import as_int
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.outbox import emit
from onramp.ledger import (
    credit,
    customer_account,
    debit,
    entry,
    post_entry,
    suspense_account,
    transit_account,
)

REFUNDS_CHANNEL = "onramp_refunds"  # NOTIFY: the refunds worker wakes when one is requested
TRANSIT_PURPOSE = "refunds"
ACTOR = "system:refunds"


def refunds_in_transit(currency: str) -> str:
    return transit_account(TRANSIT_PURPOSE, currency)


def refund_event_data(refund: Refund, **extra: Any) -> dict[str, Any]:
    """What every refund event carries: ids, amount and status, never the creditor."""
    return {
        "refund_id": str(refund.id),
        "deposit_id": str(refund.deposit_id),
        "order_id": str(refund.order_id) if refund.order_id else None,
        "amount": str(Money(as_int(refund.amount), refund.currency)),
        "currency": refund.currency,
        "reason": refund.reason,
        "status": refund.status,
        **extra,
    }


async def announce(
    session: AsyncSession, refund: Refund, subject: str, *, actor: str, **extra: Any
) -> None:
    """The refund's state change: an audit row and an outbox event, in the caller's
    transaction."""
    data = refund_event_data(refund, **extra)
    await emit(
        session,
        subject,
        data,
        source=events.SOURCE,
        entity_id=str(refund.id),
        correlation_id=str(refund.order_id or refund.deposit_id),
    )
    await record(
        session,
        actor=actor,
        action=f"refund.{refund.status}",
        entity_type="refund",
        entity_id=str(refund.id),
        data=data,
    )


async def _locked_deposit(session: AsyncSession, deposit_id: uuid.UUID) -> Deposit:
    # The lock makes concurrent requests for one deposit run one at a time, so the sum of its
    # refunds is read and extended atomically: they can never add up to more than the deposit.
    deposit = await session.scalar(
        select(Deposit).where(Deposit.id == deposit_id).with_for_update()
    )
    if deposit is None:
        raise DepositNotFound()
    return deposit


async def refunded_amount(session: AsyncSession, deposit: Deposit) -> Money:
    """What is refunded of the deposit or on its way back (failed refunds do not count)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(
            Refund.deposit_id == deposit.id, Refund.status != RefundStatus.FAILED.value
        )
    )
    return Money(as_int(total), deposit.currency)


async def holding_account(session: AsyncSession, deposit: Deposit) -> str:
    """The liability the deposit's money sits on: the customer's for a matched deposit,
    suspense for an unmatched one."""
    if deposit.status == DepositStatus.UNMATCHED.value:
        return suspense_account(deposit.currency)
    if deposit.status == DepositStatus.MATCHED.value:
        # Matching records whose money it is (also without an order: a standing reference).
        customer_id = deposit.customer_id or await session.scalar(
            select(DepositExpectation.customer_id).where(
                (DepositExpectation.deposit_id == deposit.id)
                | (DepositExpectation.order_id == deposit.order_id)
            )
        )
        if customer_id is not None:
            return customer_account(customer_id, deposit.currency)
    raise DepositNotBooked(f"deposit {deposit.id} is {deposit.status}")


def remittance_for(deposit: Deposit, reason: RefundReason) -> str:
    """The text the sender reads on their statement: that it is a return, why in short, and
    the reference they wrote (so they recognise their own payment)."""
    original = deposit.creditor_reference or deposit.reference_text
    return f"RETURN {reason.value.upper()} REF {original}"[:140]


async def _check_refundable(session: AsyncSession, deposit: Deposit, amount: Money) -> None:
    """Raise unless ``amount`` is in the deposit's currency and within what is left of it."""
    if not amount.is_positive() or amount.currency != deposit.currency:
        raise RefundNotPositive(f"{amount} for a {deposit.currency} deposit")
    deposited = Money(as_int(deposit.amount), deposit.currency)
    left = deposited - await refunded_amount(session, deposit)
    if not left.is_positive():
        raise DepositAlreadyReturned()
    if amount > left:
        raise RefundExceedsDeposit(f"{amount} asked, {left} left", refundable=str(left))


def _refund_of(
    deposit: Deposit,
    amount: Money,
    code: RefundReason,
    *,
    holding: str,
    actor: str,
    order_id: uuid.UUID | None,
    now: datetime,
) -> Refund:
    """The refund to the deposit's sender, its creditor sealed."""
    refund = Refund(
        id=uuid7(),
        deposit_id=deposit.id,
        order_id=order_id or deposit.order_id,
        amount=amount.minor,
        currency=amount.currency,
        reason=code.value,
        status=RefundStatus.REQUESTED.value,
        holding_account=holding,
        bank=deposit.bank,
        remittance=remittance_for(deposit, code),
        requested_by=actor[:100],
        requested_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    refund.creditor_name = deposit.sender_name
    refund.creditor_iban = deposit.sender_iban
    return refund


async def request_refund(
    session: AsyncSession,
    *,
    deposit_id: uuid.UUID,
    amount: Money,
    reason: str,
    actor: str,
    order_id: uuid.UUID | None = None,
    now: datetime,
) -> Refund:
    """Owe ``amount`` of the deposit back to its sender. Raises, changing nothing, when the
    amount is not positive or not the deposit's currency, is more than is left to refund, the
    deposit holds no money yet, or its sender's account is unknown."""
    try:
        code = RefundReason(reason)
    except ValueError:
        raise UnknownRefundReason(reason) from None
    deposit = await _locked_deposit(session, deposit_id)
    await _check_refundable(session, deposit, amount)
    holding = await holding_account(session, deposit)
    if not deposit.sender_iban or not deposit.sender_name:
        raise RefundCreditorUnknown(f"deposit {deposit.id} has no sender account")
    refund = _refund_of(
        deposit, amount, code, holding=holding, actor=actor, order_id=order_id, now=now
    )
    session.add(refund)
    await session.flush()
    await post_entry(
        session,
        entry(
            "refund",
            str(refund.id),
            debit(holding, amount),
            credit(refunds_in_transit(amount.currency), amount),
        ),
    )
    await announce(session, refund, events.REFUND_REQUESTED, actor=actor)
    # NOTIFY is transactional: the worker wakes when (and only if) this commits.
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": REFUNDS_CHANNEL})
    return refund


async def refundable(session: AsyncSession, *, deposit_id: uuid.UUID) -> Money:
    """What is left to refund of the deposit (no lock: for display and planning)."""
    deposit = await session.get(Deposit, deposit_id)
    if deposit is None:
        raise DepositNotFound()
    return Money(as_int(deposit.amount), deposit.currency) - await refunded_amount(session, deposit)


async def refunds_for_orders(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Refund]]:
    if not order_ids:
        return {}
    rows = await session.scalars(
        select(Refund).where(Refund.order_id.in_(order_ids)).order_by(Refund.id)
    )
    out: dict[uuid.UUID, list[Refund]] = {}
    for row in rows:
        assert row.order_id is not None
        out.setdefault(row.order_id, []).append(row)
    return out


async def list_refunds(
    session: AsyncSession,
    *,
    status: str | None,
    deposit_id: uuid.UUID | None = None,
    limit: int,
    before: uuid.UUID | None,
) -> list[Refund]:
    query = select(Refund)
    if status:
        query = query.where(Refund.status == status)
    if deposit_id:
        query = query.where(Refund.deposit_id == deposit_id)
    if before:
        query = query.where(Refund.id < before)
    return list((await session.scalars(query.order_by(Refund.id.desc()).limit(limit))).all())


async def refund_backlog(session: AsyncSession) -> list[Backlog]:
    """Refunds the bank has not taken although a send was tried (``requested`` with attempts:
    the bank refused them for now, failed or never answered; retried until it does), and since
    when the oldest was requested."""
    waiting = [RefundStatus.REQUESTED.value]
    return await backlog_of(
        session, Refund.status, Refund.requested_at, waiting, where=Refund.attempts > 0
    )
