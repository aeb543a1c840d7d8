"""Raising alerts: one open case per customer, each finding once, severity the highest seen."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.compliance.cases import AlertDraft, ComplianceCase, alerts_of_case, raise_alerts
from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from tests.integration.sql_statements import counted_statements

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _draft(customer_id: uuid.UUID, key: str, severity: str = "medium") -> AlertDraft:
    return AlertDraft(
        customer_id=customer_id,
        source="monitoring",
        kind="large-transaction",
        severity=severity,
        reason="deposit of USD 12000 (≥ 10000)",
        subject_type="deposit",
        subject_id=key,
        dedupe_key=f"test:{key}",
        evidence={"amount_usd": "12000"},
    )


async def _cases(session: AsyncSession, customer_id: uuid.UUID) -> list[ComplianceCase]:
    rows = await session.scalars(
        select(ComplianceCase).where(ComplianceCase.customer_id == customer_id)
    )
    return list(rows.all())


async def test_alerts_gather_in_one_open_case(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer = uuid.uuid4()
    async with unit_of_work(sessions) as session:
        first = await raise_alerts(session, [_draft(customer, "a")], now=NOW, actor="test")
    async with unit_of_work(sessions) as session:
        second = await raise_alerts(
            session, [_draft(customer, "b", "high"), _draft(customer, "a")], now=NOW, actor="test"
        )
    assert len(first) == 1
    assert [a.subject_id for a in second] == ["b"]  # "a" again is a replay: raised once
    async with sessions() as session:
        (case,) = await _cases(session, customer)
        assert (case.status, case.severity) == ("open", "high")
        assert [a.subject_id for a in await alerts_of_case(session, case.id)] == ["a", "b"]
        audited = await session.scalars(
            select(AuditRecord.entity_id).where(AuditRecord.action == "compliance.alert_raised")
        )
        assert {str(a.id) for a in [*first, *second]} <= set(audited.all())


async def test_concurrent_first_alerts_open_a_single_case(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer = uuid.uuid4()

    async def raise_one(key: str) -> None:
        async with unit_of_work(sessions) as session:
            await raise_alerts(session, [_draft(customer, key)], now=NOW, actor="test")

    await asyncio.gather(*(raise_one(f"k{i}") for i in range(5)))
    async with sessions() as session:
        (case,) = await _cases(session, customer)
        assert len(await alerts_of_case(session, case.id)) == 5


async def _raise_batch(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    drafts: list[AlertDraft],
) -> tuple[list[str], list[str]]:
    """The new alerts' dedupe keys, and the statements the batch sent (commit excluded)."""
    with counted_statements(engine) as statements:
        async with unit_of_work(sessions) as session:
            raised = await raise_alerts(session, drafts, now=NOW, actor="test")
            await session.flush()
            sent = list(statements)
    return [a.dedupe_key for a in raised], sent


async def test_a_batch_raises_each_finding_once_in_as_many_statements_as_one(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customers = sorted((uuid.uuid4() for _ in range(30)), key=str)
    _, one = await _raise_batch(engine, sessions, [_draft(uuid.uuid4(), "solo", "high")])
    async with unit_of_work(sessions) as session:  # a finding raised before the batch
        await raise_alerts(session, [_draft(customers[0], "seen")], now=NOW, actor="test")
    drafts = [
        _draft(c, f"{c}-{i}", "high" if i == 2 else "low") for c in customers for i in range(3)
    ]
    drafts += [_draft(customers[0], "seen"), drafts[0]]  # a replay, and one twice in the batch

    raised, many = await _raise_batch(engine, sessions, drafts)

    assert sorted(raised) == sorted(f"test:{c}-{i}" for c in customers for i in range(3))
    # Set-based: 90 findings of 30 customers cost what one does, plus one batch raising the
    # cases' severities (the lone finding opened its case at its own severity).
    assert len(many) == len(one) + 1
    async with sessions() as session:
        for customer in customers:
            (case,) = await _cases(session, customer)
            assert case.severity == "high"
            assert len(await alerts_of_case(session, case.id)) == 3 + (customer == customers[0])


def test_an_unknown_severity_is_refused() -> None:
    with pytest.raises(ValueError, match="critical"):
        _draft(uuid.uuid4(), "x", "critical")


async def test_many_cases_opened_on_one_connection(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """After five executions a prepared statement may run on a generic plan; the open-case
    insert must still find its partial unique index then (a worker raises many)."""
    customers = [uuid.uuid4() for _ in range(8)]
    async with unit_of_work(sessions) as session:
        for customer in customers:
            await raise_alerts(session, [_draft(customer, f"g{customer}")], now=NOW, actor="test")
    async with sessions() as session:
        for customer in customers:
            assert len(await _cases(session, customer)) == 1
