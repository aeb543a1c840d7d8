"""Sending refunds and following them to the bank's booking (``onramp worker refunds``).

Each requested refund is sent in a transaction of its own that keeps the refund row locked
while the bank is asked (``SKIP LOCKED`` lets other workers pass it), with the refund id as
the idempotency key. A crash after the bank accepted but before the commit leaves the refund
``requested``; the retry asks again with the same key and gets the same payment back, so a
refund is paid once however often it is sent. A refusal or an unreachable bank is retried with
backoff. After the last allowed attempt a refund the bank refused fails and its ledger entry is
reversed (the money is owed again where it was) with a ``banking.refund_failed`` event for
operators. One whose sends went unanswered (no answer, a timeout, a 5xx) is never failed: the
bank may have paid it, so it is asked again at the longest backoff until the bank answers.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import events
from onramp.banking.adapters.base import BankPayments, OutgoingPayment
from onramp.banking.errors import BankRefused, BankUnavailable
from onramp.banking.refund_models import Refund, RefundChannel, RefundStatus
from onramp.banking.refunding.service import ACTOR, REFUNDS_CHANNEL, announce, refunds_in_transit
from onramp.core.clock import Clock
from onramp.core.db import as_int, unit_of_work
from onramp.core.logging import get_logger
from onramp.core.money import Money
from onramp.core.wakeup import Wakeup
from onramp.ledger import bank_account, credit, debit, entry, post_entry

log = get_logger(__name__)

BOOKED = "booked"
CREDITOR_UNKNOWN = "creditor_unknown"


@dataclass(frozen=True)
class RefundPolicy:
    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=5)
    retry_max: timedelta = timedelta(hours=1)

    def backoff(self, attempts: int) -> timedelta:
        """After failed attempt number ``attempts`` (1-based): base, 2 base, 4 base ... cap."""
        factor: int = 2 ** min(attempts - 1, 30)
        return min(self.retry_max, self.retry_base * factor)


def _amount(refund: Refund) -> Money:
    return Money(as_int(refund.amount), refund.currency)


async def mark_sent(
    session: AsyncSession,
    refund: Refund,
    *,
    channel: RefundChannel,
    payment_id: str | None,
    now: datetime,
    file_id: uuid.UUID | None = None,
) -> None:
    refund.status = RefundStatus.SENT.value
    refund.channel = channel.value
    refund.bank_payment_id = payment_id
    refund.sent_at = now
    refund.last_error = None
    refund.file_id = file_id
    await announce(session, refund, events.REFUND_SENT, actor=ACTOR, channel=channel.value)


async def complete_refund(session: AsyncSession, refund: Refund, *, now: datetime) -> None:
    """The bank booked the payment: the money left the treasury account."""
    if refund.status != RefundStatus.SENT.value:
        return
    await book_paid(session, refund, now=now)


async def book_paid(
    session: AsyncSession, refund: Refund, *, now: datetime, actor: str = ACTOR, **extra: Any
) -> None:
    """Book the locked refund as paid: the money left the treasury account (the caller knows
    the bank booked it; ``extra`` goes into the audit row and the event)."""
    amount = _amount(refund)
    await post_entry(
        session,
        entry(
            "refund_paid",
            str(refund.id),
            debit(refunds_in_transit(refund.currency), amount),
            credit(bank_account(refund.bank, refund.currency), amount),
        ),
    )
    refund.status, refund.completed_at = RefundStatus.COMPLETED.value, now
    await announce(session, refund, events.REFUND_COMPLETED, actor=actor, **extra)
    log.info("refund.completed", refund_id=str(refund.id), actor=actor)


async def fail_refund(
    session: AsyncSession,
    refund: Refund,
    *,
    error: str,
    now: datetime,
    actor: str = ACTOR,
    **extra: Any,
) -> None:
    """Give up: the money goes back on the liability it was taken from, and operators are told
    (the event; the refund stays listed as ``failed``). ``extra`` goes into the audit row and
    the event."""
    if refund.status not in (RefundStatus.REQUESTED.value, RefundStatus.SENT.value):
        return
    amount = _amount(refund)
    await post_entry(
        session,
        entry(
            "refund_reversal",
            str(refund.id),
            debit(refunds_in_transit(refund.currency), amount),
            credit(refund.holding_account, amount),
        ),
    )
    refund.status, refund.failed_at, refund.last_error = RefundStatus.FAILED.value, now, error[:300]
    await announce(session, refund, events.REFUND_FAILED, actor=actor, error=error[:300], **extra)
    log.error("refund.failed", refund_id=str(refund.id), error=error[:300])


async def send_refund(
    session: AsyncSession,
    refund: Refund,
    *,
    payments: BankPayments,
    policy: RefundPolicy,
    now: datetime,
) -> None:
    """Send one locked, requested refund through the bank's API."""
    if not refund.creditor_iban or not refund.creditor_name:
        await fail_refund(session, refund, error=CREDITOR_UNKNOWN, now=now)
        return
    refund.attempts += 1
    try:
        accepted = await payments.send_payment(
            OutgoingPayment(
                idempotency_key=str(refund.id),
                amount=_amount(refund),
                creditor_name=refund.creditor_name,
                creditor_account=refund.creditor_iban,
                reference=refund.remittance,
            )
        )
    except BankUnavailable as exc:
        refund.last_error = exc.detail[:300]
        # Only a refusal says nothing was paid; failing a refund the bank may have paid (its
        # answer was lost) would owe the money again after it left.
        if isinstance(exc, BankRefused) and refund.attempts >= policy.max_attempts:
            await fail_refund(session, refund, error=exc.detail, now=now)
        else:
            refund.next_attempt_at = now + policy.backoff(refund.attempts)
            log.warning("refund.retry", refund_id=str(refund.id), attempts=refund.attempts)
        return
    await mark_sent(
        session, refund, channel=RefundChannel.API, payment_id=accepted.payment_id, now=now
    )
    if accepted.status == BOOKED:
        await complete_refund(session, refund, now=now)


