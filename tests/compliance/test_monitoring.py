"""Transaction monitoring in the money path: each funded order and its deposit are evaluated
with the customer's history; hits become alerts in the customer's case; hold rules stop the
order for a compliance officer; a replayed deposit raises nothing twice."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from onramp import orders
from onramp.compliance.cases import ComplianceAlert, ComplianceCase, raise_alerts
from onramp.compliance.monitoring import RuleSet, replay
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.core.settings import REPO_ROOT
from onramp.devstack.stack import Stack
from onramp.orders.models import Order
from onramp.orders.screens.screening import ScreeningSubject
from onramp.runtime.cli import app
from tests.compliance.funding import Desk, Funded, fund, new_customer, screen_funds, state_of

SAMPLE_RULES = REPO_ROOT / "samples" / "config" / "monitoring_rules.json"


def usd(amount: str) -> Money:
    return Money.parse(amount, "USD")


# Not held: priced and queued (and paid, when the stack's payout worker runs meanwhile).
PASSED = {"payout_queued", "payout_broadcast", "completed"}


@pytest.fixture
def desk(infra: Stack, sessions: async_sessionmaker[AsyncSession]) -> Desk:
    assert infra.settings.compliance.monitoring_rules_file == SAMPLE_RULES
    return Desk(infra.settings, sessions)


async def alerts_of(
    sessions: async_sessionmaker[AsyncSession], customer_id: uuid.UUID
) -> list[ComplianceAlert]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ComplianceAlert)
            .where(ComplianceAlert.customer_id == customer_id)
            .order_by(ComplianceAlert.id)
        )
        return list(rows.all())


async def test_structuring_is_flagged_on_the_third_deposit_and_holds_its_order(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    start = utcnow() - timedelta(hours=20)
    first = await fund(desk, customer, usd("9500.00"), start)
    second = await fund(desk, customer, usd("9600.00"), start + timedelta(hours=6))
    assert await state_of(sessions, first.order_id) in PASSED
    assert await state_of(sessions, second.order_id) in PASSED
    assert [a.kind for a in await alerts_of(sessions, customer)] == [
        "new-account-large-first-deposit"  # alert only: the money moved
    ]

    third = await fund(desk, customer, usd("9700.00"), start + timedelta(hours=19))

    assert await state_of(sessions, third.order_id) == "manual_review"
    async with sessions() as session:
        history = await orders.history_of(session, third.order_id)
    assert history[-1].reason is not None
    assert "structuring-24h" in history[-1].reason
    structuring = [a for a in await alerts_of(sessions, customer) if a.kind == "structuring-24h"]
    (alert,) = structuring
    assert (alert.source, alert.severity, alert.action) == ("monitoring", "high", "hold")
    assert (alert.subject_type, alert.subject_id) == ("deposit", str(third.deposit_id))
    assert alert.order_id == third.order_id
    assert alert.dedupe_key == f"monitoring:structuring-24h:deposit:{third.deposit_id}"
    assert alert.evidence["figures"]["activities"] == [
        str(first.deposit_id),
        str(second.deposit_id),
        str(third.deposit_id),
    ]
    assert alert.evidence["figures"]["total_usd"] == "28800.00"
    assert alert.evidence["rule_set_version"] == RuleSet.from_file(SAMPLE_RULES).version
    assert "Monitored" not in str(alert.evidence)  # no names in evidence
    # The evidence replays to the same finding.
    again = {h.rule: h for h in replay(RuleSet.from_file(SAMPLE_RULES), alert.evidence)}
    assert again["structuring-24h"].evidence == alert.evidence["figures"]
    async with sessions() as session:
        case = await session.get_one(ComplianceCase, alert.case_id)
    assert (case.customer_id, case.status, case.severity) == (customer, "open", "high")


async def test_deposits_spread_over_more_than_a_day_are_not_structuring(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    start = utcnow() - timedelta(hours=60)
    funded = [
        await fund(desk, customer, usd("9500.00"), start + timedelta(hours=h)) for h in (0, 25, 50)
    ]
    assert all([await state_of(sessions, f.order_id) in PASSED for f in funded])
    assert "structuring-24h" not in {a.kind for a in await alerts_of(sessions, customer)}


async def test_a_large_transaction_holds_and_a_call_for_action_sender_holds(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    big = await fund(desk, customer, usd("12000.00"), utcnow())
    assert await state_of(sessions, big.order_id) == "manual_review"
    other = await new_customer(sessions)
    iran = await fund(
        desk, other, usd("100.00"), utcnow(), sender_iban="IR062960000000100324200001"
    )
    assert await state_of(sessions, iran.order_id) == "manual_review"
    (alert,) = await alerts_of(sessions, other)
    assert (alert.kind, alert.action, alert.evidence["figures"]["countries"]) == (
        "fatf-call-for-action",
        "hold",
        ["IR"],
    )


async def test_a_replayed_deposit_raises_nothing_twice(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    customer = await new_customer(sessions)
    funded = await fund(desk, customer, usd("12000.00"), utcnow())
    raised = await alerts_of(sessions, customer)
    assert {a.kind for a in raised} == {"large-transaction", "new-account-large-first-deposit"}

    # The event redelivered: the saga sees the order moved on.
    await screen_funds(desk, funded)
    # And the screen itself re-run (a crash between screening and commit): same findings, same
    # dedupe keys, nothing new.
    async with sessions() as session:
        destination = (await session.get_one(Order, funded.order_id)).destination_address
    result = await desk.screener.screen(_subject(funded, customer, destination))
    assert {a.dedupe_key for a in result.alerts} == {a.dedupe_key for a in raised}
    async with unit_of_work(sessions) as session:
        assert await raise_alerts(session, result.alerts, now=utcnow(), actor="test") == []
    assert [a.id for a in await alerts_of(sessions, customer)] == [a.id for a in raised]
    async with sessions() as session:
        cases = await session.scalar(
            select(func.count()).where(ComplianceCase.customer_id == customer)
        )
    assert cases == 1


def _subject(funded: Funded, customer: uuid.UUID, destination: str) -> ScreeningSubject:
    return ScreeningSubject(
        funded.order_id, customer, funded.amount, destination, deposit_id=funded.deposit_id
    )


def test_an_invalid_rule_file_stops_the_orders_worker_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text(
        '{"version": "x", "rules": [{"type": "structuring", "name": "s", "threshold_usd": "1",'
        ' "band_pct": "150", "min_count": 3, "window_hours": 24, "action": "freeze"}]}'
    )
    monkeypatch.setenv("ONRAMP_COMPLIANCE__MONITORING_RULES_FILE", str(bad))
    result = CliRunner().invoke(app, ["worker", "orders"])
    assert result.exit_code == 1
    assert f"monitoring_rules_invalid: {bad}" in result.stderr
    assert "band_pct" in result.stderr
    assert "action" in result.stderr
