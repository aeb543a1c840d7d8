"""Compliance scenarios: a customer whose order is held by the sanctions screen (the running
stack's workers screen, price and pay), and staff on an in-process API whose compliance
settings the test chooses (the four-eyes threshold, the attachment limit)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp import compliance
from onramp.compliance.cases import ComplianceAlert
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from onramp.wallets.models import DestinationWallet
from tests.e2e import conftest as e2e
from tests.e2e.conftest import as_if_logged_in_with_mfa, pay, place_order
from tests.e2e.mfa_people import PASSWORD, Person

# The e2e fixtures these scenarios use.
bank = e2e.bank
customer = e2e.customer
migrated_database = e2e.migrated_database
other_customer = e2e.other_customer
person = e2e.person

SUBSET = Path(__file__).resolve().parents[1] / "data" / "ofac" / "sdn_advanced_subset.xml"
# Roman Semenov's ETH address on the SDN list (entry 44718).
LISTED_ETH = "0xdcbEfFBECcE100cCE9E4b153C4e15cB885643193"


@dataclass
class Staff:
    client: httpx.AsyncClient
    user_id: str
    headers: dict[str, str]

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    async def post(self, url: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(url, json=body or {}, headers=self.headers)

    async def upload(self, url: str, content: bytes, content_type: str) -> httpx.Response:
        return await self.client.post(
            url, content=content, headers={**self.headers, "Content-Type": content_type}
        )


StaffFactory = Callable[..., Awaitable[Staff]]


@asynccontextmanager
async def _desk(
    infra: Stack,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    **compliance_settings: Any,
) -> AsyncIterator[StaffFactory]:
    settings = infra.settings.model_copy(
        update={"compliance": infra.settings.compliance.model_copy(update=compliance_settings)}
    )
    app = create_app(settings)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.78.{uuid.uuid4().int % 250}.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:

        async def make(role: str) -> Staff:
            email = f"{role}.{uuid.uuid4().hex}@example.com"
            r = await client.post(
                "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "S"}
            )
            assert r.status_code == 201, r.text
            user_id = r.json()["id"]
            async with unit_of_work(sessions) as session:
                await session.execute(
                    text("UPDATE users SET role = :r WHERE id = :id"), {"r": role, "id": user_id}
                )
            login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
            await as_if_logged_in_with_mfa(sessions, user_id)
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            return Staff(client, user_id, headers)

        yield make


@pytest.fixture
async def staff_desk(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[StaffFactory]:
    """``await staff_desk("compliance_officer")``: a person of that role, MFA done, on an
    in-process API whose four-eyes threshold is 50 EUR and whose attachments are at most 1 KiB
    (so a 100 EUR order needs a second officer)."""
    async with _desk(
        infra, engine, sessions, release_four_eyes_eur=Decimal("50"), attachment_max_bytes=1024
    ) as make:
        yield make


@pytest.fixture
async def default_desk(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[StaffFactory]:
    """Staff on an API with the default settings (four eyes above 1,000 EUR)."""
    async with _desk(infra, engine, sessions) as make:
        yield make


async def wait_for_state(customer: Person, order_id: str, state: str) -> dict[str, Any]:
    return await e2e.wait_for_order(customer.client, order_id, state, timeout=90)


async def held_order(
    customer: Person,
    bank_api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    *,
    amount: str = "100.00",
    sender_iban: str = "GB33BUKB20201555555555",
) -> dict[str, Any]:
    """An order of ``customer`` to a listed address, paid (from ``sender_iban``), and held in
    manual review.

    The wallet is saved and the order placed before the list is loaded (adding a listed address
    is refused), so no re-screen can block the wallet first; the deposit's screen holds it."""
    me = (await customer.client.get("/v1/me")).json()
    async with unit_of_work(sessions) as session:
        known = await session.scalar(
            select(DestinationWallet.id).where(
                DestinationWallet.customer_id == uuid.UUID(me["id"]),
                DestinationWallet.address == LISTED_ETH,
            )
        )
        if known is None:
            session.add(
                DestinationWallet(
                    id=uuid7(),
                    customer_id=uuid.UUID(me["id"]),
                    label="listed",
                    address=LISTED_ETH,
                    created_at=customer.clock.now(),
                )
            )
    created = await place_order(customer.client, amount, LISTED_ETH)
    assert created.status_code == 201, created.text
    order: dict[str, Any] = created.json()
    async with unit_of_work(sessions) as session:
        await compliance.load_version(session=session, path=SUBSET, actor="test:sanctions")
    await pay(bank_api, order, sender_iban=sender_iban)
    return await wait_for_state(customer, order["id"], "manual_review")


async def case_of(
    officer: Staff, sessions: async_sessionmaker[AsyncSession], order_id: str
) -> dict[str, Any]:
    """The case holding the order, as the officer sees it."""
    async with sessions() as session:
        case_id = await session.scalar(
            select(ComplianceAlert.case_id).where(ComplianceAlert.order_id == uuid.UUID(order_id))
        )
    assert case_id is not None, f"no case holds order {order_id}"
    detail = await officer.get(f"/v1/compliance/cases/{case_id}")
    assert detail.status_code == 200, detail.text
    body: dict[str, Any] = detail.json()
    return body