async def send_next_refund(
    sessions: async_sessionmaker[AsyncSession],
    *,
    payments: BankPayments,
    policy: RefundPolicy,
    now: datetime,
) -> bool:
    """Send one due refund in a transaction of its own; False when none is due.

    An unexpected error (a bug, the database going away mid-send) rolls the send back and puts
    the refund at the back of the queue with the usual backoff, so the refunds behind it still
    go. It is never failed for that: the bank may have taken it (the retry, under the same
    idempotency key, tells), and failing would return money that has left."""
    refund_id: uuid.UUID | None = None
    try:
        async with unit_of_work(sessions) as session:
            refund = await session.scalar(
                select(Refund)
                .where(Refund.status == RefundStatus.REQUESTED.value, Refund.next_attempt_at <= now)
                .order_by(Refund.next_attempt_at, Refund.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if refund is None:
                return False
            refund_id = refund.id
            await send_refund(session, refund, payments=payments, policy=policy, now=now)
            return True
    except Exception as exc:
        if refund_id is None:
            raise
        log.exception("refund.unexpected_error", refund_id=str(refund_id))
        async with unit_of_work(sessions) as session:
            row = await session.get(Refund, refund_id, with_for_update=True)
            if row is not None and row.status == RefundStatus.REQUESTED.value:
                row.attempts += 1
                row.last_error = f"unexpected: {type(exc).__name__}"[:300]
                row.next_attempt_at = now + policy.backoff(row.attempts)
        return True


async def confirm_sent_refunds(
    sessions: async_sessionmaker[AsyncSession],
    *,
    payments: BankPayments,
    now: datetime,
    limit: int = 100,
) -> int:
    """Ask the bank about sent refunds it gave a payment id for; complete the booked ones.
    Returns how many were completed."""
    completed = 0
    async with unit_of_work(sessions) as session:
        rows = await session.scalars(
            select(Refund)
            .where(Refund.status == RefundStatus.SENT.value, Refund.bank_payment_id.is_not(None))
            .order_by(Refund.sent_at, Refund.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        for refund in rows.all():
            assert refund.bank_payment_id is not None
            try:
                status = await payments.payment_status(refund.bank_payment_id)
            except BankUnavailable:
                continue  # asked again on the next round
            if status.status == BOOKED:
                await complete_refund(session, refund, now=now)
                completed += 1
    return completed


async def run_refunds(
    sessions: async_sessionmaker[AsyncSession],
    *,
    payments: BankPayments,
    policy: RefundPolicy,
    channel: RefundChannel,
    clock: Clock,
    database_url: str,
    stop: asyncio.Event,
    idle: float = 1.0,
) -> None:
    """Send requested refunds (on the API channel; file refunds wait for
    ``onramp bank refunds export``) and complete the ones the bank booked."""
    async with Wakeup(database_url, REFUNDS_CHANNEL) as wakeup:
        while not stop.is_set():
            try:
                while (
                    channel is RefundChannel.API
                    and not stop.is_set()
                    and await send_next_refund(
                        sessions, payments=payments, policy=policy, now=clock.now()
                    )
                ):
                    pass
                await confirm_sent_refunds(sessions, payments=payments, now=clock.now())
            except Exception:  # a bad row or a database blip must not end the worker
                log.exception("refunds.error")
            await wakeup.wait(idle)
