"""A saved bank account is verified by the first matched deposit that came from it, when the
bank's sender name matches the holder; another name marks it for review."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.accounts import customer_accounts
from onramp.banking.accounts.account_numbers import parse_iban
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay

SENDER_IBAN = "GB33BUKB20201555555555"  # what pay() has the sandbox bank send


async def _save(
    sessions: async_sessionmaker[AsyncSession], customer: Customer, holder: str, iban: str
) -> str:
    async with unit_of_work(sessions) as session:  # the step-up route: test_payment_details
        account = await customer_accounts.add_bank_account(
            session,
            customer_id=uuid.UUID(customer.user_id),
            holder_name=holder,
            account=parse_iban(iban),
            currency="EUR",
            now=utcnow(),
        )
        return str(account.id)


async def _pay_and_settle(customer: Customer, bank: httpx.AsyncClient) -> dict[str, object]:
    order = await customer.order(await customer.quote("20.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    return order


async def test_a_deposit_in_the_holders_name_verifies_the_account(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The sandbox bank writes the sender as "Test Customer"; banks often write it reversed.
    account_id = await _save(sessions, customer, "CUSTOMER, Test", SENDER_IBAN)
    other_id = await _save(sessions, customer, "Test Customer", "DE89370400440532013000")
    await _pay_and_settle(customer, bank)
    accounts = {
        a["id"]: a for a in (await customer.client.get("/v1/me/bank-accounts")).json()["data"]
    }
    verified = accounts[account_id]
    assert verified["status"] == "verified"
    assert verified["verified_at"] is not None
    assert verified["holder_name_score"] >= 85
    assert accounts[other_id]["status"] == "unverified"  # nothing came from it


async def test_a_deposit_in_another_name_puts_the_account_under_review(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    account_id = await _save(sessions, customer, "Acme Trading Ltd", SENDER_IBAN)
    await _pay_and_settle(customer, bank)
    account = (await customer.client.get(f"/v1/me/bank-accounts/{account_id}")).json()
    assert account["status"] == "name_mismatch"
    assert account["verified_at"] is None
    assert account["holder_name_score"] < 85
