"""Scenario helpers: a customer, and orders funded by bank deposits booked at given times,
driven through the service functions the API and the workers call, screened as the orders
worker screens them. The customer holds KYC tier 2, whose limits this desk lifts (tier limits
are tested in test_limits.py), so amounts can be large."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import fx
from onramp.banking import (
    DEPOSIT_MATCHED,
    format_creditor_reference,
    intake_notice,
    match_deposits,
)
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.models import Deposit
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.identity.accounts.service import create_user
from onramp.kyc.models import KycCase
from onramp.orders.models import Order
from onramp.orders.placement.placing import create_order
from onramp.orders.screens.screening import Screener
from onramp.orders.steps.funds_received import on_deposits_matched
from onramp.orders.travel.policy import TravelRulePolicy
from onramp.runtime.workers.orders import orders_screener

BANK = "sandbox"
TREASURY_IBAN = "DE02120300000000202051"


@dataclass(frozen=True)
class Funded:
    order_id: uuid.UUID
    deposit_id: uuid.UUID
    amount: Money
    booked_at: datetime


class Desk:
    """The orders worker's wiring: its fx desk and its screener (sanctions, then monitoring)."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.fx = fx.FxDesk.from_settings(settings.fx)
        self.screener: Screener = orders_screener(settings, sessions, self.fx)
        unlimited = Decimal("1000000000")
        self.kyc = settings.kyc.model_copy(
            update={"tier2_daily_eur": unlimited, "tier2_monthly_eur": unlimited}
        )
        self.travel_rule = TravelRulePolicy(
            threshold_usd=settings.compliance.travel_rule_threshold_usd,
            desk=self.fx,
            wallet_factory=settings.chain.wallet_factory_address,
            operator=settings.auth.issuer,
        )


async def new_customer(sessions: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        user = await create_user(
            session,
            email=f"monitored-{uuid7().hex}@example.com",
            password="correct horse battery staple 42",
            full_name="Monitored Customer",
        )
        now = utcnow()
        session.add(
            KycCase(
                id=uuid7(),
                customer_id=user.id,
                tier_requested=2,
                tier_granted=2,
                status="approved",
                vendor="test",
                attempts=1,
                reasons=[],
                document_types=["passport", "proof_of_address"],
                created_at=now,
                submitted_at=now,
                reviewed_at=now,
                expires_at=now + timedelta(days=365),
            )
        )
    return user.id


async def place(desk: Desk, customer_id: uuid.UUID, amount: Money) -> Order:
    now = utcnow()
    async with unit_of_work(desk.sessions) as session:
        quote = await fx.create_quote(
            session,
            desk=desk.fx,
            customer_id=customer_id,
            source=amount,
            target_currency="USDC",
            now=now,
        )
        return await create_order(
            session,
            customer_id=customer_id,
            quote_id=quote.id,
            source=amount,
            destination_address=None,
            wallet_factory=desk.settings.chain.wallet_factory_address,
            amount_eur=desk.fx.eur_equivalent(amount),
            kyc_settings=desk.kyc,
            now=now,
            travel_rule_policy=desk.travel_rule,
        )


async def book(
    desk: Desk,
    order: Order,
    booked_at: datetime,
    *,
    sender_iban: str = "DE89370400440532013000",
    sender_name: str = "Monitored Customer",
) -> uuid.UUID:
    """The bank books the customer's transfer; the deposits worker's step matches it."""
    amount = Money(int(order.source_amount), order.source_currency)
    credit = BankCredit(
        entry_id=f"entry-{uuid7().hex}",
        amount=amount,
        reference_text=format_creditor_reference(order.creditor_reference),
        sender_name=sender_name,
        sender_iban=sender_iban,
        account_iban=TREASURY_IBAN,
        booked_at=booked_at,
    )
    notice = BankNotice(event_id=f"evt-{uuid7().hex}", credits=[credit], payload={})
    # Intake and matching in one transaction, so the stack's deposits worker never matches it.
    async with unit_of_work(desk.sessions) as session:
        await intake_notice(session, bank=BANK, notice=notice)
        deposit_id = await session.scalar(
            select(Deposit.id).where(Deposit.bank == BANK, Deposit.bank_entry_id == credit.entry_id)
        )
        assert deposit_id is not None
        await match_deposits(session, deposit_ids=[deposit_id])
        # This desk is the orders worker for its deposits (with its own limits): the running
        # stack's orders worker (default limits) must not screen them first.
        await session.execute(
            text(
                "DELETE FROM outbox WHERE subject = :subject "
                "AND convert_from(payload, 'UTF8')::jsonb -> 'data' ->> 'deposit_id' = :id"
            ),
            {"subject": DEPOSIT_MATCHED, "id": str(deposit_id)},
        )
    return deposit_id


async def screen_funds(desk: Desk, *funded: Funded) -> None:
    """The orders worker handling deposit_matched events (as often as they are delivered), all
    of ``funded`` as one batch."""
    async with unit_of_work(desk.sessions) as session:
        await on_deposits_matched(
            session,
            [(f.order_id, f.deposit_id, f.amount, f.booked_at) for f in funded],
            desk=desk.fx,
            screener=desk.screener,
            kyc_settings=desk.kyc,
        )


async def fund(
    desk: Desk, customer_id: uuid.UUID, amount: Money, booked_at: datetime, **sender: str
) -> Funded:
    order = await place(desk, customer_id, amount)
    deposit_id = await book(desk, order, booked_at, **sender)
    funded = Funded(order.id, deposit_id, amount, booked_at)
    await screen_funds(desk, funded)
    return funded


async def state_of(sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID) -> str:
    async with sessions() as session:
        order = await session.get_one(Order, order_id)
        return order.state
