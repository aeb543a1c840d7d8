"""The operations report on PostgreSQL: orders walked through their stages on a day of their own
(far from every other test's orders) count each event on its day, sum the volume completed and
the revenue priced, and give the median latency of each stage; the CSV has the template's
columns, one line a day and currency."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import creditor_reference_for_order
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.settings import Settings
from onramp.orders import Order
from onramp.reports.operations import FIELDS, Grain, operations_rows
from onramp.reports.period import Period
from onramp.reports.service import operations_document
from onramp.reports.templates import ReportFormat
from tests.integration.reports.days import at_hour, csv_lines, far_day

pytestmark = pytest.mark.integration


async def _order(
    sessions: async_sessionmaker[AsyncSession], created: datetime, *moves: tuple[str, datetime],
    source: int = 100_00, target: int = 111_000_000, fee: int = 1_00, spread: int = 50,
) -> uuid.UUID:  # fmt: skip
    order_id = uuid7()
    async with unit_of_work(sessions) as session:
        session.add(
            Order(
                id=order_id, customer_id=uuid7(), state=moves[-1][0] if moves else "awaiting_funds",
                source_currency="EUR", source_amount=source, target_currency="USDC",
                target_amount=target, fee_amount=fee, spread_amount=spread,
                destination_address="0x" + "cd" * 20, created_at=created,
                creditor_reference=creditor_reference_for_order(order_id),
                limit_eur=Decimal("100.00"),
            )
        )  # fmt: skip
        await session.flush()
        previous = "awaiting_funds"
        for state, at in moves:
            await session.execute(
                text("INSERT INTO order_transitions (order_id, from_state, to_state, at) "
                     "VALUES (:o, :f, :t, :at)"),
                {"o": order_id, "f": previous, "t": state, "at": at},
            )  # fmt: skip
            previous = state
    return order_id


async def _walked(sessions: async_sessionmaker[AsyncSession], d: date) -> None:
    h = 1 / 3600  # a second
    await _order(
        sessions,
        at_hour(d, 8),
        ("funds_received", at_hour(d, 9)),
        ("screening", at_hour(d, 9)),
        ("priced", at_hour(d, 9 + 30 * h)),
        ("payout_queued", at_hour(d, 9 + 31 * h)),
        ("payout_broadcast", at_hour(d, 9 + 40 * h)),
        ("completed", at_hour(d, 9 + 90 * h)),
    )
    # Completed after midnight: created, funded and priced on d, completed on d + 1.
    await _order(
        sessions,
        at_hour(d, 8),
        ("funds_received", at_hour(d, 22)),
        ("screening", at_hour(d, 22)),
        ("priced", at_hour(d, 22 + 10 * h)),
        ("payout_queued", at_hour(d, 22 + 11 * h)),
        ("payout_broadcast", at_hour(d, 22 + 20 * h)),
        ("completed", at_hour(d, 26)),
    )
    await _order(sessions, at_hour(d, 9), ("expired", at_hour(d, 20)))
    await _order(sessions, at_hour(d, 10), ("funds_received", at_hour(d, 11)),
                 ("screening", at_hour(d, 11)), ("rejected", at_hour(d, 12)))  # fmt: skip


async def test_each_event_counts_on_its_day_with_volume_revenue_and_stage_medians(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d = far_day()
    await _walked(sessions, d)

    async with unit_of_work(sessions) as session:
        rows = await operations_rows(session, period=Period(d, d + timedelta(days=1)))

    first, second = rows
    assert first == {
        "date": d.isoformat(), "currency": "EUR", "created": 4, "funded": 3, "priced": 2,
        "completed": 1, "rejected": 1, "expired": 1, "failed": 0, "volume": "100.00",
        "volume_usdc": "111.000000", "fees": "2.00", "spread": "1.00", "revenue": "3.00",
        "median_to_funded_s": "3600", "median_to_priced_s": "30", "median_to_paid_s": "60",
        "median_funded_to_completed_s": "90",
    }  # fmt: skip
    assert (second["date"], second["created"], second["funded"]) == (
        (d + timedelta(days=1)).isoformat(), 0, 0)  # fmt: skip
    assert (second["completed"], second["volume"], second["revenue"]) == (1, "100.00", "0.00")
    assert second["median_to_funded_s"] == str(14 * 3600)
    assert second["median_funded_to_completed_s"] == str(4 * 3600)


async def test_a_day_with_no_orders_has_no_row_and_the_csv_has_the_templates_columns(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d = far_day()
    await _walked(sessions, d)
    templates = Settings().compliance.report_templates_dir

    async with unit_of_work(sessions) as session:
        empty = await operations_rows(
            session, period=Period(d - timedelta(days=3), d - timedelta(days=1))
        )
        document = await operations_document(
            session, templates=templates, period=Period(d, d), fmt=ReportFormat.CSV, actor="test"
        )

    assert empty == []
    lines = csv_lines(document)
    assert lines[0] == list(FIELDS)
    assert [line[:3] for line in lines[1:]] == [[d.isoformat(), "EUR", "4"]]
    assert document.rows == 1
    assert document.media_type.startswith("text/csv")


async def test_a_month_is_counted_in_sql_not_added_up_from_its_days(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # A month of its own: far_day's range is days, shared by the other tests' months.
    d = date(random.randrange(3000, 9000), random.randrange(1, 13), 14)  # noqa: S311
    await _walked(sessions, d)

    async with unit_of_work(sessions) as session:
        (month,) = await operations_rows(
            session, period=Period(d.replace(day=1), d + timedelta(days=10)), grain=Grain.MONTH
        )

    assert month == {
        "date": d.replace(day=1).isoformat(), "currency": "EUR", "created": 4, "funded": 3,
        "priced": 2, "completed": 2, "rejected": 1, "expired": 1, "failed": 0,
        "volume": "200.00", "volume_usdc": "222.000000", "fees": "2.00", "spread": "1.00",
        "revenue": "3.00",
        # The medians of the month's two completions, not a median of the days' medians.
        "median_to_funded_s": str(round((3600 + 14 * 3600) / 2)),
        "median_to_priced_s": str(round((30 + 10) / 2)),
        "median_to_paid_s": str(round((60 + 4 * 3600 - 10) / 2)),
        "median_funded_to_completed_s": str(round((90 + 4 * 3600) / 2)),
    }  # fmt: skip
