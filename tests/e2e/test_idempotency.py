"""POST /v1/orders with an Idempotency-Key: one effect, however often it is sent."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.orders.models import Order
from tests.e2e.conftest import Customer


async def _count_orders(session: AsyncSession, customer: Customer) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Order)
        .where(Order.customer_id == uuid.UUID(customer.user_id))
    )
    return int(count or 0)


async def test_same_key_and_body_returns_the_stored_response(
    customer: Customer, session: AsyncSession
) -> None:
    quote = await customer.quote("300.00")
    body = {"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "300.00"}
    headers = {"Idempotency-Key": "order-300-" + uuid.uuid4().hex}
    first = await customer.client.post("/v1/orders", json=body, headers=headers)
    second = await customer.client.post("/v1/orders", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert await _count_orders(session, customer) == 1


async def test_same_key_other_body_is_refused_and_changes_nothing(
    customer: Customer, session: AsyncSession
) -> None:
    q1 = await customer.quote("300.00")
    q2 = await customer.quote("400.00")
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await customer.client.post(
        "/v1/orders",
        json={"quote_id": q1["id"], "source_currency": "EUR", "source_amount": "300.00"},
        headers=key,
    )
    assert first.status_code == 201
    clash = await customer.client.post(
        "/v1/orders",
        json={"quote_id": q2["id"], "source_currency": "EUR", "source_amount": "400.00"},
        headers=key,
    )
    assert clash.status_code == 409
    assert clash.headers["content-type"] == "application/problem+json"
    assert clash.json()["code"] == "idempotency_key_reused"
    assert await _count_orders(session, customer) == 1


async def test_keys_are_per_customer(customer: Customer, other_customer: Customer) -> None:
    key = {"Idempotency-Key": "shared-key-" + uuid.uuid4().hex}
    for who in (customer, other_customer):
        quote = await who.quote("120.00")
        r = await who.client.post(
            "/v1/orders",
            json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "120.00"},
            headers=key,
        )
        assert r.status_code == 201, r.text


async def test_missing_key_is_a_clear_error(customer: Customer, session: AsyncSession) -> None:
    quote = await customer.quote("300.00")
    r = await customer.client.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "300.00"},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "idempotency_key_required"
    assert await _count_orders(session, customer) == 0


async def test_a_failed_request_leaves_the_key_free(customer: Customer) -> None:
    quote = await customer.quote("300.00")
    key = {"Idempotency-Key": uuid.uuid4().hex}
    wrong = await customer.client.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "301.00"},
        headers=key,
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "quote_mismatch"
    right = await customer.client.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "300.00"},
        headers=key,
    )
    assert right.status_code == 201


async def test_fifty_concurrent_requests_on_one_key_make_one_order(
    customer: Customer, session: AsyncSession
) -> None:
    quote = await customer.quote("310.00")
    body = {"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "310.00"}
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    answers = await asyncio.gather(
        *(customer.client.post("/v1/orders", json=body, headers=headers) for _ in range(50))
    )
    created = [a for a in answers if a.status_code == 201]
    # The rest waited on the key's row; a wait past the lock timeout is a 503 to retry.
    busy = [a for a in answers if a.status_code == 503]
    assert len(created) + len(busy) == 50, sorted({a.text for a in answers})
    assert {a.json()["code"] for a in busy} <= {"database_busy"}
    assert len({a.json()["id"] for a in created}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in created) == len(created) - 1
    assert await _count_orders(session, customer) == 1
