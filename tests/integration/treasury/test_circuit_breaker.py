"""The circuit breaker on PostgreSQL: a failure spike trips it, the gate then signs nothing,
a resume needs two different people; the limits hold payouts and remember what they let go."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import ledger
from onramp.auth.permissions import Role
from onramp.auth.tokens import Principal
from onramp.chain import (
    PAYOUT_FAILED,
    GateItem,
    in_flight_total,
    mark_payouts_booked,
    unbooked_total,
)
from onramp.chain.contracts.vault_pauser import VaultPauser
from onramp.chain.models import Payout, PayoutStatus
from onramp.core.audit import AuditRecord
from onramp.core.clock import SystemClock, utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.outbox import emit
from onramp.identity.staff.approvals import FourEyesViolation
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_limits import RiskGate, RiskLimits
from onramp.treasury.risk_models import BreakerState, PayoutAllowance
from onramp.treasury.risk_monitor import RiskMonitor, TripPolicy
from tests.integration.treasury.conftest import GuardedVault

U = 10**6


def staff(role: Role = Role.TREASURER) -> Principal:
    return Principal(user_id=uuid.uuid4(), role=role.value, session_id=uuid.uuid4())


def _monitor(sessions: async_sessionmaker[AsyncSession], spike: int) -> RiskMonitor:
    policy = TripPolicy(
        failure_spike_count=spike,
        failure_window=timedelta(minutes=15),
        reconciliation_break=0,
        peg_deviation_trips=True,
    )
    return RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=None)


async def _fail_payouts(sessions: async_sessionmaker[AsyncSession], n: int) -> None:
    async with unit_of_work(sessions) as session:
        for _ in range(n):
            order_id = str(uuid.uuid4())
            await emit(
                session,
                PAYOUT_FAILED,
                {"order_id": order_id, "reason": "execution reverted"},
                source="onramp/chain",
                entity_id=order_id,
            )


async def test_a_failure_spike_trips_the_breaker_and_the_gate_signs_nothing(
    closed_breaker: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    monitor = _monitor(sessions, spike=3)
    await _fail_payouts(sessions, 2)
    assert await monitor.round() is None  # two failures: below the spike

    await _fail_payouts(sessions, 1)
    found = await monitor.round()

    assert found is not None
    assert found.trigger == "failure_spike"
    async with unit_of_work(sessions) as session:
        row = await circuit_breaker.current_state(session)
        assert (row.state, row.trigger, row.opened_by) == (
            "open",
            "failure_spike",
            "system:treasury",
        )
        assert row.evidence["failed"] == 3
        assert len(row.evidence["latest"]) == 3
        gate = RiskGate(RiskLimits(10**12, 10**12, 10**12, 10**12))
        verdict = await gate(session, [GateItem(uuid.uuid4(), "0x" + "11" * 20, U, False)])
        assert verdict.paused is not None
        assert "payouts failed" in verdict.paused
        opened = await session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(
                AuditRecord.action == "treasury.circuit_breaker.opened",
                AuditRecord.data["trigger"].astext == "failure_spike",
            )
        )
        assert opened >= 1


async def test_resume_needs_a_second_person(
    closed_breaker: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alice, bob = staff(), staff(Role.ADMIN)
    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(
            session, "suspicious destination pattern", {}, trigger="manual", actor="user:x"
        )
    async with unit_of_work(sessions) as session:
        approval_id = await circuit_breaker.request_resume(
            session, requester=alice, reason="checked the batch", now=utcnow()
        )
    with pytest.raises(FourEyesViolation):
        async with unit_of_work(sessions) as session:
            await circuit_breaker.approve_resume(
                session, request_id=approval_id, approver=alice, reason=None, now=utcnow()
            )
    async with unit_of_work(sessions) as session:
        assert (await circuit_breaker.current_state(session)).state == "open"

    async with unit_of_work(sessions) as session:
        row = await circuit_breaker.approve_resume(
            session, request_id=approval_id, approver=bob, reason="agreed", now=utcnow()
        )
        assert row.state == BreakerState.RESUMING.value  # payouts still wait for the vault
        assert row.resumed_by == f"user:{bob.user_id}"
    await _monitor(sessions, spike=1000).sync_vault()
    async with unit_of_work(sessions) as session:
        assert (await circuit_breaker.current_state(session)).state == "closed"


async def test_a_resume_requested_before_a_new_trip_cannot_resume_it(
    closed_breaker: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(session, "first", {}, trigger="manual")
    async with unit_of_work(sessions) as session:
        approval_id = await circuit_breaker.request_resume(
            session, requester=staff(), reason="fine", now=utcnow()
        )
    async with unit_of_work(sessions) as session:
        row = await circuit_breaker.current_state(session, lock=True)
        row.opened_at = utcnow() + timedelta(seconds=1)  # as if it closed and tripped again
    with pytest.raises(circuit_breaker.ResumeOutdated):
        async with unit_of_work(sessions) as session:
            await circuit_breaker.approve_resume(
                session, request_id=approval_id, approver=staff(), reason=None, now=utcnow()
            )


async def test_the_gate_holds_payouts_over_the_limits_and_remembers_the_rest(
    closed_breaker: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    to = "0x" + "22" * 20
    big, small, spills = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    limits = RiskLimits(
        max_per_payout=1_000 * U,
        max_per_customer_24h=10**15,
        max_total_24h=10**15,  # the database holds other tests' allowances
        max_hot_exposure=10**15,
    )
    async with unit_of_work(sessions) as session:
        verdict = await RiskGate(limits)(
            session,
            [GateItem(big, to, 1_001 * U, False), GateItem(small, to, 999 * U, False)],
        )
    assert verdict.paused is None
    assert set(verdict.held) == {big}
    assert verdict.held[big][1]["limit"] == "per_payout"
    async with unit_of_work(sessions) as session:
        allowed = await session.get(PayoutAllowance, small)
        assert allowed is not None
        assert int(allowed.amount) == 999 * U
        assert await session.get(PayoutAllowance, big) is None
        used = await session.scalar(
            select(func.sum(PayoutAllowance.amount)).where(
                PayoutAllowance.allowed_at > utcnow() - timedelta(hours=24)
            )
        )
    tight = RiskLimits(10**15, 10**15, int(used) + 5 * U, 10**15)
    async with unit_of_work(sessions) as session:
        verdict = await RiskGate(tight)(session, [GateItem(spills, to, 6 * U, False)])
    assert verdict.held[spills][1]["limit"] == "total_24h"


async def test_a_lasting_gap_between_ledger_and_vault_trips_and_pauses(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    guarded_vault: GuardedVault,
) -> None:
    async with unit_of_work(sessions) as session:
        booked = (await ledger.balance_of(session, ledger.chain_account("vault"))).minor
    # More on chain than booked, beyond the threshold.
    vault = VaultPauser(**guarded_vault(booked + 101 * U))
    policy = TripPolicy(1000, timedelta(minutes=15), 100 * U, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=vault)

    assert await monitor.round() is None  # one round may catch a payout not yet booked
    found = await monitor.round()

    assert found is not None
    assert found.trigger == "reconciliation_break"
    assert await vault.paused()
    async with unit_of_work(sessions) as session:
        row = await circuit_breaker.current_state(session)
        assert (row.state, row.vault_paused) == ("open", True)
        assert row.evidence["threshold_usdc"] == "100.000000"


async def test_a_gap_within_the_threshold_never_trips(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    guarded_vault: GuardedVault,
) -> None:
    async with unit_of_work(sessions) as session:
        booked = (await ledger.balance_of(session, ledger.chain_account("vault"))).minor
    vault = VaultPauser(**guarded_vault(booked + 100 * U))
    policy = TripPolicy(1000, timedelta(minutes=15), 100 * U, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=vault)
    assert await monitor.round() is None
    assert await monitor.round() is None
    assert not await vault.paused()


async def test_a_payout_paid_on_chain_but_not_yet_booked_is_in_flight_not_a_break(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    guarded_vault: GuardedVault,
) -> None:
    """The chain confirms a payout before the orders worker posts its entry (it does when the
    confirmation event reaches it, seconds later under load): the vault then holds less than the
    books say. That gap is a payout on its way to the books, not a break; once it is booked, the
    same gap is one."""
    paid = 500 * U
    async with unit_of_work(sessions) as session:
        booked = (await ledger.balance_of(session, ledger.chain_account("vault"))).minor
        others = await in_flight_total(session) + await unbooked_total(session, now=utcnow())
        order_id = uuid7()
        session.add(
            Payout(
                id=uuid7(),
                order_id=order_id,
                to_address="0x" + "11" * 20,
                amount=paid,
                status=PayoutStatus.CONFIRMED.value,
            )
        )
    vault = VaultPauser(**guarded_vault(booked - paid - others))
    policy = TripPolicy(1000, timedelta(minutes=15), 100 * U, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=vault)

    assert await monitor.round() is None
    assert await monitor.round() is None
    assert not await vault.paused()

    async with unit_of_work(sessions) as session:  # booked, but this test posts no entry
        await mark_payouts_booked(session, [order_id], now=utcnow())
    assert await monitor.round() is None
    found = await monitor.round()
    assert found is not None
    assert found.trigger == "reconciliation_break"
