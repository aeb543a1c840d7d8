"""Writer leases with fencing (core/leases.py) on the real database: one holder at a time, the
token rises on each takeover, a holder whose lease lapsed is refused in its own transaction, a
takeover waits for a fenced write in progress, and a payout key's sender that lost its lease
signs nothing."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import ChainClient
from onramp.chain.models import ChainTransaction
from onramp.chain.signing.signer import LocalKeySigner
from onramp.chain.transactions.tx_sender import Call, TransactionSender
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.leases import Lease, LeaseHolder, LeaseLost, fence, renew, try_acquire
from onramp.devstack.stack import Stack

SHORT = timedelta(milliseconds=300)
LONG = timedelta(seconds=30)


@pytest.fixture
def name() -> str:
    return f"test-lease-{uuid7().hex}"


async def _take(
    sessions: async_sessionmaker[AsyncSession], name: str, holder: str, ttl: timedelta
) -> Lease | None:
    async with unit_of_work(sessions) as session:
        return await try_acquire(session, name=name, holder=holder, ttl=ttl)


async def test_one_holder_then_a_takeover_with_a_higher_token(
    sessions: async_sessionmaker[AsyncSession], name: str
) -> None:
    async with unit_of_work(sessions) as session:
        first = await try_acquire(session, name=name, holder="a", ttl=SHORT)
        assert first is not None
        assert await try_acquire(session, name=name, holder="b", ttl=SHORT) is None
    await asyncio.sleep(SHORT.total_seconds() + 0.1)  # a's lease lapses: a paused replica
    second = await _take(sessions, name, "b", LONG)
    assert second is not None
    assert second.token == first.token + 1
    with pytest.raises(LeaseLost):  # a's own transaction refuses it: nothing a writes commits
        async with unit_of_work(sessions) as session:
            await fence(session, first)
    with pytest.raises(LeaseLost):
        async with unit_of_work(sessions) as session:
            await renew(session, first, ttl=LONG)
    async with unit_of_work(sessions) as session:
        await fence(session, second)


async def test_a_takeover_waits_for_the_fenced_write_in_progress(
    sessions: async_sessionmaker[AsyncSession], name: str
) -> None:
    held = await _take(sessions, name, "a", SHORT)
    assert held is not None

    async def take_over() -> int | None:
        lease = await _take(sessions, name, "b", LONG)
        return None if lease is None else lease.token

    async with unit_of_work(sessions) as writing:
        await fence(writing, held)  # the write begins while a holds the lease ...
        await asyncio.sleep(SHORT.total_seconds() + 0.1)  # ... and outlives it
        taker = asyncio.create_task(take_over())
        await asyncio.sleep(0.5)
        assert not taker.done()  # the takeover waits for a's write to commit
    assert await asyncio.wait_for(taker, timeout=5) == held.token + 1


async def test_the_next_replica_takes_the_lease_once_the_holder_closes(
    sessions: async_sessionmaker[AsyncSession], name: str
) -> None:
    stop = asyncio.Event()
    first, second = LeaseHolder(sessions, name, ttl=LONG), LeaseHolder(sessions, name, ttl=LONG)
    assert await first.acquire(stop) is not None
    waiting = asyncio.create_task(second.acquire(stop))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # a standby replica
    await first.close()  # a graceful stop hands over at once, not after the lease's 30 s
    lease = await asyncio.wait_for(waiting, timeout=LONG.total_seconds() / 3 + 5)
    assert lease is not None
    async with unit_of_work(sessions) as session:
        await second.fence(session)
    await second.close()


async def test_a_sender_that_lost_the_key_s_lease_signs_nothing(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], name: str
) -> None:
    stop = asyncio.Event()
    writer = LeaseHolder(sessions, name, ttl=SHORT)
    assert await writer.acquire(stop) is not None
    writer._renewer.cancel()  # type: ignore[union-attr]  # the replica freezes: no renewal
    await asyncio.sleep(SHORT.total_seconds() + 0.1)
    assert await _take(sessions, name, "other", LONG) is not None
    signer = LocalKeySigner("0x" + secrets.token_hex(32))  # a key no other test signs with
    sender = TransactionSender(
        sessions=sessions,
        client=ChainClient(infra.anvil.url),
        signer=signer,
        chain_id=infra.anvil.chain_id,
        fence=writer.fence,
    )
    call = Call(to=signer.address, gas=21_000)
    with pytest.raises(LeaseLost):
        async with unit_of_work(sessions) as session:
            await sender.store(session, [call], fees={"maxFeePerGas": 1, "maxPriorityFeePerGas": 1})
    async with unit_of_work(sessions) as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(ChainTransaction)
            .where(ChainTransaction.sender == signer.address)
        )
    assert stored == 0
