"""Personal data at rest: the users table holds no plaintext, and lookups by email still work."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import Deposit
from onramp.core.crypto import DecryptionFailed
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.models import User
from tests.e2e.conftest import PASSWORD, Customer, pay


def _as_text(value: Any) -> str:
    """A raw column as the characters anyone with the database could search for."""
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return raw.decode("latin-1") + raw.hex()
    return str(value)


async def test_the_users_rows_hold_no_plaintext_email_or_name(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    email = f"Plain.Text.{uuid.uuid4().hex}@Example.com"
    name = f"Grace Hopper {uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        registered = await client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": name}
        )
        assert registered.status_code == 201, registered.text
        # Login by email works, in any case and with stray spaces (the blind index is
        # computed over the normalised address).
        login = await client.post(
            "/v1/auth/login", json={"email": f"  {email.lower()} ", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        again = await client.post(
            "/v1/auth/register",
            json={"email": email.upper(), "password": PASSWORD, "full_name": "Someone Else"},
        )
        assert again.status_code == 409
        assert again.json()["code"] == "email_taken"

    user_id = uuid.UUID(registered.json()["id"])
    async with unit_of_work(sessions) as session:
        row = (
            (await session.execute(text("SELECT * FROM users WHERE id = :id"), {"id": user_id}))
            .mappings()
            .one()
        )
        throttles = (await session.execute(text("SELECT key FROM login_throttles"))).all()
    stored = " ".join(_as_text(v) for v in row.values())
    for secret in (email, email.lower(), name, name.split()[-1], email.split("@")[0].lower()):
        assert secret not in stored
        assert secret.encode().hex() not in stored
    assert "email" not in row
    assert "full_name" not in row
    assert {"email_sealed", "email_index", "full_name_sealed"} <= row.keys()
    assert all(email.lower() not in _as_text(k) for (k,) in throttles)


async def test_a_sealed_value_copied_into_another_row_does_not_open(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ids = []
    async with unit_of_work(sessions) as session:
        for name in ("Alice", "Mallory"):
            user = User(id=uuid.uuid4(), password_hash="!", role="customer")
            user.email, user.full_name = f"{name.lower()}.{uuid.uuid4().hex}@example.com", name
            session.add(user)
            ids.append(user.id)
    alice, mallory = ids
    async with unit_of_work(sessions) as session:
        await session.execute(
            text(
                "UPDATE users SET full_name_sealed = "
                "(SELECT full_name_sealed FROM users WHERE id = :alice) WHERE id = :mallory"
            ),
            {"alice": alice, "mallory": mallory},
        )
    async with unit_of_work(sessions) as session:
        moved = await session.get(User, mallory)
        assert moved is not None
        with pytest.raises(DecryptionFailed):
            _ = moved.full_name


async def test_a_deposits_sender_is_sealed_and_its_iban_indexed(
    customer: Customer, bank: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order = await customer.order(await customer.quote("50.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    async with sessions() as session:
        row = (
            (
                await session.execute(
                    text("SELECT * FROM deposits WHERE order_id = :id"),
                    {"id": uuid.UUID(order["id"])},
                )
            )
            .mappings()
            .one()
        )
        matched = await session.scalar(
            select(func.count())
            .select_from(Deposit)
            .where(
                Deposit.sender_iban.index_column
                == Deposit.sender_iban.index_of("GB33BUKB20201555555555"),
                Deposit.order_id == uuid.UUID(order["id"]),
            )
        )
    stored = " ".join(_as_text(v) for v in row.values())
    for secret in ("Test Customer", "GB33BUKB20201555555555"):
        assert secret not in stored
    assert "sender_name" not in row
    assert matched == 1  # found by the blind index, nothing decrypted
