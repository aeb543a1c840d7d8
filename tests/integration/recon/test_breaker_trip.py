"""A break above its type's threshold trips the payouts' circuit breaker on PostgreSQL, with the
break's id as the reason, audited; payouts then wait (stay queued), never fail; below the
threshold nothing trips, and a break trips the breaker once, not again after a resume."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.models import PayoutStatus
from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from onramp.core.settings import TripRule
from onramp.devstack.stack import Stack
from onramp.recon import BreakAlarm, RunResult, run_recon
from onramp.treasury import breaker_state, trip_breaker
from onramp.treasury.risk_limits import RiskGate
from tests.integration.recon.test_bank_balances import _statement
from tests.integration.recon.test_bank_recon import _bank, _booking, _day
from tests.integration.treasury.conftest import _reset, closed_breaker  # noqa: F401
from tests.integration.treasury.test_payout_gate import (  # noqa: F401
    LIMITS,
    U,
    _OnlyThese,
    _payouts,
    _queue,
    _sender,
    queued,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("no_payout_worker", "closed_breaker"),
]


async def _run(sessions: async_sessionmaker[AsyncSession], day: date, over: str) -> RunResult:
    alarm = BreakAlarm({"balance_mismatch": TripRule(amount=Decimal(over))}, trip_breaker)
    async with unit_of_work(sessions) as session:
        return await run_recon(
            session,
            day=day,
            now=datetime.now(UTC),
            requested_by="test",
            alarm=alarm,
            obligations_of=(),  # the shared database's customers are other tests' business
        )


async def _state(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, str | None, str | None]:
    async with unit_of_work(sessions) as session:
        row = await breaker_state(session)
        return row.state, row.reason, row.trigger


async def test_a_break_above_its_threshold_trips_the_breaker_once_and_payouts_wait(
    sessions: async_sessionmaker[AsyncSession],
    queued: list[uuid.UUID],  # noqa: F811 - the fixture imported above
    infra: Stack,
) -> None:
    day, bank = _day(), _bank()
    # The statement says the account held 3.00 more than the books: a balance_mismatch of 3.00.
    await _statement(sessions, bank, day, "3.00", _booking(day, "c-1", "10.00", "x"))

    below = await _run(sessions, day, "3.01")
    assert [(b.type, int(b.amount)) for b in below.breaks] == [("balance_mismatch", 3_00)]
    assert (await _state(sessions))[0] == "closed"

    above = await _run(sessions, day, "3.00")
    (found,) = above.breaks
    state, reason, trigger = await _state(sessions)
    assert (state, trigger) == ("open", "reconciliation_break")
    assert str(found.id) in (reason or "")
    async with unit_of_work(sessions) as session:
        audited = (
            await session.scalars(
                select(AuditRecord).where(
                    AuditRecord.action == "recon.breaker_tripped",
                    AuditRecord.entity_id == str(found.id),
                )
            )
        ).all()
    assert [(a.actor, a.data["break_id"], a.data["amount"]) for a in audited] == [
        ("test", str(found.id), 3_00)
    ]

    # Payouts wait: the sender signs nothing and they stay queued.
    mine = await _queue(sessions, queued, 10 * U)
    sender = _sender(sessions, _OnlyThese(RiskGate(LIMITS), set(mine)), infra)
    assert await sender.send_batch() == 0
    payouts = await _payouts(sessions, mine)
    assert {p.status for p in payouts.values()} == {PayoutStatus.QUEUED.value}

    # Resumed (two people, elsewhere): the same break, still open, does not trip it again.
    await _reset(sessions)
    again = await _run(sessions, day, "3.00")
    assert [b.id for b in again.breaks] == [found.id]
    assert (await _state(sessions))[0] == "closed"
