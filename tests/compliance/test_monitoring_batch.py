"""The orders worker screens a batch of funded orders set-based: one read per check for the
whole batch. Several orders of one customer in one batch get the verdicts, alerts and evidence
they get one by one, the batch's earlier orders counting as history (structuring crossing its
threshold inside the batch), and the batch's moves come in the same order."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import ComplianceAlert
from onramp.core.clock import utcnow
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.orders.models import Order, OrderTransition
from onramp.orders.screens.screening import ScreeningSubject, Verdict, screen_all
from tests.compliance.funding import (
    Desk,
    Funded,
    book,
    new_customer,
    place,
    screen_funds,
    state_of,
)


def usd(amount: str) -> Money:
    return Money.parse(amount, "USD")


# The saga's own moves; the stack's payout workers move passed orders on meanwhile.
SAGA_FROM = ("awaiting_funds", "funds_received", "screening", "priced")
PASSED = {"payout_queued", "payout_broadcast", "completed"}

# Three deposits just under USD 10,000 within 24 hours: the third is structuring (a hold); the
# first is a new account's large first deposit (an alert only).
SCENARIO = (("9500.00", 0), ("9600.00", 6), ("9700.00", 19))


@pytest.fixture
def desk(infra: Stack, sessions: async_sessionmaker[AsyncSession]) -> Desk:
    return Desk(infra.settings, sessions)


async def booked_unscreened(desk: Desk, customer: uuid.UUID, start: datetime) -> list[Funded]:
    """The scenario's orders placed and their deposits matched, none screened yet."""
    funded = []
    for amount, hours in SCENARIO:
        order = await place(desk, customer, usd(amount))
        booked_at = start + timedelta(hours=hours)
        deposit_id = await book(desk, order, booked_at)
        funded.append(Funded(order.id, deposit_id, usd(amount), booked_at))
    return funded


async def two_customers_booked(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> list[tuple[uuid.UUID, list[Funded]]]:
    """Two new customers, each with the scenario booked and not screened."""
    start = utcnow() - timedelta(hours=20)
    found = []
    for _ in range(2):
        customer = await new_customer(sessions)
        found.append((customer, await booked_unscreened(desk, customer, start)))
    return found


async def subjects_of(
    sessions: async_sessionmaker[AsyncSession], customer: uuid.UUID, funded: list[Funded]
) -> list[ScreeningSubject]:
    async with sessions() as session:
        orders = {
            o.id: o
            for o in await session.scalars(
                select(Order).where(Order.id.in_([f.order_id for f in funded]))
            )
        }
    return [
        ScreeningSubject(
            f.order_id,
            customer,
            f.amount,
            orders[f.order_id].destination_address,
            sender_name="Monitored Customer",
            deposit_id=f.deposit_id,
        )
        for f in funded
    ]


async def test_a_batch_is_screened_as_its_orders_are_one_by_one(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    (customer, mine), (other, theirs) = await two_customers_booked(desk, sessions)
    # Interleaved customers, as a batch from the bus comes.
    subjects = [
        s
        for pair in zip(
            await subjects_of(sessions, customer, mine),
            await subjects_of(sessions, other, theirs),
            strict=True,
        )
        for s in pair
    ]

    together = await screen_all(desk.screener, subjects)
    alone = [await desk.screener.screen(s) for s in subjects]

    assert together == alone
    verdicts = [r.verdict for r in together]
    assert verdicts == [Verdict.CLEAR] * 4 + [Verdict.HOLD] * 2
    structuring = [a for a in together[4].alerts if a.kind == "structuring-24h"]
    assert [a.evidence["figures"]["activities"] for a in structuring] == [
        [str(f.deposit_id) for f in mine]
    ]


async def transitions(
    sessions: async_sessionmaker[AsyncSession], funded: list[Funded]
) -> list[tuple[int, str | None, str]]:
    """The orders' history rows in the order they were written, as (position in the
    scenario, from, to)."""
    position = {f.order_id: i for i, f in enumerate(funded)}
    async with sessions() as session:
        rows = await session.scalars(
            select(OrderTransition)
            .where(
                OrderTransition.order_id.in_(list(position)),
                OrderTransition.from_state.in_(SAGA_FROM),
            )
            .order_by(OrderTransition.id)
        )
        return [(position[r.order_id], r.from_state, r.to_state) for r in rows]


async def alerts(
    sessions: async_sessionmaker[AsyncSession], customer: uuid.UUID, funded: list[Funded]
) -> list[tuple[str, str, int]]:
    position = {str(f.deposit_id): i for i, f in enumerate(funded)}
    position |= {str(f.order_id): i for i, f in enumerate(funded)}
    async with sessions() as session:
        rows = await session.scalars(
            select(ComplianceAlert)
            .where(ComplianceAlert.customer_id == customer)
            .order_by(ComplianceAlert.id)
        )
        return [(a.kind, a.action, position[a.subject_id]) for a in rows]


async def test_the_saga_moves_a_batch_as_it_moves_its_orders_one_by_one(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    (one_by_one, single), (batched, batch) = await two_customers_booked(desk, sessions)

    for f in single:
        await screen_funds(desk, f)
    # Reversed, and one deposit delivered twice: the saga orders the batch itself and acts on a
    # match once.
    await screen_funds(desk, *batch[::-1], batch[0])

    async def states(funded: list[Funded]) -> list[str]:
        found = [await state_of(sessions, f.order_id) for f in funded]
        return ["passed" if s in PASSED else s for s in found]

    assert await states(batch) == ["passed", "passed", "manual_review"]
    assert await states(batch) == await states(single)
    assert await alerts(sessions, batched, batch) == await alerts(sessions, one_by_one, single)
    assert ("structuring-24h", "hold", 2) in await alerts(sessions, batched, batch)
    # The batch's moves are written order by order in the loop's order (order ids ascending:
    # the orders were placed in the scenario's order), as the single steps wrote them.
    written = await transitions(sessions, batch)
    assert written == await transitions(sessions, single)
    assert [t[0] for t in written if t[1] == "awaiting_funds"] == [0, 1, 2]
