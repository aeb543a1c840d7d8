"""The transaction-monitoring screen behind the ``Screener`` seam: the funded order and its
deposit against the configured rule set, with the customer's recent history and profile.

The history is read from PostgreSQL as the bank and the customer made it (deposits by booking
time, orders by creation time), never as this worker happened to process it: whatever the batch
or the replay, an activity is shown the same earlier activities. Amounts are USD-equivalent at
the fx desk's reference rates, whose day is recorded with every hit. Each hit is an alert whose
dedupe key is the rule and the activity, so a redelivered deposit raises nothing twice; a hit of a
rule whose action is ``hold`` holds the order for manual review.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import banking, fx, kyc
from onramp.compliance import (
    Activity,
    ActivityKind,
    CustomerProfile,
    RuleSet,
    alert_draft,
    evaluate_funded_order,
)
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.identity import registered_at
from onramp.orders.models import Order
from onramp.orders.screens.screening import ScreeningResult, ScreeningSubject, Verdict


class MonitoringScreener:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, rules: RuleSet, desk: fx.FxDesk
    ) -> None:
        self._sessions = sessions
        self._rules = rules
        self._desk = desk

    def _usd(self, amount: Money) -> Decimal:
        return self._desk.usd_equivalent(amount)[0]

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        if subject.deposit_id is None:
            return ScreeningResult(Verdict.CLEAR, "monitoring: no deposit to evaluate")
        async with self._sessions() as session:
            deposit = await banking.matched_deposit(session, subject.deposit_id)
            order = await session.get(Order, subject.order_id)
            if deposit is None or order is None:
                return ScreeningResult(Verdict.CLEAR, "monitoring: deposit not matched; not run")
            current_deposit = self._deposit_activity(deposit)
            current_order = self._order_activity(order)
            activities = await self._history(
                session, order.customer_id, current_deposit, current_order
            )
            profile = await _profile(session, order.customer_id, at=order.created_at)
        found = evaluate_funded_order(
            self._rules,
            deposit=current_deposit,
            order=current_order,
            activities=activities,
            profile=profile,
        )
        rates_day = self._desk.usd_equivalent(deposit.amount)[1]
        drafts = tuple(
            alert_draft(
                self._rules,
                current=current,
                hit=hit,
                history=history,
                profile=profile,
                order_id=order.id,
                rates_day=rates_day,
            )
            for current, hit, history in found
        )
        held = [d.kind for d in drafts if d.hold]
        if held:
            return ScreeningResult(
                Verdict.HOLD,
                f"monitoring rules hold the order: {', '.join(held)} (see the compliance case)",
                drafts,
            )
        fired = f"; alerts: {', '.join(d.kind for d in drafts)}" if drafts else ""
        return ScreeningResult(
            Verdict.CLEAR, f"monitoring rules {self._rules.version} clear{fired}", drafts
        )

    def _deposit_activity(self, d: banking.DepositFact) -> Activity:
        return Activity(
            id=d.id,
            kind=ActivityKind.DEPOSIT,
            at=d.booked_at,
            amount_usd=self._usd(d.amount),
            sender_name=d.sender_name,
            sender_country=d.sender_country,
        )

    def _order_activity(self, o: Order) -> Activity:
        return Activity(
            id=o.id,
            kind=ActivityKind.ORDER,
            at=o.created_at,
            amount_usd=self._usd(Money(as_int(o.source_amount), o.source_currency)),
            destination=o.destination_address,
        )

    async def _history(
        self, session: AsyncSession, customer_id: uuid.UUID, *current: Activity
    ) -> list[Activity]:
        """The customer's deposits and orders the rules may look at, plus, for rapid-new-wallet
        checks, the first order ever to each address used in the window."""
        since = min(a.at for a in current) - self._rules.lookback
        until = max(a.at for a in current)
        deposits = await banking.matched_deposits(
            session, since=since, until=until, customer_ids=[customer_id]
        )
        orders = list(
            await session.scalars(
                select(Order).where(
                    Order.customer_id == customer_id,
                    Order.created_at >= since,
                    Order.created_at <= until,
                )
            )
        )
        addresses = {o.destination_address.lower() for o in orders}
        first_uses = await session.scalars(
            select(Order)
            .ext(distinct_on(func.lower(Order.destination_address)))
            .where(
                Order.customer_id == customer_id,
                func.lower(Order.destination_address).in_(addresses),
                Order.created_at < since,
            )
            .order_by(func.lower(Order.destination_address), Order.created_at, Order.id)
        )
        seen = {o.id for o in orders}
        orders += [o for o in first_uses if o.id not in seen]
        return [self._deposit_activity(d) for d in deposits] + [
            self._order_activity(o) for o in orders
        ]


async def _profile(
    session: AsyncSession, customer_id: uuid.UUID, *, at: datetime
) -> CustomerProfile:
    # The identity the customer held when placing the order.
    identity = await kyc.verified_identity(session, customer_id=customer_id, now=at)
    opened = await registered_at(session, user_id=customer_id)
    return CustomerProfile(
        customer_id=customer_id,
        # No account row (never in the money path): treated as opened with its first order.
        registered_at=opened or at,
        name=identity.name if identity else None,
        countries=identity.countries if identity else frozenset(),
    )
