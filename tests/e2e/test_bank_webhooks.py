"""Bank webhooks: signed, stored once, matched by reference, never silently dropped."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import orjson
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import BankNotification, Deposit
from onramp.banking.references.creditor_reference import (
    format_creditor_reference,
    make_creditor_reference,
)
from onramp.devstack.bank_sandbox import sign_payload
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay, wait_delivered


async def _deposits_for(session: AsyncSession, reference_text: str) -> list[Deposit]:
    rows = await session.scalars(select(Deposit).where(Deposit.reference_text == reference_text))
    return list(rows.all())


async def _suspense(session: AsyncSession) -> int:
    value = await session.scalar(
        text("SELECT balance FROM ledger_accounts WHERE code = 'suspense:EUR'")
    )
    return int(value or 0)


async def test_redelivered_webhook_books_one_deposit_and_one_payout(
    customer: Customer, bank: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order = await customer.order(await customer.quote("150.00"))
    transfer = await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    redelivered = await bank.post(f"/transfers/{transfer['id']}/redeliver")
    assert redelivered.status_code == 202
    await wait_delivered(bank, transfer["id"], count=2)
    async with sessions() as session:
        deposits = await _deposits_for(session, order["deposit_instructions"]["reference"])
    assert len(deposits) == 1
    final = await customer.get_order(order["id"])
    assert final["state"] == "completed"
    assert [h["to_state"] for h in final["history"]].count("completed") == 1


async def test_bad_signature_is_refused_and_nothing_is_stored(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    forged_entry = "forged-" + uuid.uuid4().hex
    body = orjson.dumps(
        {
            "id": "evt_" + uuid.uuid4().hex,
            "type": "credit_transfer.booked",
            "created_at": "2026-01-01T00:00:00Z",
            "data": {
                "entry_id": forged_entry,
                "amount": "5000.00",
                "currency": "EUR",
                "reference": "RF18539007547034",
                "sender_name": "Mallory",
                "sender_iban": "GB33BUKB20201555555555",
                "account_iban": stack.settings.banking.treasury_iban,
                "booked_at": "2026-01-01T00:00:00Z",
            },
        }
    )
    async with sessions() as session:
        before = await session.scalar(select(func.count()).select_from(BankNotification))
    now = int(time.time())
    cases = {
        "wrong secret": sign_payload(b"not-the-secret", now, body),
        "stale": sign_payload(
            stack.settings.banking.webhook_secret.get_secret_value().encode(), now - 3600, body
        ),
        "garbage": "t=abc,v1=zz",
    }
    async with httpx.AsyncClient(base_url=stack.api_url) as client:
        for name, signature in cases.items():
            r = await client.post(
                "/v1/webhooks/bank/sandbox",
                content=body,
                headers={"Sandbank-Signature": signature, "Content-Type": "application/json"},
            )
            assert r.status_code == 401, name
            assert r.json()["code"] == "webhook_signature_invalid"
        missing = await client.post("/v1/webhooks/bank/sandbox", content=body)
        assert missing.status_code == 401
        unknown = await client.post("/v1/webhooks/bank/no-such-bank", content=body)
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "unknown_bank"
    async with sessions() as session:
        after = await session.scalar(select(func.count()).select_from(BankNotification))
        forged = await session.scalar(
            select(func.count()).select_from(Deposit).where(Deposit.bank_entry_id == forged_entry)
        )
    assert after == before
    assert forged == 0


async def test_unknown_reference_goes_to_suspense_and_stays_visible(
    stack: Stack, bank: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reference = format_creditor_reference(make_creditor_reference(uuid.uuid4().hex[:12].upper()))
    async with sessions() as session:
        suspense_before = await _suspense(session)
    transfer = await bank.post(
        "/transfers",
        json={
            "amount": "77.00",
            "currency": "EUR",
            "reference": reference,
            "sender_name": "Stranger",
            "sender_iban": "GB33BUKB20201555555555",
        },
    )
    assert transfer.status_code == 202
    deadline = time.monotonic() + 15
    while True:
        async with sessions() as session:
            deposits = await _deposits_for(session, reference)
            if deposits and deposits[0].status != "received":
                suspense_after = await _suspense(session)
                break
        assert time.monotonic() < deadline, "deposit not processed"
        await asyncio.sleep(0.05)
    assert deposits[0].status == "unmatched"
    assert deposits[0].unmatched_reason == "unknown_reference"
    assert suspense_after - suspense_before == -7700  # credited: liabilities are negative


async def test_a_signed_notification_outside_the_input_rule_is_refused_and_nothing_is_stored(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """NUL reached PostgreSQL (text and jsonb refuse it) and an over-long reference overflowed
    its column: both were a 500, retried by the bank for as long as it retries."""
    secret = stack.settings.banking.webhook_secret.get_secret_value().encode()
    entries = {"nul": "nul-" + uuid.uuid4().hex, "long": "long-" + uuid.uuid4().hex}
    data = {
        "amount": "10.00",
        "currency": "EUR",
        "sender_iban": "GB33BUKB20201555555555",
        "account_iban": stack.settings.banking.treasury_iban,
        "booked_at": "2026-01-01T00:00:00Z",
    }
    bodies = {
        "nul": {**data, "entry_id": entries["nul"], "reference": "RF18", "sender_name": "A\0B"},
        "long": {**data, "entry_id": entries["long"], "reference": "x" * 4001, "sender_name": "B"},
    }
    async with sessions() as session:
        before = await session.scalar(select(func.count()).select_from(BankNotification))
    async with httpx.AsyncClient(base_url=stack.api_url) as client:
        for name, fields in bodies.items():
            body = orjson.dumps(
                {
                    "id": f"evt-{entries[name]}",
                    "type": "credit_transfer.booked",
                    "created_at": "2026-01-01T00:00:00Z",
                    "data": fields,
                }
            )
            r = await client.post(
                "/v1/webhooks/bank/sandbox",
                content=body,
                headers={
                    "Sandbank-Signature": sign_payload(secret, int(time.time()), body),
                    "Content-Type": "application/json",
                },
            )
            assert r.status_code == 422, (name, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "bank_notification_malformed", name
    async with sessions() as session:
        after = await session.scalar(select(func.count()).select_from(BankNotification))
        stored = await session.scalar(
            select(func.count())
            .select_from(Deposit)
            .where(Deposit.bank_entry_id.in_(entries.values()))
        )
    assert after == before
    assert stored == 0
