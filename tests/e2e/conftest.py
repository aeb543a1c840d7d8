"""End-to-end helpers: customers driving the running stack over HTTP, as the demo does."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.clock import FixedClock
from onramp.core.db import unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.wakeup import libpq_url
from onramp.devstack.mail_sandbox import wait_for_link_token
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.mfa_people import PASSWORD, Person


@dataclass
class Customer:
    client: httpx.AsyncClient
    user_id: str
    email: str

    async def quote(self, amount: str = "1000.00", currency: str = "EUR") -> dict[str, Any]:
        response = await self.client.post(
            "/v1/quotes",
            json={"source_currency": currency, "source_amount": amount, "target_currency": "USDC"},
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def order(self, quote: dict[str, Any], **extra: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/v1/orders",
            json={
                "quote_id": quote["id"],
                "source_currency": quote["source_currency"],
                "source_amount": quote["source_amount"],
                **extra,
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def get_order(self, order_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/v1/orders/{order_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def wait_for(self, order_id: str, state: str, *, timeout: float = 60.0) -> dict[str, Any]:
        return await wait_for_order(self.client, order_id, state, timeout=timeout)


async def place_order(
    client: httpx.AsyncClient, amount: str, destination: str | None = None
) -> httpx.Response:
    """Quote EUR ``amount`` and order it (to ``destination``, else the own wallet): the
    response, so a test can check a refusal."""
    quote = await client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": amount}
    )
    assert quote.status_code == 201, quote.text
    body: dict[str, Any] = {
        "quote_id": quote.json()["id"],
        "source_currency": "EUR",
        "source_amount": amount,
    }
    if destination is not None:
        body["destination_address"] = destination
    return await client.post("/v1/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


async def wait_for_order(
    client: httpx.AsyncClient, order_id: str, state: str, *, timeout: float = 60.0
) -> dict[str, Any]:
    """The order as its owner sees it, once it reached ``state`` (the workers move it)."""
    deadline = time.monotonic() + timeout
    while True:
        response = await client.get(f"/v1/orders/{order_id}")
        assert response.status_code == 200, response.text
        order: dict[str, Any] = response.json()
        if order["state"] == state:
            return order
        assert time.monotonic() < deadline, f"order {order_id} is {order['state']}, not {state}"
        await asyncio.sleep(0.05)


async def emailed_token(stack: Stack, *, to: str, link_path: str, after: int = 0) -> str:
    """The token from the link in the newest email to ``to``, read from the mail sandbox."""
    return await asyncio.to_thread(
        wait_for_link_token, stack.mail.url, to=to, link_path=link_path, after=after
    )


async def mark_email_verified(database_url: str, user_id: str) -> None:
    """For in-process apps, which run no mailer: the flow itself is tested over the stack."""
    conn = await asyncpg.connect(libpq_url(database_url))
    try:
        await conn.execute(
            "UPDATE users SET email_verified_at = now() WHERE id = $1", uuid.UUID(user_id)
        )
    finally:
        await conn.close()


async def as_if_logged_in_with_mfa(
    sessions: async_sessionmaker[AsyncSession], user_id: str
) -> None:
    """Mark the user's open sessions as second-factor sessions (MFA itself: test_mfa.py)."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE auth_sessions SET mfa_at = now() WHERE user_id = :id"),
            {"id": uuid.UUID(user_id)},
        )


async def grant_kyc_tier(database_url: str, user_id: str, tier: int) -> None:
    """An approved KYC case at ``tier``, as if the vendor had approved it (the flow itself:
    test_kyc.py over the stack's KYC sandbox). Tier 2 allows EUR 15,000 a day by default."""
    conn = await asyncpg.connect(libpq_url(database_url))
    try:
        await conn.execute(
            "INSERT INTO kyc_cases (id, customer_id, tier_requested, tier_granted, status, vendor,"
            " attempts, reasons, document_types, created_at, submitted_at, reviewed_at,"
            " expires_at) VALUES ($1, $2, $3, $3, 'approved', 'test', 1, '[]', '[]', now(),"
            " now(), now(), now() + interval '365 days')",
            uuid.uuid4(),
            uuid.UUID(user_id),
            tier,
        )
    finally:
        await conn.close()


def mark_email_verified_sync(database_url: str, user_id: str) -> None:
    with ThreadPoolExecutor(1) as pool:  # its own loop: the caller's may be running
        pool.submit(asyncio.run, mark_email_verified(database_url, user_id)).result()


