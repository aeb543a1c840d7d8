"""Where money goes: a customer's bank accounts and payout wallets. Adding either needs a fresh
second factor; bad details are refused and change nothing; the database holds no plaintext."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.mfa_people import Person, enrol

IBAN = "DE89 3704 0044 0532 0130 00"
WALLET = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


async def _add_account(person: Person, **body: Any) -> httpx.Response:
    return await person.client.post(
        "/v1/me/bank-accounts",
        json={"holder_name": "Mira Mustermann", "currency": "EUR", **body},
    )


async def test_adding_a_bank_account_needs_mfa_then_a_fresh_step_up(person: Person) -> None:
    without = await _add_account(person, iban=IBAN)
    assert without.status_code == 403
    assert without.json()["code"] == "mfa_enrollment_required"
    await enrol(person)  # confirming proves the factor in this session
    added = await _add_account(person, iban=IBAN, bic="COBADEFFXXX")
    assert added.status_code == 201, added.text
    account = added.json()
    assert account["account_number_masked"] == "DE89 •••• 3000"
    assert (account["scheme"], account["status"], account["bank_code"]) == (
        "iban",
        "unverified",
        "COBADEFFXXX",
    )
    again = await _add_account(person, iban=IBAN.replace(" ", "").lower())
    assert again.status_code == 409
    assert again.json()["code"] == "bank_account_exists"

    person.clock.set(person.clock.now() + timedelta(minutes=6))
    stale = await _add_account(person, routing_number="021000021", account_number="123456789")
    assert stale.json()["code"] == "step_up_required"
    stepped = await person.client.post("/v1/auth/step-up", json={"code": person.code()})
    assert stepped.status_code == 204
    us = await _add_account(
        person, currency="USD", routing_number="021000021", account_number="123456789"
    )
    assert us.status_code == 201, us.text
    assert us.json()["account_number_masked"] == "•••• 6789"

    listed = (await person.client.get("/v1/me/bank-accounts")).json()["data"]
    assert [a["id"] for a in listed] == [us.json()["id"], account["id"]]  # newest first
    one = await person.client.get(f"/v1/me/bank-accounts/{account['id']}")
    assert one.json()["holder_name"] == "Mira Mustermann"
    removed = await person.client.delete(f"/v1/me/bank-accounts/{account['id']}")
    assert removed.status_code == 204
    gone = await person.client.get(f"/v1/me/bank-accounts/{account['id']}")
    assert gone.status_code == 404
    assert gone.json()["code"] == "bank_account_not_found"


async def test_bad_bank_details_are_refused_and_nothing_is_stored(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enrol(person)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"iban": "DE89370400440532013001"}, "bank_account_invalid"),  # check digits
        ({"iban": "XX89370400440532013000"}, "bank_account_invalid"),  # no such country
        ({"iban": IBAN, "bic": "BNPAFRPPXXX"}, "bank_account_invalid"),  # French BIC
        ({"routing_number": "021000022", "account_number": "1234"}, "bank_account_invalid"),
        ({"routing_number": "021000021", "account_number": "12"}, "bank_account_invalid"),
        ({"iban": IBAN, "routing_number": "021000021"}, "bank_account_invalid"),
        ({}, "bank_account_invalid"),
        ({"iban": IBAN, "currency": "USDC"}, "unknown_currency"),
        ({"iban": IBAN, "currency": "XYZ"}, "unknown_currency"),
    ]
    for body, code in bad:
        r = await _add_account(person, **body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == code, body
    me = (await person.client.get("/v1/me")).json()
    async with sessions() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM bank_accounts WHERE customer_id = :id"),
            {"id": uuid.UUID(me["id"])},
        )
    assert count == 0


async def test_bank_account_details_are_sealed_at_rest(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enrol(person)
    account = (await _add_account(person, iban=IBAN)).json()
    async with sessions() as session:
        row = (
            await session.execute(
                text("SELECT * FROM bank_accounts WHERE id = :id"), {"id": uuid.UUID(account["id"])}
            )
        ).one()
    raw = b" ".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)
    assert b"DE89370400440532013000" not in raw
    assert b"Mustermann" not in raw
    assert row.last4 == "3000"


async def _order(person: Person, **extra: Any) -> httpx.Response:
    quote = (
        await person.client.post(
            "/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"}
        )
    ).json()
    return await person.client.post(
        "/v1/orders",
        json={
            "quote_id": quote["id"],
            "source_currency": "EUR",
            "source_amount": "100.00",
            **extra,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


async def test_orders_pay_only_the_own_wallet_or_a_saved_one(person: Person) -> None:
    unsaved = await _order(person, destination_address=WALLET)
    assert unsaved.status_code == 422
    assert unsaved.json()["code"] == "destination_not_in_address_book"
    own = await _order(person)
    assert own.status_code == 201
    again_own = await _order(person, destination_address=own.json()["destination_address"])
    assert again_own.status_code == 201  # naming one's own wallet is always fine

    denied = await person.client.post("/v1/me/wallets", json={"label": "cold", "address": WALLET})
    assert denied.json()["code"] == "mfa_enrollment_required"
    await enrol(person)
    bad = await person.client.post(
        "/v1/me/wallets", json={"label": "typo", "address": WALLET.replace("C8", "c8")}
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_address"
    saved = await person.client.post(
        "/v1/me/wallets", json={"label": "cold", "address": WALLET.lower()}
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["address"] == WALLET  # stored checksummed
    duplicate = await person.client.post(
        "/v1/me/wallets", json={"label": "again", "address": WALLET}
    )
    assert duplicate.json()["code"] == "wallet_exists"

    paid = await _order(person, destination_address=WALLET)
    assert paid.status_code == 201, paid.text
    assert paid.json()["destination_address"] == WALLET

    wallet_id = saved.json()["id"]
    assert (await person.client.delete(f"/v1/me/wallets/{wallet_id}")).status_code == 204
    after = await _order(person, destination_address=WALLET)
    assert after.json()["code"] == "destination_not_in_address_book"
    assert (await person.client.get("/v1/me/wallets")).json()["data"] == []


async def test_the_export_has_the_saved_accounts_and_wallets(person: Person) -> None:
    await enrol(person)
    await _add_account(person, iban=IBAN)
    await person.client.post("/v1/me/wallets", json={"label": "cold", "address": WALLET})
    export = (await person.client.get("/v1/me/export")).json()
    (account,) = export["bank_accounts"]
    assert (account["account_number"], account["holder_name"]) == (
        "DE89370400440532013000",
        "Mira Mustermann",
    )
    assert "account_number_sealed" not in account
    assert [w["address"] for w in export["wallets"]] == [WALLET]
