"""The running stack's orders worker monitors: a transfer from a FATF call-for-action
jurisdiction (the sender IBAN's country) holds the order, with the alert in the customer's case."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import ComplianceAlert
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, bank, customer

__all__ = ["bank", "customer"]  # the e2e fixtures, used here


async def test_a_transfer_from_a_call_for_action_country_is_held(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order = await customer.order(await customer.quote("100.00"))
    instructions = order["deposit_instructions"]
    sent = await bank.post(
        "/transfers",
        json={
            "amount": instructions["amount"],
            "currency": instructions["currency"],
            "reference": instructions["reference"],
            "sender_name": "Test Customer",
            "sender_iban": "IR062960000000100324200001",
        },
    )
    assert sent.status_code == 202, sent.text

    held = await customer.wait_for(order["id"], "manual_review")

    assert held["state"] == "manual_review"
    async with sessions() as session:
        alerts = (
            await session.scalars(
                select(ComplianceAlert).where(
                    ComplianceAlert.customer_id == uuid.UUID(customer.user_id)
                )
            )
        ).all()
    assert [(a.source, a.kind, a.action, a.order_id) for a in alerts] == [
        ("monitoring", "fatf-call-for-action", "hold", uuid.UUID(order["id"]))
    ]
    assert alerts[0].evidence["figures"]["countries"] == ["IR"]
