"""The deposits worker: matches received deposits in batches, settles the reversals banks
report (returned deposits), and sends the micro-deposits customers asked for (the bank's
outgoing payments)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.accounts.micro_deposits import send_micro_deposits
from onramp.banking.adapters.base import BankPayments
from onramp.banking.booking.deposit_booking import DEFAULT_RULES, match_deposits
from onramp.banking.booking.payment_rules import PaymentRules
from onramp.banking.booking.returns import OrderFunds, settle_reversals
from onramp.core.clock import utcnow
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent


def deposits_consumer(
    *,
    min_holder_score: float,
    rules: PaymentRules = DEFAULT_RULES,
    payments: BankPayments | None = None,
    bank: str = "sandbox",
    order_funds: OrderFunds | None = None,
) -> Consumer:
    async def handle(session: AsyncSession, batch: Sequence[CloudEvent]) -> None:
        received = [
            uuid.UUID(e.data["deposit_id"]) for e in batch if e.type == events.DEPOSIT_RECEIVED
        ]
        challenges = [
            uuid.UUID(e.data["challenge_id"])
            for e in batch
            if e.type == events.MICRO_DEPOSITS_REQUESTED
        ]
        reversals = [
            uuid.UUID(e.data["reversal_id"])
            for e in batch
            if e.type == events.DEPOSIT_REVERSAL_RECEIVED
        ]
        if received:
            await match_deposits(
                session, deposit_ids=received, min_holder_score=min_holder_score, rules=rules
            )
        if reversals:  # after matching: a return may follow its deposit in one batch
            await settle_reversals(
                session, reversal_ids=reversals, order_funds=order_funds, now=utcnow()
            )
        if challenges and payments is not None:
            await send_micro_deposits(
                session, challenge_ids=challenges, payments=payments, bank=bank, now=utcnow()
            )

    subjects: tuple[str, ...] = (events.DEPOSIT_RECEIVED, events.DEPOSIT_REVERSAL_RECEIVED)
    if payments is not None:
        subjects += (events.MICRO_DEPOSITS_REQUESTED,)
    return Consumer(name="deposits", subjects=subjects, handle=handle)
