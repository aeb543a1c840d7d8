"""A screening rejection takes the shared refund step: the order is rejected, its deposit's
refund requested from the customer's account in the same transaction (refund_pending), and
the bank's booking makes it refunded. A deposit whose sender is unknown leaves the order
rejected, with the reason audited for an operator."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import (
    format_creditor_reference,
    intake_notice,
    match_deposits,
)
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.models import Deposit, Refund
from onramp.core.audit import AuditRecord
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.ledger import balance_of, customer_account
from onramp.orders.models import Order
from onramp.orders.screens.screening import ScreeningResult, ScreeningSubject, Verdict
from onramp.orders.steps.funds_received import on_deposits_matched
from onramp.orders.steps.refunds import on_refunds_completed
from tests.compliance.funding import Desk, new_customer, place, state_of

pytestmark = pytest.mark.integration


class RejectAll:
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return ScreeningResult(Verdict.REJECT, "rule R9: test rejection")


@pytest.fixture
def desk(infra: Stack, sessions: async_sessionmaker[AsyncSession]) -> Desk:
    d = Desk(infra.settings, sessions)
    d.screener = RejectAll()
    return d


async def book_quietly(desk: Desk, order: Order) -> uuid.UUID:
    """The customer's transfer, received and matched in one transaction whose events are kept
    from any stack running beside the test (marked published), so this test's screener is the
    one that decides."""
    amount = Money(int(order.source_amount), order.source_currency)
    credit = BankCredit(
        entry_id=f"entry-{uuid7().hex}",
        amount=amount,
        reference_text=format_creditor_reference(order.creditor_reference),
        sender_name="Monitored Customer",
        sender_iban="DE89370400440532013000",
        account_iban="DE02120300000000202051",
        booked_at=utcnow(),
    )
    async with unit_of_work(desk.sessions) as session:
        await intake_notice(
            session, bank="sandbox", notice=BankNotice(f"evt-{uuid7().hex}", [credit], {})
        )
        deposit_id = await session.scalar(
            select(Deposit.id).where(Deposit.bank_entry_id == credit.entry_id)
        )
        assert deposit_id is not None
        await match_deposits(session, deposit_ids=[deposit_id])
        await session.execute(
            text(
                "UPDATE outbox SET published_at = now() WHERE published_at IS NULL "
                "AND convert_from(payload, 'UTF8')::jsonb -> 'data' ->> 'deposit_id' = :id"
            ),
            {"id": str(deposit_id)},
        )
    return deposit_id


async def _screen(desk: Desk, order_id: uuid.UUID, deposit_id: uuid.UUID, amount: Money) -> None:
    async with unit_of_work(desk.sessions) as session:
        await on_deposits_matched(
            session,
            [(order_id, deposit_id, amount, utcnow())],
            desk=desk.fx,
            screener=desk.screener,
            kyc_settings=desk.kyc,
        )


async def test_a_screening_rejection_refunds_the_deposit(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    amount = Money.parse("150.00", "EUR")
    order = await place(desk, customer, amount)
    deposit_id = await book_quietly(desk, order)

    await _screen(desk, order.id, deposit_id, amount)
    await _screen(desk, order.id, deposit_id, amount)  # a redelivery requests nothing twice

    # A stack running beside this test may already send (and book) it.
    assert await state_of(sessions, order.id) in ("refund_pending", "refunded")
    async with unit_of_work(sessions) as session:
        (refund,) = (await session.scalars(select(Refund).where(Refund.order_id == order.id))).all()
        assert (refund.reason, refund.amount) == ("order_rejected", 150_00)
        assert refund.status in ("requested", "sent", "completed")
        assert refund.holding_account == customer_account(customer, "EUR")
        assert await balance_of(session, customer_account(customer, "EUR")) == Money(0, "EUR")

    async with unit_of_work(sessions) as session:
        await on_refunds_completed(session, [(order.id, refund.id)])
    assert await state_of(sessions, order.id) == "refunded"


async def test_a_deposit_without_a_sender_leaves_the_order_rejected(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    amount = Money.parse("60.00", "EUR")
    order = await place(desk, customer, amount)
    deposit_id = await book_quietly(desk, order)
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Deposit)
            .where(Deposit.id == deposit_id)
            .values({Deposit.sender_iban.sealed_key: None, Deposit.sender_iban.index_key: None})
        )

    await _screen(desk, order.id, deposit_id, amount)

    assert await state_of(sessions, order.id) == "rejected"
    async with unit_of_work(sessions) as session:
        actions = (
            await session.scalars(
                select(AuditRecord.action).where(AuditRecord.entity_id == str(order.id))
            )
        ).all()
        assert "order.refund_unavailable" in actions
        # Still the customer's, for an operator to return by hand.
        assert await balance_of(session, customer_account(customer, "EUR")) == -amount
