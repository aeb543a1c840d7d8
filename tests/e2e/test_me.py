"""The caller's own data: profile, preferences, and the GDPR export."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import Deposit
from onramp.casework.privacy import purge_expired
from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.models import User
from onramp.orders.models import Order
from tests.e2e.conftest import PASSWORD, Customer, pay


async def test_profile(customer: Customer) -> None:
    me = (await customer.client.get("/v1/me")).json()
    assert me["id"] == customer.user_id
    assert me["email"] == customer.email


async def test_preferences_default_set_and_validate(customer: Customer) -> None:
    defaults = (await customer.client.get("/v1/me/preferences")).json()
    assert defaults == {
        "display_currency": "EUR",
        "default_fiat_currency": "EUR",
        "notification_channels": ["email", "webhook"],
        "language": "en",
    }
    wanted = {
        "display_currency": "USD",
        "default_fiat_currency": "GBP",
        "notification_channels": ["webhook", "email"],
        "language": "de",
    }
    saved = await customer.client.put("/v1/me/preferences", json=wanted)
    assert saved.status_code == 200, saved.text
    assert (await customer.client.get("/v1/me/preferences")).json() == {
        **wanted,
        "notification_channels": ["email", "webhook"],
    }
    for bad, code in (
        ({**wanted, "display_currency": "XYZ"}, "unknown_currency"),
        ({**wanted, "default_fiat_currency": "USDC"}, "preferences_invalid"),
        ({**wanted, "notification_channels": ["pigeon"]}, "preferences_invalid"),
        ({**wanted, "language": "tlh"}, "preferences_invalid"),
        ({**wanted, "theme": "dark"}, "request_invalid"),
    ):
        r = await customer.client.put("/v1/me/preferences", json=bad)
        assert r.status_code == 422, bad
        assert r.json()["code"] == code
    assert (await customer.client.get("/v1/me/preferences")).json()["language"] == "de"


async def test_export_holds_everything_about_the_caller_and_nothing_else(
    customer: Customer, other_customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("210.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    await other_customer.order(await other_customer.quote("99.00"))

    r = await customer.client.get("/v1/me/export")
    assert r.status_code == 200
    data = r.json()
    assert data["profile"]["email"] == customer.email
    assert len(data["sessions"]) >= 1
    assert [q["source_amount"] for q in data["quotes"]] == ["21000"]
    (exported,) = data["orders"]
    assert exported["id"] == order["id"]
    assert [h["to_state"] for h in exported["history"]][-1] == "completed"
    assert exported["deposits"][0]["status"] == "matched"
    assert exported["payout"]["status"] == "confirmed"
    actions = {a["action"] for a in data["audit"]}
    assert {"user.registered", "auth.login_succeeded", "order.created"} <= actions
    raw = orjson.dumps(data).decode()
    assert "password_hash" not in raw
    assert "$argon2" not in raw
    assert other_customer.email not in raw
    assert other_customer.user_id not in raw


async def test_erasure_round_trip(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order = await customer.order(await customer.quote("130.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    before = (await customer.client.get("/v1/me/export")).json()
    assert before["profile"]["email"] == customer.email

    erased = await customer.client.post("/v1/me/erasure")
    assert erased.status_code == 202
    assert erased.json()["financial_records_retained_until"] > erased.json()["erased_at"]
    # Every session ended; the person can no longer log in.
    assert (await customer.client.get("/v1/me")).status_code == 401
    login = await customer.client.post(
        "/v1/auth/login", json={"email": customer.email, "password": PASSWORD}
    )
    assert login.status_code == 401

    user_id = uuid.UUID(customer.user_id)
    async with sessions() as session:
        user = await session.get(User, user_id)
        assert user is not None
        assert customer.email not in user.email
        assert user.full_name == "erased"
        # The money trail stays: the order, its deposit (with the sender, until retention ends).
        kept = await session.get(Order, uuid.UUID(order["id"]))
        assert kept is not None
        assert kept.state == "completed"
        actions = list(
            await session.scalars(
                select(AuditRecord.action).where(AuditRecord.entity_id == customer.user_id)
            )
        )
    assert "user.erased" in actions
    deposits = before["orders"][0]["deposits"]
    assert deposits[0]["sender_name"] == "Test Customer"

    # Retention over: the bank details go too.
    async with unit_of_work(sessions) as session:
        changed = await purge_expired(
            session, retention=timedelta(0), now=datetime.now(UTC) + timedelta(seconds=1)
        )
    assert changed >= 1
    async with sessions() as session:
        senders = set(
            (
                await session.execute(
                    select(
                        Deposit.sender_name.sealed_column,
                        Deposit.sender_iban.sealed_column,
                        Deposit.sender_iban.index_column,
                    ).where(Deposit.order_id == uuid.UUID(order["id"]))
                )
            ).all()
        )
    assert senders == {(None, None, None)}

    # The email address is free again.
    again = await customer.client.post(
        "/v1/auth/register",
        json={"email": customer.email, "password": PASSWORD, "full_name": "New Person"},
    )
    assert again.status_code == 201
