"""A deposit whose sender is a spelling variant of a listed person ("Roman Semyonov" for SDN entry
44718 "Semenov, Roman"): the order is held, and the customer's compliance case holds the alert
with the list entry and score."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import compliance, orders
from onramp.compliance.cases import ComplianceAlert, ComplianceCase
from onramp.core.db import unit_of_work
from tests.e2e.conftest import Customer

SUBSET = Path(__file__).resolve().parents[1] / "data" / "ofac" / "sdn_advanced_subset.xml"


async def test_a_sanctioned_name_variant_is_blocked_and_a_case_opened(
    customer: Customer, bank: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(sessions) as session:
        await compliance.load_version(session=session, path=SUBSET, actor="test:sanctions")
    order = await customer.order(await customer.quote("150.00"))
    instructions = order["deposit_instructions"]
    booked = await bank.post(
        "/transfers",
        json={
            "amount": instructions["amount"],
            "currency": instructions["currency"],
            "reference": instructions["reference"],
            "sender_name": "Roman Semyonov",
            "sender_iban": "GB33BUKB20201555555555",
        },
    )
    assert booked.status_code == 202, booked.text

    held = await customer.wait_for(order["id"], "manual_review")
    assert held["payout"] is None
    # The customer is not tipped off; staff read the finding in the order's history.
    assert held["history"][-1]["reason"] == "held for a compliance review"
    async with sessions() as session:
        reason = (await orders.history_of(session, uuid.UUID(order["id"])))[-1].reason
    assert reason is not None
    assert "Semenov, Roman" in reason
    assert "44718" in reason

    async with sessions() as session:
        alerts = (
            await session.scalars(
                select(ComplianceAlert).where(ComplianceAlert.order_id == uuid.UUID(order["id"]))
            )
        ).all()
        names = [a for a in alerts if a.kind == "sanctions_name"]
        assert [(a.source, a.severity, a.action) for a in names] == [("screening", "high", "hold")]
        assert names[0].evidence["entry_uid"] == "44718"
        assert names[0].evidence["score"] >= 85
        assert "Semyonov" not in str(names[0].evidence)  # the sender's name is not kept in clear
        case = await session.get_one(ComplianceCase, names[0].case_id)
    assert (case.status, case.severity, str(case.customer_id)) == (
        "open",
        "high",
        customer.user_id,
    )
