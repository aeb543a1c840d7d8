"""Whose money funds an order: a deposit from a saved account whose holder is not the customer,
or from someone else's account (third-party funding), holds the order with a compliance alert;
the customer's own money passes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import orders
from onramp.banking.accounts import customer_accounts
from onramp.banking.accounts.account_numbers import parse_iban
from onramp.compliance.cases import ComplianceAlert
from onramp.core.audit import AuditRecord
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_micro_deposits import name_kyc


async def _known_as(
    sessions: async_sessionmaker[AsyncSession], customer: Customer, given: str, surname: str
) -> None:
    await name_kyc(sessions, uuid.UUID(customer.user_id), given, surname)


async def _funded(
    customer: Customer, bank: httpx.AsyncClient, state: str, **sender: str
) -> dict[str, Any]:
    order = await customer.order(await customer.quote("20.00"))
    await pay(bank, order, **sender)
    return await customer.wait_for(order["id"], state)


async def _alerts(sessions: async_sessionmaker[AsyncSession], order_id: str) -> list[Any]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ComplianceAlert)
            .where(
                ComplianceAlert.order_id == uuid.UUID(order_id),
                ComplianceAlert.source == "bank_account",
            )
            .order_by(ComplianceAlert.id)
        )
        return list(rows.all())


async def test_a_deposit_from_an_account_saved_in_another_name_is_held(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _known_as(sessions, customer, "Test", "Customer")
    iban = "GB82WEST12345698765432"
    async with unit_of_work(sessions) as session:
        account = await customer_accounts.add_bank_account(
            session,
            customer_id=uuid.UUID(customer.user_id),
            holder_name="Acme Trading Ltd",
            account=parse_iban(iban),
            currency="EUR",
            now=utcnow(),
        )
        assert (account.status, account.holder_matches_kyc) == ("name_mismatch", False)
        account_id = str(account.id)
    order = await _funded(
        customer, bank, "manual_review", sender_name="Acme Trading Ltd", sender_iban=iban
    )
    (alert,) = await _alerts(sessions, order["id"])
    assert (alert.kind, alert.action, alert.subject_type) == (
        "deposit_from_mismatched_account",
        "hold",
        "order",
    )
    assert alert.evidence["bank_account_ids"] == [account_id]
    assert alert.evidence["kyc_name_score"] < 85
    assert "Acme" not in str(alert.evidence)  # codes, scores and ids only
    shown = (await customer.client.get(f"/v1/me/bank-accounts/{account_id}")).json()
    assert shown["status"] == "name_mismatch"  # the deposit in the holder's name does not clear it


async def test_third_party_funding_is_held(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _known_as(sessions, customer, "Test", "Customer")
    order = await _funded(
        customer,
        bank,
        "manual_review",
        sender_name="Mallory Stranger",
        sender_iban="NL91ABNA0417164300",
    )
    (alert,) = await _alerts(sessions, order["id"])
    assert (alert.kind, alert.action) == ("third_party_funding", "hold")
    assert alert.evidence["bank_account_ids"] == []
    assert alert.evidence["sender_score"] < 85
    async with sessions() as session:
        history = await orders.history_of(session, uuid.UUID(order["id"]))
    held = [h for h in history if h.to_state == "manual_review"]
    assert "third-party funding" in (held[0].reason or "")


async def test_the_customers_own_money_from_an_unsaved_account_passes(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _known_as(sessions, customer, "Test", "Customer")
    # Banks often write SURNAME, Given; the account was never saved, and is not saved now.
    order = await _funded(
        customer,
        bank,
        "completed",
        sender_name="CUSTOMER, Test",
        sender_iban="BE68539007547034",
    )
    assert await _alerts(sessions, order["id"]) == []
    async with sessions() as session:
        priced = await session.scalar(
            select(AuditRecord.data).where(
                AuditRecord.entity_id == order["id"], AuditRecord.action == "order.priced"
            )
        )
    assert priced is not None
    assert "funding source: sender matches the KYC name" in priced["screening"]
    listed = (await customer.client.get("/v1/me/bank-accounts")).json()["data"]
    assert listed == []