async def register(client: httpx.AsyncClient, stack: Stack, *, kyc_tier: int = 2) -> Customer:
    """A customer with a verified email address, logged in, holding ``kyc_tier`` (0: none)."""
    email = f"c.{uuid.uuid4().hex}@example.com"
    response = await client.post(
        "/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Test Customer"},
    )
    assert response.status_code == 201, response.text
    user_id = response.json()["id"]
    token = await emailed_token(stack, to=email, link_path="/verify-email")
    verified = await client.post("/v1/auth/email-verification", json={"token": token})
    assert verified.status_code == 204, verified.text
    if kyc_tier:
        await grant_kyc_tier(stack.settings.database.url, user_id, kyc_tier)
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return Customer(client=client, user_id=user_id, email=email)


@pytest.fixture
async def client(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """The API app in this process (no lifespan: the test's engine and sessions)."""
    app = create_app(infra.settings)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as c:
        yield c


@pytest.fixture
async def customer(stack: Stack) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        yield await register(client, stack)


@pytest.fixture
async def other_customer(stack: Stack) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        yield await register(client, stack)


@asynccontextmanager
async def staff(
    stack: Stack, sessions: async_sessionmaker[AsyncSession], role: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A staff member of ``role`` on the stack's API, second factor done."""
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        person = await register(client, stack, kyc_tier=0)
        async with unit_of_work(sessions) as session:
            await session.execute(
                text("UPDATE users SET role = :role WHERE id = :id"),
                {"id": person.user_id, "role": role},
            )
        login = await client.post(
            "/v1/auth/login", json={"email": person.email, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        await as_if_logged_in_with_mfa(sessions, person.user_id)
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield client


@pytest.fixture
async def treasurer(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """A treasurer on the stack's API (second factor done): works the suspense queue."""
    async with staff(stack, sessions, "treasurer") as client:
        yield client


@pytest.fixture
async def second_treasurer(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """Another treasurer: the second pair of eyes."""
    async with staff(stack, sessions, "treasurer") as client:
        yield client


@pytest.fixture
async def bank(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    assert stack.bank is not None
    async with httpx.AsyncClient(base_url=stack.bank.url, timeout=10.0) as client:
        yield client


async def pay(
    bank: httpx.AsyncClient,
    order: dict[str, Any],
    *,
    amount: str | None = None,
    reference: str | None = None,
    sender_name: str = "Test Customer",
    sender_iban: str = "GB33BUKB20201555555555",
) -> dict[str, Any]:
    """The customer's bank transfer, booked by the sandbox bank, which then sends the webhook."""
    instructions = order["deposit_instructions"]
    response = await bank.post(
        "/transfers",
        json={
            "amount": amount or instructions["amount"],
            "currency": instructions["currency"],
            "reference": reference or instructions["reference"],
            "sender_name": sender_name,
            "sender_iban": sender_iban,
        },
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_delivered(bank: httpx.AsyncClient, transfer_id: str, *, count: int = 1) -> None:
    """Until the sandbox saw ``count`` successful webhook deliveries of the transfer."""
    deadline = time.monotonic() + 15
    while True:
        transfer = (await bank.get(f"/transfers/{transfer_id}")).json()
        ok = [d for d in transfer["deliveries"] if d.get("status_code") == 200]
        if len(ok) >= count:
            return
        assert time.monotonic() < deadline, f"webhook not delivered: {transfer['deliveries']}"
        await asyncio.sleep(0.05)


@asynccontextmanager
async def person_of_tier(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], kyc_tier: int
) -> AsyncIterator[Person]:
    """A customer of an in-process app on a fixed clock, email verified, at ``kyc_tier``."""
    clock = FixedClock(datetime.now(UTC))
    app = create_app(infra.settings, clock=clock)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.77.{uuid.uuid4().int % 250}.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        p = Person(client, clock)
        r = await client.post(
            "/v1/auth/register", json={"email": p.email, "password": PASSWORD, "full_name": "M"}
        )
        assert r.status_code == 201
        await mark_email_verified(infra.settings.database.url, r.json()["id"])
        if kyc_tier:
            await grant_kyc_tier(infra.settings.database.url, r.json()["id"], kyc_tier)
        p.use((await p.login()).json())
        yield p


@pytest.fixture
async def person(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Person]:
    async with person_of_tier(infra, engine, sessions, 2) as p:
        yield p


@pytest.fixture
def migrated_database(infra: Stack) -> Iterator[str]:
    """A freshly migrated database of its own on the stack's server, dropped afterwards: for
    commands whose state is global to a database ("no admin yet", "the latest list")."""
    name = f"own_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(infra.postgres.url("postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = infra.postgres.url(name)
    upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
