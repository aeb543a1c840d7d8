"""The funnel report on PostgreSQL: customers walked from registration to their first order on
a day of their own (far from every other test's rows) count each step on its day, a customer's
second KYC case or order is not a second start, and the conversion medians are those of the
customers who converted that day; the CSV has the template's columns."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import creditor_reference_for_order
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.settings import Settings
from onramp.fx.models import Quote
from onramp.identity.models import User
from onramp.kyc.models import KycCase
from onramp.orders import Order
from onramp.reports.funnel import FIELDS, funnel_rows
from onramp.reports.period import Period
from onramp.reports.service import funnel_document
from onramp.reports.templates import ReportFormat
from tests.integration.reports.days import at_hour, csv_lines, far_day

pytestmark = pytest.mark.integration


def _user(registered: datetime, verified: datetime | None = None) -> User:
    return User(
        id=uuid7(), email=f"{uuid.uuid4().hex}@funnel.test", full_name="Funnel Test",
        password_hash="x", role="customer", created_at=registered, email_verified_at=verified,
    )  # fmt: skip


def _case(
    customer: uuid.UUID, created: datetime, approved: datetime | None = None,
    status: str = "pending",
) -> KycCase:  # fmt: skip
    """A case; approved (tier 1) at ``approved``, else in ``status`` with no tier granted."""
    return KycCase(
        id=uuid7(), customer_id=customer, tier_requested=1, tier_granted=1 if approved else 0,
        status="approved" if approved else status, vendor="sandbox", attempts=1, reasons=[],
        document_types=[], created_at=created, submitted_at=created,
        reviewed_at=approved or (created if status == "rejected" else None),
    )  # fmt: skip


def _quote(customer: uuid.UUID, at: datetime) -> Quote:
    return Quote(
        id=uuid7(), customer_id=customer, source_currency="EUR", source_amount=100_00,
        target_currency="USDC", target_amount=100_000_000, fee_amount=1_00,
        mid_rate=Decimal("1.1"), rate=Decimal("1.09"), rates_day=at.date().isoformat(),
        created_at=at, expires_at=at + timedelta(seconds=30),
    )  # fmt: skip


def _order(customer: uuid.UUID, at: datetime) -> Order:
    order_id = uuid7()
    return Order(
        id=order_id, customer_id=customer, state="awaiting_funds", source_currency="EUR",
        source_amount=100_00, target_currency="USDC", target_amount=100_000_000,
        fee_amount=1_00, spread_amount=50, destination_address="0x" + "cd" * 20, created_at=at,
        creditor_reference=creditor_reference_for_order(order_id), limit_eur=Decimal("100.00"),
    )  # fmt: skip


def _h(day: date, hours: float) -> datetime:
    return at_hour(day, hours)


async def _walked(sessions: async_sessionmaker[AsyncSession], d: date) -> None:
    """Ann converts on d (registered 8:00, approved 12:00, first order 14:00, another 15:00);
    Bob registers on d and starts KYC twice (rejected, then pending); Cy, registered the day
    before, is approved on d (20 h after registering) and orders on d + 1."""
    ann, bob, cy = (
        _user(_h(d, 8), _h(d, 9)),
        _user(_h(d, 9)),
        _user(_h(d, -4), _h(d, -3)),
    )
    async with unit_of_work(sessions) as session:
        session.add_all([ann, bob, cy])
        await session.flush()
        session.add_all([
            _case(ann.id, _h(d, 10), approved=_h(d, 12)),
            _case(bob.id, _h(d, 11), status="rejected"), _case(bob.id, _h(d, 13)),
            _case(cy.id, _h(d, -2), approved=_h(d, 16)),
            _quote(ann.id, _h(d, 13)), _quote(ann.id, _h(d, 13.5)), _quote(bob.id, _h(d, 14)),
            _order(ann.id, _h(d, 14)), _order(ann.id, _h(d, 15)), _order(cy.id, _h(d, 30)),
        ])  # fmt: skip


async def test_each_step_counts_on_its_day_with_the_conversion_medians(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d = far_day()
    await _walked(sessions, d)

    async with unit_of_work(sessions) as session:
        rows = await funnel_rows(session, period=Period(d - timedelta(days=1), d + timedelta(1)))

    before, on, after = rows
    assert before == {
        "date": (d - timedelta(days=1)).isoformat(), "registered": 1, "email_verified": 1,
        "kyc_started": 1, "kyc_approved": 0, "quotes": 0, "quoting_customers": 0, "orders": 0,
        "first_orders": 0, "median_registered_to_approved_s": "",
        "median_approved_to_first_order_s": "",
    }  # fmt: skip
    assert on == {
        "date": d.isoformat(), "registered": 2, "email_verified": 1, "kyc_started": 2,
        "kyc_approved": 2, "quotes": 3, "quoting_customers": 2, "orders": 2, "first_orders": 1,
        "median_registered_to_approved_s": str(12 * 3600),  # Ann 4 h, Cy 20 h
        "median_approved_to_first_order_s": str(2 * 3600),
    }  # fmt: skip
    assert (after["orders"], after["first_orders"]) == (1, 1)
    assert after["median_approved_to_first_order_s"] == str(14 * 3600)


async def test_the_csv_has_the_templates_columns(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d = far_day()
    await _walked(sessions, d)
    templates = Settings().compliance.report_templates_dir
    async with unit_of_work(sessions) as session:
        document = await funnel_document(
            session, templates=templates, period=Period(d, d), fmt=ReportFormat.CSV, actor="test"
        )
    lines = csv_lines(document)
    assert lines[0] == list(FIELDS)
    assert [line[:3] for line in lines[1:]] == [[d.isoformat(), "2", "1"]]
