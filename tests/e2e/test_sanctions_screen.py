"""The orders saga screens the destination against the loaded sanctions list: an order paying a
listed ETH address is held for manual review, with the list entry in its history."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import compliance, orders
from onramp.compliance.cases import ComplianceAlert, ComplianceCase
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.wallets.models import DestinationWallet
from tests.e2e.conftest import pay, place_order, wait_for_order
from tests.e2e.mfa_people import Person

SUBSET = Path(__file__).resolve().parents[1] / "data" / "ofac" / "sdn_advanced_subset.xml"
SEMENOV_ETH = to_checksum_address("0xdcbeffbecce100cce9e4b153c4e15cb885643193")


async def test_an_order_to_a_sanctioned_address_is_held(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Saved, and the order placed, before the address is listed (a wallet add of a listed
    # address is refused: tests/compliance/test_screening_points.py; a re-screen blocks it).
    me = (await person.client.get("/v1/me")).json()
    async with unit_of_work(sessions) as session:
        session.add(
            DestinationWallet(
                id=uuid7(),
                customer_id=uuid.UUID(me["id"]),
                label="listed",
                address=SEMENOV_ETH,
                created_at=person.clock.now(),
            )
        )
    created = await place_order(person.client, "100.00", SEMENOV_ETH)
    assert created.status_code == 201, created.text
    order = created.json()

    # The stack's orders worker screens against the latest version in this database.
    async with unit_of_work(sessions) as session:
        await compliance.load_version(session=session, path=SUBSET, actor="test:sanctions")

    await pay(bank, order)
    await wait_for_order(person.client, order["id"], "manual_review")

    async with unit_of_work(sessions) as session:
        history = await orders.history_of(session, uuid.UUID(order["id"]))
    held = history[-1]
    assert held.to_state == "manual_review"
    assert held.reason is not None
    assert "Semenov, Roman" in held.reason
    assert "44718" in held.reason

    # The hit is a high-severity holding alert in the customer's open compliance case.
    async with unit_of_work(sessions) as session:
        alerts = (
            await session.scalars(
                select(ComplianceAlert).where(ComplianceAlert.order_id == uuid.UUID(order["id"]))
            )
        ).all()
        assert [(a.source, a.kind, a.severity, a.action) for a in alerts] == [
            ("screening", "sanctions_address", "high", "hold")
        ]
        assert alerts[0].evidence["entry_uid"] == "44718"
        case = await session.get_one(ComplianceCase, alerts[0].case_id)
        assert (case.status, case.severity, case.customer_id) == (
            "open",
            "high",
            alerts[0].customer_id,
        )
