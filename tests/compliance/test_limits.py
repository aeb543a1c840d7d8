"""KYC tier limits: no identity, no orders; a tier's 24-hour and 30-day EUR limits hold, also when
two orders race; and funds that arrive after the tier lapsed are held for review."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp import orders
from onramp.compliance.cases import ComplianceAlert
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.orders.models import Order
from tests.e2e.conftest import Customer, pay, person_of_tier, place_order, register
from tests.e2e.mfa_people import Person


@pytest.fixture
async def tier1(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Person]:
    """Tier 1: EUR 1,000 per 24 hours, 5,000 per 30 days (the defaults)."""
    async with person_of_tier(infra, engine, sessions, 1) as p:
        yield p


async def _order_count(sessions: async_sessionmaker[AsyncSession], customer_id: str) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).where(Order.customer_id == uuid.UUID(customer_id))
        )
    return int(count or 0)


async def _me(person: Person) -> str:
    return str((await person.client.get("/v1/me")).json()["id"])


async def test_tier_0_may_quote_but_not_order(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with person_of_tier(infra, engine, sessions, 0) as newcomer:
        refused = await place_order(newcomer.client, "100.00")
        assert refused.status_code == 403, refused.text
        problem = refused.json()
        assert problem["code"] == "kyc_required"
        assert problem["tier"] == 0
        assert await _order_count(sessions, await _me(newcomer)) == 0
        mine = (await newcomer.client.get("/v1/me/limits")).json()
        assert (mine["tier"], mine["daily"]["remaining_eur"]) == (0, "0.00")


async def test_the_daily_limit_says_what_is_left_and_changes_nothing(
    tier1: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert (await place_order(tier1.client, "700.00")).status_code == 201
    mine = (await tier1.client.get("/v1/me/limits")).json()
    assert mine["tier"] == 1
    assert mine["daily"] == {
        "window_hours": 24,
        "limit_eur": "1000.00",
        "used_eur": "700.00",
        "remaining_eur": "300.00",
    }
    assert mine["monthly"]["remaining_eur"] == "4300.00"
    refused = await place_order(tier1.client, "300.01")
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "order_limit_exceeded"
    assert (problem["window"], problem["limit_eur"], problem["used_eur"]) == (
        "day",
        "1000.00",
        "700.00",
    )
    assert problem["remaining_eur"] == "300.00"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await _order_count(sessions, await _me(tier1)) == 1
    assert (await place_order(tier1.client, "300.00")).status_code == 201  # exactly the limit


async def test_the_windows_roll_and_the_monthly_limit_holds(tier1: Person) -> None:
    for _ in range(5):  # EUR 1,000 on each of five days: the 30-day EUR 5,000
        assert (await place_order(tier1.client, "1000.00")).status_code == 201
        tier1.clock.set(tier1.clock.now() + timedelta(hours=24, minutes=1))
        tier1.use((await tier1.login()).json())
    refused = await place_order(tier1.client, "20.00")
    assert refused.status_code == 422
    assert (refused.json()["window"], refused.json()["used_eur"]) == ("month", "5000.00")
    tier1.clock.set(tier1.clock.now() + timedelta(days=26))  # the first order leaves the window
    tier1.use((await tier1.login()).json())
    assert (await place_order(tier1.client, "1000.00")).status_code == 201


async def test_two_racing_orders_cannot_together_exceed_the_limit(
    tier1: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    quotes = [
        (
            await tier1.client.post(
                "/v1/quotes", json={"source_currency": "EUR", "source_amount": "600.00"}
            )
        ).json()
        for _ in range(4)
    ]

    async def order(quote: dict[str, Any]) -> httpx.Response:
        return await tier1.client.post(
            "/v1/orders",
            json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "600.00"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    responses = await asyncio.gather(*(order(q) for q in quotes))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 422, 422, 422], [r.text for r in responses]
    assert await _order_count(sessions, await _me(tier1)) == 1


@pytest.fixture
async def tier1_customer(stack: Stack) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        yield await register(client, stack, kyc_tier=1)


async def test_funds_after_the_tier_lapsed_are_held_with_an_alert(
    tier1_customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order = await tier1_customer.order(await tier1_customer.quote("250.00"))
    async with unit_of_work(sessions) as session:  # the approval passes its review date
        await session.execute(
            text(
                "UPDATE kyc_cases SET expires_at = now() - interval '1 second'"
                " WHERE customer_id = :c"
            ),
            {"c": uuid.UUID(tier1_customer.user_id)},
        )
    await pay(bank, order)
    held = await tier1_customer.wait_for(order["id"], "manual_review")
    assert held["history"][-1]["reason"] == "held for a compliance review"
    async with sessions() as session:
        reason = (await orders.history_of(session, uuid.UUID(order["id"])))[-1].reason
    assert reason is not None
    assert "no longer valid" in reason
    async with sessions() as session:
        alerts = (
            await session.scalars(
                select(ComplianceAlert).where(ComplianceAlert.order_id == uuid.UUID(order["id"]))
            )
        ).all()
    assert [(a.source, a.kind, a.action) for a in alerts] == [("kyc", "kyc_tier_lapsed", "hold")]
