"""Saved bank accounts: the holder checked against the KYC name when added, and verified by
micro-deposits the customer reads on their statement (the bank sandbox's payments list)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.banking.accounts import customer_accounts
from onramp.banking.accounts.account_numbers import parse_iban
from onramp.banking.models import MicroDepositChallenge
from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.kyc.models import KycCase
from onramp.ledger import balance_of, expense_account
from onramp.ledger.models import JournalEntry
from tests.e2e.conftest import person_of_tier
from tests.e2e.mfa_people import Person, enrol


async def me(person: Person) -> uuid.UUID:
    return uuid.UUID((await person.client.get("/v1/me")).json()["id"])


async def name_kyc(
    sessions: async_sessionmaker[AsyncSession], customer_id: uuid.UUID, given: str, surname: str
) -> None:
    """The customer's approved KYC case carries their verified name (as the vendor sets it)."""
    async with unit_of_work(sessions) as session:
        for case in await session.scalars(
            select(KycCase).where(KycCase.customer_id == customer_id)
        ):
            case.given_names, case.surname = given, surname


async def saved(
    sessions: async_sessionmaker[AsyncSession], person: Person, holder: str, iban: str
) -> str:
    """Saved through the service (the step-up route itself: test_kyc_name_is_scored_at_add)."""
    async with unit_of_work(sessions) as session:
        account = await customer_accounts.add_bank_account(
            session,
            customer_id=await me(person),
            holder_name=holder,
            account=parse_iban(iban),
            currency="EUR",
            now=person.clock.now(),
        )
        return str(account.id)


async def statement(bank: httpx.AsyncClient, iban: str, count: int = 2) -> list[str]:
    """The amounts booked to ``iban``, as the customer reads them on their statement."""
    deadline = time.monotonic() + 30
    while True:
        payments = (await bank.get("/payments", params={"creditor_account": iban})).json()
        booked = [p for p in payments["data"] if p["status"] == "booked"]
        if len(booked) >= count:
            assert all(p["reference"] == "onramp account verification" for p in booked)
            return [p["amount"] for p in booked[-count:]]
        assert time.monotonic() < deadline, f"micro-deposits not booked: {payments}"
        await asyncio.sleep(0.05)


