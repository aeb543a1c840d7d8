"""The payout sender with the treasury's gate: a payout over a limit is held (and announced),
not failed; a tripped breaker leaves every payout queued and signs nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.chain import PAYOUT_HELD, GateItem, GateVerdict, PayoutRequest, queue_payouts
from onramp.chain.client import ChainClient
from onramp.chain.models import Payout, PayoutStatus
from onramp.chain.paying.payout_gate import PayoutGate
from onramp.chain.paying.payouts import PayoutSender
from onramp.chain.worker import payout_signer
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.core.outbox import OutboxMessage
from onramp.devstack.stack import Stack
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_limits import RiskGate, RiskLimits

U = 10**6
LIMITS = RiskLimits(
    max_per_payout=1_000 * U,
    max_per_customer_24h=10**15,
    max_total_24h=10**15,
    max_hot_exposure=10**15,
)

pytestmark = pytest.mark.usefixtures("no_payout_worker")


class _OnlyThese:
    """The real gate for this test's payouts; any other queued payout in the shared database
    is deferred (left queued, untouched), so the sender never reaches the chain."""

    def __init__(self, gate: PayoutGate, mine: set[uuid.UUID]) -> None:
        self._gate, self._mine = gate, mine

    async def __call__(self, session: AsyncSession, items: Sequence[GateItem]) -> GateVerdict:
        verdict = await self._gate(session, [i for i in items if i.order_id in self._mine])
        others = frozenset(i.order_id for i in items if i.order_id not in self._mine)
        allowed = {i.order_id for i in items} - others - set(verdict.held)
        return GateVerdict(
            paused=verdict.paused, held=verdict.held, deferred=others | allowed | verdict.deferred
        )


def _sender(
    sessions: async_sessionmaker[AsyncSession], gate: PayoutGate, infra: Stack
) -> PayoutSender:
    # The chain is read (the vault's state, the gas estimate) but nothing is left to sign.
    return PayoutSender(
        sessions=sessions,
        client=ChainClient(infra.anvil.url),
        signer=payout_signer(infra.settings.chain, infra.settings.hsm),
        vault=infra.deployment.vault,
        chain_id=31337,
        batch_size=500,
        gate=gate,
    )


@pytest.fixture
async def queued(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[uuid.UUID]]:
    """This test's payouts; those left queued are cancelled after it (the stack's payout
    worker, if a later test starts it, must not send them)."""
    ids: list[uuid.UUID] = []
    yield ids
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Payout)
            .where(Payout.order_id.in_(ids), Payout.status == PayoutStatus.QUEUED.value)
            .values(status=PayoutStatus.CANCELLED.value)
        )


async def _queue(
    sessions: async_sessionmaker[AsyncSession], queued: list[uuid.UUID], *amounts: int
) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in amounts]
    queued.extend(ids)
    async with unit_of_work(sessions) as session:
        await queue_payouts(
            session,
            [
                PayoutRequest(o, "0x" + "44" * 20, Money(a, "USDC"))
                for o, a in zip(ids, amounts, strict=True)
            ],
        )
    return ids


async def _payouts(
    sessions: async_sessionmaker[AsyncSession], ids: list[uuid.UUID]
) -> dict[uuid.UUID, Payout]:
    async with unit_of_work(sessions) as session:
        rows = await session.scalars(select(Payout).where(Payout.order_id.in_(ids)))
        return {p.order_id: p for p in rows}


async def test_a_payout_over_a_limit_is_held_and_announced_the_batch_goes_on(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    queued: list[uuid.UUID],
    infra: Stack,
) -> None:
    big, small = await _queue(sessions, queued, 1_500 * U, 10 * U)
    sender = _sender(sessions, _OnlyThese(RiskGate(LIMITS), {big, small}), infra)

    await sender.send_batch()

    payouts = await _payouts(sessions, [big, small])
    assert payouts[big].status == PayoutStatus.HELD.value
    assert "per-payout limit" in (payouts[big].failure or "")
    assert payouts[small].status == PayoutStatus.QUEUED.value  # let through (deferred here)
    async with unit_of_work(sessions) as session:
        held: list[dict[str, Any]] = [
            orjson.loads(p)["data"]
            for p in await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.subject == PAYOUT_HELD)
            )
        ]
    event = next(d for d in held if d["order_id"] == str(big))
    assert event["evidence"]["kind"] == "treasury_limit"
    assert event["evidence"]["limit"] == "per_payout"


async def test_an_open_breaker_signs_nothing_and_holds_nothing(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    queued: list[uuid.UUID],
    infra: Stack,
) -> None:
    big, small = await _queue(sessions, queued, 1_500 * U, 10 * U)
    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(session, "peg", {}, trigger="peg_deviation")
    sender = _sender(sessions, _OnlyThese(RiskGate(LIMITS), {big, small}), infra)

    assert await sender.send_batch() == 0

    payouts = await _payouts(sessions, [big, small])
    assert {p.status for p in payouts.values()} == {PayoutStatus.QUEUED.value}


class _Counting:
    """Lets nothing through (defers all) and counts the batches it was shown."""

    def __init__(self) -> None:
        self.batches = 0

    async def __call__(self, session: AsyncSession, items: Sequence[GateItem]) -> GateVerdict:
        self.batches += 1
        return GateVerdict(paused=None, held={}, deferred=frozenset(i.order_id for i in items))


async def test_a_partial_batch_waits_for_more_payouts_until_the_oldest_is_old_enough(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    queued: list[uuid.UUID],
    infra: Stack,
) -> None:
    await _queue(sessions, queued, 10 * U)
    gate = _Counting()
    waiting = _sender(sessions, gate, infra)
    waiting._batch_wait = timedelta(seconds=60)  # noqa: SLF001 - the setting under test
    assert await waiting.send_batch() == 0
    assert gate.batches == 0  # one payout of 500 possible, queued just now: keep filling

    waited = _sender(sessions, gate, infra)
    waited._batch_wait = timedelta(microseconds=1)  # noqa: SLF001
    await waited.send_batch()
    assert gate.batches == 1  # the oldest waited long enough: the partial batch goes on


async def test_the_per_customer_limit_uses_the_customer_queued_with_the_payout(
    closed_breaker: None,
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    queued: list[uuid.UUID],
    infra: Stack,
) -> None:
    """No order exists for these payouts: the customer comes with the request (issue 19, no
    stage reaches back up), and the gate reads its usage in one statement."""
    alice = uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    queued.extend([first, second])
    async with unit_of_work(sessions) as session:
        await queue_payouts(
            session,
            [
                PayoutRequest(o, "0x" + "44" * 20, Money(60 * U, "USDC"), customer_id=alice)
                for o in (first, second)
            ],
        )
    tight = replace(LIMITS, max_per_customer_24h=100 * U)
    sender = _sender(sessions, _OnlyThese(RiskGate(tight), {first, second}), infra)
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        async with unit_of_work(sessions) as session:
            verdict = await RiskGate(tight)(
                session,
                [GateItem(o, "0x" + "44" * 20, 60 * U, False, alice) for o in (first, second)],
            )
            await session.rollback()  # the allowance written above is not this test's point
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert set(verdict.held) == {second}
    assert not [s for s in statements if "FROM orders" in s or "JOIN orders" in s]
    assert len([s for s in statements if "treasury_payout_allowances" in s]) == 2  # read, write

    await sender.send_batch()

    payouts = await _payouts(sessions, [first, second])
    assert payouts[first].customer_id == alice
    assert payouts[second].status == PayoutStatus.HELD.value
    assert "per customer" in (payouts[second].failure or "")
