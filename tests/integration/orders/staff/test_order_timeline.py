"""An order's timeline as staff read it (``GET /v1/admin/orders/{id}``), on an in-process API
and the real database: the audit records about it, the journal entries written for it with
their postings (signed, in the currency's units), its screens, and no pending request while
none was made; a customer may not read it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.models import ScreeningRecord
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.ledger import credit, debit, entry, post_entry
from tests.compliance import conftest as compliance
from tests.compliance.conftest import StaffFactory
from tests.integration.support.test_customers_api import _customer, _name, _order, _quote

pytestmark = pytest.mark.integration

default_desk = compliance.default_desk


async def test_staff_read_the_orders_events_postings_and_screens(
    default_desk: StaffFactory, infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    support = await default_desk("support")
    customer, _ = await _customer(support, infra, _name())
    status, order = await _order(customer, await _quote(customer))
    assert status == 201, order
    other = uuid.uuid4()  # a second customer account: the entry balances, touching no one's
    amount = Money.parse("12.50", "EUR")
    async with unit_of_work(sessions) as session:
        await post_entry(
            session,
            entry(
                "conversion", order["id"],
                debit(f"customer:{customer.user_id}:EUR", amount),
                credit(f"customer:{other}:EUR", amount),
            ),
        )  # fmt: skip
        session.add(
            ScreeningRecord(
                id=uuid7(), point="funding", kind="sanctions_name", subject_type="order",
                subject_id=order["id"], customer_id=uuid.UUID(customer.user_id),
                decision="clear", score=0.0, reason="no entry matched", list_versions=[],
                created_at=datetime.now(UTC),
            )
        )  # fmt: skip

    seen = await support.get(f"/v1/admin/orders/{order['id']}")
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert [e["action"] for e in body["events"]][:1] == ["order.created"]
    assert body["pending_action"] is None
    (posted,) = body["ledger"]
    assert (posted["kind"], posted["reference"]) == ("conversion", order["id"])
    assert [(p["account"], p["amount"]) for p in posted["postings"]] == [
        (f"customer:{customer.user_id}:EUR", "12.50"),
        (f"customer:{other}:EUR", "-12.50"),
    ]
    assert [(s["point"], s["decision"]) for s in body["screenings"]] == [("funding", "clear")]
    refused = await customer.get(f"/v1/admin/orders/{order['id']}")
    assert refused.status_code == 403