async def account(person: Person, account_id: str) -> dict[str, Any]:
    response = await person.client.get(f"/v1/me/bank-accounts/{account_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_sent(person: Person, account_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        shown = await account(person, account_id)
        if shown["micro_deposits"]["status"] == "sent":
            return shown
        assert time.monotonic() < deadline, shown
        await asyncio.sleep(0.05)


async def confirm(person: Person, account_id: str, amounts: list[str]) -> httpx.Response:
    return await person.client.post(
        f"/v1/me/bank-accounts/{account_id}/micro-deposits/confirm", json={"amounts": amounts}
    )


async def request(person: Person, account_id: str) -> httpx.Response:
    return await person.client.post(f"/v1/me/bank-accounts/{account_id}/micro-deposits")


async def relogin(person: Person) -> None:
    """After the clock moved past the access token's life."""
    person.use((await person.login()).json())


async def test_kyc_name_is_scored_at_add(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer_id = await me(person)
    await name_kyc(sessions, customer_id, "Mira", "Mustermann")
    await enrol(person)
    same = await person.client.post(
        "/v1/me/bank-accounts",
        json={"holder_name": "MUSTERMANN, Mira", "currency": "EUR", "iban": "BE68539007547034"},
    )
    assert same.status_code == 201, same.text
    assert same.json()["status"] == "unverified"
    assert same.json()["holder_matches_kyc"] is True
    assert same.json()["kyc_name_score"] >= 85

    other = await person.client.post(
        "/v1/me/bank-accounts",
        json={"holder_name": "Acme Trading Ltd", "currency": "EUR", "iban": "NL91ABNA0417164300"},
    )
    assert other.status_code == 201, other.text  # saved, but under review
    shown = await account(person, other.json()["id"])
    assert (shown["status"], shown["holder_matches_kyc"]) == ("name_mismatch", False)
    assert shown["kyc_name_score"] < 85
    refused = await request(person, other.json()["id"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "bank_account_name_mismatch"

    async with sessions() as session:
        checks = (
            await session.scalars(
                select(AuditRecord).where(
                    AuditRecord.action == "bank_account.kyc_name_checked",
                    AuditRecord.entity_id == str(customer_id),
                )
            )
        ).all()
    outcomes = {c.data["bank_account_id"]: c.data["matches"] for c in checks}
    assert outcomes == {same.json()["id"]: True, other.json()["id"]: False}
    assert all("Mira" not in str(c.data) for c in checks)  # scores and ids, no names


async def test_without_a_kyc_name_the_holder_is_not_checked(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    account_id = await saved(sessions, person, "Anyone At All", "AT611904300234573201")
    shown = await account(person, account_id)
    assert (shown["status"], shown["holder_matches_kyc"], shown["kyc_name_score"]) == (
        "unverified",
        None,
        None,
    )
    assert shown["micro_deposits"] is None


async def test_micro_deposits_read_from_the_statement_verify_the_account(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    iban = "ES9121000418450200051332"
    account_id = await saved(sessions, person, "Mira Mustermann", iban)
    expense = expense_account("micro_deposits", "EUR")
    async with sessions() as session:
        spent_before = await balance_of(session, expense)

    requested = await request(person, account_id)
    assert requested.status_code == 202, requested.text
    assert requested.json()["micro_deposits"]["status"] in ("requested", "sent")
    assert requested.json()["micro_deposits"]["attempts_left"] == 3
    again = await request(person, account_id)
    assert (again.status_code, again.json()["code"]) == (409, "micro_deposits_in_progress")

    amounts = await statement(bank, iban)
    assert all("0.01" <= a <= "0.99" and len(a) == 4 for a in amounts), amounts
    await wait_sent(person, account_id)

    # What they cost is booked as the operator's expense, against the treasury bank account.
    async with sessions() as session:
        challenge = await session.scalar(
            select(MicroDepositChallenge).where(
                MicroDepositChallenge.bank_account_id == uuid.UUID(account_id)
            )
        )
        assert challenge is not None
        ciphertext = getattr(challenge, MicroDepositChallenge.amounts.sealed_key)
        assert isinstance(ciphertext, bytes)
        cents = sorted(int(a.replace(".", "")) for a in amounts)
        plain = ",".join(str(c) for c in cents).encode()
        assert plain not in ciphertext  # sealed, not in clear
        booked = await session.scalar(
            select(JournalEntry).where(
                JournalEntry.kind == "micro_deposits", JournalEntry.reference == str(challenge.id)
            )
        )
        assert booked is not None
        spent = await balance_of(session, expense)
    assert spent.minor - spent_before.minor == sum(cents)

    confirmed = await confirm(person, account_id, list(reversed(amounts)))  # any order
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert (body["status"], body["micro_deposits"]["status"]) == ("verified", "confirmed")
    assert body["verified_at"] is not None
    twice = await confirm(person, account_id, amounts)
    assert (twice.status_code, twice.json()["code"]) == (409, "bank_account_already_verified")
    more = await request(person, account_id)
    assert (more.status_code, more.json()["code"]) == (409, "bank_account_already_verified")


async def test_wrong_amounts_count_then_lock_until_the_cool_down(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    iban = "CH9300762011623852957"
    account_id = await saved(sessions, person, "Mira Mustermann", iban)
    early = await confirm(person, account_id, ["0.10", "0.20"])
    assert (early.status_code, early.json()["code"]) == (409, "micro_deposits_not_requested")
    assert (await request(person, account_id)).status_code == 202
    amounts = await statement(bank, iban)
    await wait_sent(person, account_id)

    for bad, code in (
        (["abc", "0.10"], "invalid_amount"),
        (["0.101", "0.10"], "amount_too_precise"),
    ):
        refused = await confirm(person, account_id, bad)
        assert (refused.status_code, refused.json()["code"]) == (422, code), refused.text
    one = await confirm(person, account_id, ["0.10"])
    assert one.status_code == 422
    assert (await account(person, account_id))["micro_deposits"]["attempts_left"] == 3

    for left in (2, 1):
        wrong = await confirm(person, account_id, ["1.00", "2.00"])  # never drawn
        assert wrong.status_code == 422, wrong.text
        assert (wrong.json()["code"], wrong.json()["attempts_left"]) == (
            "micro_deposits_mismatch",
            left,
        )
    last = await confirm(person, account_id, ["1.00", "2.00"])
    assert (last.status_code, last.json()["code"]) == (409, "micro_deposits_locked")
    assert int(last.headers["Retry-After"]) == 24 * 3600
    right = await confirm(person, account_id, amounts)  # too late: locked
    assert (right.status_code, right.json()["code"]) == (409, "micro_deposits_locked")
    shown = await account(person, account_id)
    assert (shown["status"], shown["micro_deposits"]["status"]) == ("unverified", "locked")
    assert shown["micro_deposits"]["attempts_left"] == 0

    soon = await request(person, account_id)
    assert (soon.status_code, soon.json()["code"]) == (409, "micro_deposits_locked")
    assert int(soon.headers["Retry-After"]) == 24 * 3600
    person.clock.set(person.clock.now() + timedelta(hours=24))
    await relogin(person)
    renewed = await request(person, account_id)
    assert renewed.status_code == 202, renewed.text
    assert renewed.json()["micro_deposits"]["attempts_left"] == 3

    async with sessions() as session:
        actions = (
            await session.scalars(
                select(AuditRecord.action)
                .where(AuditRecord.action.like("bank_account.micro_deposits_%"))
                .where(AuditRecord.data["bank_account_id"].astext == account_id)
                .order_by(AuditRecord.id)
            )
        ).all()
    assert [a.removeprefix("bank_account.micro_deposits_") for a in actions][:6] == [
        "requested",
        "sent",
        "mismatch",
        "mismatch",
        "locked",
        "requested",
    ]


async def test_an_expired_challenge_cannot_be_answered_and_can_be_replaced(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    iban = "FR1420041010050500013M02606"
    account_id = await saved(sessions, person, "Mira Mustermann", iban)
    assert (await request(person, account_id)).status_code == 202
    amounts = await statement(bank, iban)
    await wait_sent(person, account_id)

    person.clock.set(person.clock.now() + timedelta(days=7))
    await relogin(person)
    late = await confirm(person, account_id, amounts)
    assert (late.status_code, late.json()["code"]) == (409, "micro_deposits_expired")
    assert (await account(person, account_id))["micro_deposits"]["status"] == "expired"
    renewed = await request(person, account_id)
    assert renewed.status_code == 202, renewed.text
    fresh = await statement(bank, iban, count=4)
    await wait_sent(person, account_id)
    confirmed = await confirm(person, account_id, fresh[-2:])
    assert confirmed.json()["status"] == "verified", confirmed.text


async def test_another_customers_account_is_not_found(
    infra: Stack,
    engine: AsyncEngine,
    person: Person,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    account_id = await saved(sessions, person, "Mira Mustermann", "IT60X0542811101000000123456")
    async with person_of_tier(infra, engine, sessions, 2) as stranger:
        for response in (
            await request(stranger, account_id),
            await confirm(stranger, account_id, ["0.10", "0.20"]),
            await stranger.client.get(f"/v1/me/bank-accounts/{account_id}"),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "bank_account_not_found"
    async with sessions() as session:
        assert (
            await session.scalar(
                select(MicroDepositChallenge).where(
                    MicroDepositChallenge.bank_account_id == uuid.UUID(account_id)
                )
            )
        ) is None
