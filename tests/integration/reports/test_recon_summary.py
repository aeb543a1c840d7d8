"""The reconciliation summary on PostgreSQL: runs and breaks on a day of their own give the
day's runs and what its last run matched, the breaks opened, cleared and resolved each day by
type, and what is still open at each day's end (counted against the rows the database held
before: other tests' breaks may be open at any far day's end)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.settings import Settings
from onramp.recon import ReconBreak, ReconRun
from onramp.reports.period import Period
from onramp.reports.recon_summary import FIELDS, recon_summary_rows
from onramp.reports.service import recon_summary_document
from onramp.reports.templates import ReportFormat
from tests.integration.reports.days import at_hour, csv_lines, far_day

pytestmark = pytest.mark.integration


def _run(d: date, at: datetime, matched: dict[str, Any], open_breaks: int) -> ReconRun:
    return ReconRun(id=uuid7(), run_date=d, started_at=at, finished_at=at, matched=matched,
                    open_breaks=open_breaks, requested_by="test")  # fmt: skip


def _break(
    d: date, run: uuid.UUID, kind: str, minor: int, currency: str, created: datetime,
    state: str = "open", closed: datetime | None = None,
) -> ReconBreak:  # fmt: skip
    return ReconBreak(
        id=uuid7(), key=f"test:{uuid.uuid4().hex}", run_date=d, type=kind, source="bank",
        amount=minor, currency=currency, reference="r", detail="d", state=state,
        first_run_id=run, last_run_id=run, created_at=created,
        cleared_at=closed if state == "cleared" else None,
        resolved_at=closed if state == "resolved" else None,
    )  # fmt: skip


async def _rows(sessions: async_sessionmaker[AsyncSession], d: date) -> list[dict[str, Any]]:
    async with unit_of_work(sessions) as session:
        return await recon_summary_rows(session, period=Period(d, d + timedelta(days=1)))


def _open(row: dict[str, Any] | None, currency: str) -> tuple[int, Decimal]:
    if row is None:
        return 0, Decimal(0)
    return row["open_at_end"], Decimal(row["open_amount"].get(currency, "0"))


async def test_runs_matches_and_breaks_opened_closed_and_open_per_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d = far_day()
    before = {r["date"]: r for r in await _rows(sessions, d)}
    early = _run(d, at_hour(d, 6), {"bank": {"lines": 3}}, 1)
    late = _run(d, at_hour(d, 18), {"bank": {"lines": 4}, "bank_debits": {"lines": 1},
                                    "chain": {"events": 2}}, 2)  # fmt: skip
    async with unit_of_work(sessions) as session:
        session.add_all([early, late])
        await session.flush()
        session.add_all([
            _break(d, early.id, "timing", 10_00, "EUR", at_hour(d, 7), "cleared", at_hour(d, 27)),
            _break(d, early.id, "amount_mismatch", 5_00, "EUR", at_hour(d, 8), "resolved",
                   at_hour(d, 20)),
            _break(d, late.id, "missing_in_ledger", 1_500_000, "USDC", at_hour(d, 9)),
        ])  # fmt: skip

    first, second = await _rows(sessions, d)

    assert {k: first[k] for k in FIELDS if k not in ("date", "open_at_end", "open_amount")} == {
        "runs": 2, "matched_bank": 5, "matched_chain": 2, "open_breaks_after_run": 2,
        "opened": 3, "cleared": 0, "resolved": 1,
        "opened_by_type": {"amount_mismatch": 1, "missing_in_ledger": 1, "timing": 1},
        "cleared_by_type": {}, "resolved_by_type": {"amount_mismatch": 1},
    }  # fmt: skip
    (n, eur), (n0, eur0) = _open(first, "EUR"), _open(before.get(d.isoformat()), "EUR")
    assert (n - n0, eur - eur0) == (2, Decimal("10.00"))
    assert _open(first, "USDC")[1] - _open(before.get(d.isoformat()), "USDC")[1] == Decimal("1.5")
    tomorrow = (d + timedelta(days=1)).isoformat()
    assert (second["date"], second["runs"], second["opened"]) == (tomorrow, 0, 0)
    assert (second["cleared"], second["cleared_by_type"]) == (1, {"timing": 1})
    assert _open(second, "EUR")[0] - _open(before.get(tomorrow), "EUR")[0] == 1


async def test_the_csv_has_the_templates_columns_and_types_as_json(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d = far_day()
    run = _run(d, at_hour(d, 6), {"bank": {"lines": 1}}, 1)
    async with unit_of_work(sessions) as session:
        session.add(run)
        await session.flush()
        session.add(_break(d, run.id, "duplicate", 1_00, "EUR", at_hour(d, 7), "resolved",
                           at_hour(d, 8)))  # fmt: skip
        await session.flush()
        document = await recon_summary_document(
            session, templates=Settings().compliance.report_templates_dir, period=Period(d, d),
            fmt=ReportFormat.CSV, actor="test",
        )  # fmt: skip

    header, line = csv_lines(document)
    assert header == list(FIELDS)
    row = dict(zip(header, line, strict=True))
    assert (row["date"], row["runs"], row["opened"], row["resolved"]) == (
        d.isoformat(),
        "1",
        "1",
        "1",
    )
    assert row["resolved_by_type"] == '{"duplicate": 1}'
