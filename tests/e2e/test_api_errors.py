"""Bad input gets a problem+json with a stable code and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import FixedClock
from onramp.devstack.stack import Stack
from onramp.fx.models import Quote
from onramp.runtime.app import create_app
from tests.e2e.conftest import Customer, mark_email_verified_sync

PASSWORD = "a perfectly long passphrase"


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("-10.00", "EUR", "amount_negative"),
        ("10.001", "EUR", "amount_too_precise"),
        ("ten", "EUR", "invalid_amount"),
        ("1e3", "EUR", "invalid_amount"),
        ("", "EUR", "invalid_amount"),
        ("100.00", "XXX", "unknown_currency"),
        ("100.00", "eur", "unknown_currency"),
        ("5.00", "EUR", "amount_out_of_range"),
        ("100.00", "USDC", "unsupported_currency_pair"),
    ],
)
async def test_bad_quote_requests(
    customer: Customer,
    sessions: async_sessionmaker[AsyncSession],
    amount: str,
    currency: str,
    code: str,
) -> None:
    r = await customer.client.post(
        "/v1/quotes", json={"source_currency": currency, "source_amount": amount}
    )
    async with sessions() as session:
        written = await session.scalar(
            select(func.count())
            .select_from(Quote)
            .where(Quote.customer_id == uuid.UUID(customer.user_id))
        )
    assert written == 0
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == code
    assert {"type", "title", "status", "detail", "instance"} <= problem.keys()


async def test_amount_must_be_a_string_not_a_float(customer: Customer) -> None:
    r = await customer.client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": 100.1}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "request_invalid"


async def test_orders_are_private(customer: Customer, other_customer: Customer) -> None:
    order = await customer.order(await customer.quote("100.00"))
    r = await other_customer.client.get(f"/v1/orders/{order['id']}")
    assert r.status_code == 404
    assert r.json()["code"] == "order_not_found"
    listed = (await other_customer.client.get("/v1/orders")).json()["data"]
    assert order["id"] not in {o["id"] for o in listed}


async def test_someone_elses_quote_cannot_be_used(
    customer: Customer, other_customer: Customer
) -> None:
    quote = await customer.quote("100.00")
    r = await other_customer.client.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "100.00"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 404
    assert r.json()["code"] == "quote_not_found"


async def test_bad_destination_address(customer: Customer) -> None:
    quote = await customer.quote("100.00")
    for address, code in (
        ("0x1234", "invalid_address"),
        ("not-an-address", "invalid_address"),
        ("0x" + "00" * 20, "destination_not_allowed"),  # an address, but no one's to be paid at
    ):
        r = await customer.client.post(
            "/v1/orders",
            json={
                "quote_id": quote["id"],
                "source_currency": "EUR",
                "source_amount": "100.00",
                "destination_address": address,
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 422, address
        assert r.json()["code"] == code


async def test_authentication_errors(stack: Stack, customer: Customer) -> None:
    anonymous = await customer.client.get("/v1/orders", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "invalid_token"
    forged = await customer.client.get("/v1/orders", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401
    wrong = await customer.client.post(
        "/v1/auth/login", json={"email": customer.email, "password": "not the password at all"}
    )
    nobody = await customer.client.post(
        "/v1/auth/login", json={"email": "nobody@example.com", "password": "whatever whatever"}
    )
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json()["code"] == nobody.json()["code"] == "invalid_credentials"


async def test_registration_errors(customer: Customer) -> None:
    taken = await customer.client.post(
        "/v1/auth/register",
        json={"email": customer.email.upper(), "password": PASSWORD, "full_name": "Twin"},
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "email_taken"
    weak = await customer.client.post(
        "/v1/auth/register",
        json={"email": f"w.{uuid.uuid4().hex}@example.com", "password": "short", "full_name": "W"},
    )
    assert weak.status_code == 422
    assert weak.json()["code"] == "password_too_weak"
    common = await customer.client.post(
        "/v1/auth/register",
        json={
            "email": f"c.{uuid.uuid4().hex}@example.com",
            "password": "Password1234",
            "full_name": "C",
        },
    )
    assert common.status_code == 422
    assert common.json()["code"] == "password_too_weak"
    bad_email = await customer.client.post(
        "/v1/auth/register", json={"email": "no-at-sign", "password": PASSWORD, "full_name": "X"}
    )
    assert bad_email.json()["code"] == "request_invalid"


@pytest.fixture
def clocked(infra: Stack) -> Iterator[tuple[TestClient, FixedClock]]:
    """The API in-process against the test database, with a clock the test moves."""
    clock = FixedClock(datetime.now(UTC))
    with TestClient(create_app(infra.settings, clock=clock)) as client:
        yield client, clock


def test_an_expired_quote_cannot_be_ordered(
    clocked: tuple[TestClient, FixedClock], infra: Stack
) -> None:
    client, clock = clocked
    email = f"e.{uuid.uuid4().hex}@example.com"
    registered = client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "E"}
    )
    assert registered.status_code == 201
    mark_email_verified_sync(infra.settings.database.url, registered.json()["id"])
    token = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    quote = client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"}
    ).json()
    clock.set(clock.now() + timedelta(seconds=infra.settings.fx.quote_ttl_seconds + 1))
    # The access token expired with the quote (both judged by the service's clock): log in again.
    token = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    r = client.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "100.00"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "quote_expired"
    assert client.get("/v1/orders").json()["data"] == []


def test_health_and_openapi(clocked: tuple[TestClient, FixedClock]) -> None:
    client, _ = clocked
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/v1/auth/register",
        "/v1/auth/login",
        "/v1/quotes",
        "/v1/orders",
        "/v1/orders/{order_id}",
        "/v1/webhooks/bank/{bank}",
    ):
        assert path in spec["paths"], path
