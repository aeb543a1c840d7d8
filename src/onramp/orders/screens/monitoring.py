"""The transaction-monitoring screen behind the ``Screener`` seam: the funded order and its
deposit against the configured rule set, with the customer's recent history and profile.

The history is read from PostgreSQL as the bank and the customer made it (deposits by booking
time, orders by creation time), never as this worker happened to process it: whatever the batch
or the replay, an activity is shown the same earlier activities. A batch is screened set-based
(``screen_batch``): one read of its customers' histories (``monitoring_history.py``), their
accounts' ages and their verified identities, each identity opened once; the pure rules then
run per order in memory. Amounts are USD-equivalent at
the fx desk's reference rates, whose day is recorded with every hit. Each hit is an alert whose
dedupe key is the rule and the activity, so a redelivered deposit raises nothing twice; a hit of a
rule whose action is ``hold`` holds the order for manual review.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
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
from onramp.identity import registered_at_of
from onramp.orders.models import Order
from onramp.orders.screens.monitoring_history import CustomerHistories
from onramp.orders.screens.screening import ScreeningResult, ScreeningSubject, Verdict

NO_DEPOSIT = ScreeningResult(Verdict.CLEAR, "monitoring: no deposit to evaluate")
NOT_MATCHED = ScreeningResult(Verdict.CLEAR, "monitoring: deposit not matched; not run")


@dataclass(frozen=True)
class _Funded:
    """One funded order as the rules see it: its deposit and itself, and its history window."""

    subject: ScreeningSubject
    deposit: banking.DepositFact
    order: Order
    deposit_activity: Activity
    order_activity: Activity
    since: datetime
    until: datetime


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
        return (await self.screen_batch([subject]))[0]

    async def screen_batch(self, subjects: Sequence[ScreeningSubject]) -> list[ScreeningResult]:
        """Each subject's result, as ``screen`` alone would give it, from one read per batch."""
        with_deposit = [s for s in subjects if s.deposit_id is not None]
        if not with_deposit:
            return [NO_DEPOSIT for _ in subjects]
        async with self._sessions() as session:
            funded = await self._funded(session, with_deposit)
            if not funded:
                return [NO_DEPOSIT if s.deposit_id is None else NOT_MATCHED for s in subjects]
            histories = await CustomerHistories.load(
                session,
                {f.order.customer_id for f in funded.values()},
                since=min(f.since for f in funded.values()),
                until=max(f.until for f in funded.values()),
                deposit_activity=self._deposit_activity,
                order_activity=self._order_activity,
            )
            profiles = await _profiles(session, list(funded.values()))
        results = []
        for subject in subjects:
            f = funded.get((subject.order_id, subject.deposit_id))
            if f is None:
                results.append(NO_DEPOSIT if subject.deposit_id is None else NOT_MATCHED)
                continue
            activities = histories.activities(f.order.customer_id, since=f.since, until=f.until)
            results.append(self._judge(f, activities, profiles[f.order.id, f.deposit.id]))
        return results

    async def _funded(
        self, session: AsyncSession, subjects: Sequence[ScreeningSubject]
    ) -> dict[tuple[uuid.UUID, uuid.UUID | None], _Funded]:
        deposits = await banking.matched_deposits_by_id(
            session, [s.deposit_id for s in subjects if s.deposit_id is not None]
        )
        orders = {
            o.id: o
            for o in await session.scalars(
                select(Order).where(Order.id.in_(sorted({s.order_id for s in subjects})))
            )
        }
        funded: dict[tuple[uuid.UUID, uuid.UUID | None], _Funded] = {}
        for s in subjects:
            deposit = deposits.get(s.deposit_id) if s.deposit_id is not None else None
            order = orders.get(s.order_id)
            if deposit is None or order is None:
                continue
            current = (self._deposit_activity(deposit), self._order_activity(order))
            funded[(s.order_id, s.deposit_id)] = _Funded(
                s,
                deposit,
                order,
                *current,
                since=min(a.at for a in current) - self._rules.lookback,
                until=max(a.at for a in current),
            )
        return funded

    def _judge(
        self, f: _Funded, activities: list[Activity], profile: CustomerProfile
    ) -> ScreeningResult:
        found = evaluate_funded_order(
            self._rules,
            deposit=f.deposit_activity,
            order=f.order_activity,
            activities=activities,
            profile=profile,
        )
        rates_day = self._desk.usd_equivalent(f.deposit.amount)[1]
        drafts = tuple(
            alert_draft(
                self._rules,
                current=current,
                hit=hit,
                history=history,
                profile=profile,
                order_id=f.order.id,
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


async def _profiles(
    session: AsyncSession, funded: list[_Funded]
) -> dict[tuple[uuid.UUID, uuid.UUID], CustomerProfile]:
    """Per order, the customer as they were when placing it: one read of the accounts' ages and
    one of the approved KYC cases for the batch, each case's identity opened once."""
    customers = {f.order.customer_id for f in funded}
    opened = await registered_at_of(session, user_ids=customers)
    cases = await kyc.approved_cases(
        session, customer_ids=customers, since=min(f.order.created_at for f in funded)
    )
    profiles = {}
    for f in funded:
        customer_id, at = f.order.customer_id, f.order.created_at
        identity = cases.identity(customer_id, at)
        profiles[f.order.id, f.deposit.id] = CustomerProfile(
            customer_id=customer_id,
            # No account row (never in the money path): treated as opened with its first order.
            registered_at=opened.get(customer_id) or at,
            name=identity.name if identity else None,
            countries=identity.countries if identity else frozenset(),
        )
    return profiles
