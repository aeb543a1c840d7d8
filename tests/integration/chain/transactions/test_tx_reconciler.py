"""Stored transactions are reconciled by nonce against the real anvil, each round of the payout
sender's loop: a fee-bumped copy the node never saw does not stop the worker when the original
was mined; a stored transaction whose send failed is sent again while the loop runs; a nonce
taken by a transaction not stored here hands its payouts back to the queue."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import orjson
import pytest
from eth_account import Account
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain import GateItem, GateVerdict, in_flight_total
from onramp.chain.client import ChainClient
from onramp.chain.events import PAYOUT_REQUEUED
from onramp.chain.models import ChainTransaction, Payout
from onramp.chain.paying.payouts import PayoutSender
from onramp.chain.signing.signer import LocalKeySigner, SignedTx
from onramp.chain.transactions.nonces import next_nonce
from onramp.chain.worker import run_payout_sender
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.outbox import OutboxMessage
from onramp.devstack.stack import Stack

CHAIN_ID = 31337


class _Paused:
    """Signs nothing: these tests drive stored transactions, never the shared payout queue."""

    async def __call__(self, session: AsyncSession, items: Sequence[GateItem]) -> GateVerdict:
        return GateVerdict(paused="test: stored transactions only")


@pytest.fixture
def key(infra: Stack) -> str:
    """A key of its own with ether on the test chain."""
    account = Account.create()
    w3 = Web3(Web3.HTTPProvider(infra.anvil.url))
    w3.provider.make_request("anvil_setBalance", [account.address, hex(10**19)])  # type: ignore[arg-type]
    return "0x" + bytes(account.key).hex()


@pytest.fixture
def payouts_worker_off(infra: Stack) -> Iterator[None]:
    """The stack's own payouts worker (if running) must not pay a payout these tests queue."""
    running = "worker-payouts" in infra.apps
    if running:
        infra.apps["worker-payouts"].stop()
    yield
    if running:
        infra.spawn_worker("payouts")


@pytest.fixture
async def cleanup(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[str]]:
    senders: list[str] = []
    yield senders
    async with unit_of_work(sessions) as session:
        for sender in senders:
            ids = select(ChainTransaction.id).where(ChainTransaction.sender == sender)
            await session.execute(delete(Payout).where(Payout.tx_id.in_(ids)))
            await session.execute(
                delete(ChainTransaction).where(
                    ChainTransaction.sender == sender, ChainTransaction.replaces_id.is_not(None)
                )
            )
            await session.execute(delete(ChainTransaction).where(ChainTransaction.sender == sender))


class _Started(PayoutSender):
    """The real sender; ``started`` is set once the loop's start-up pass is over."""

    started: asyncio.Event

    async def resend_stored(self) -> int:
        try:
            return await super().resend_stored()
        finally:
            self.started.set()


def _sender(sessions: async_sessionmaker[AsyncSession], client: ChainClient, key: str) -> _Started:
    sender = _Started(
        sessions=sessions,
        client=client,
        signer=LocalKeySigner(key),
        vault=Account.create().address,
        chain_id=CHAIN_ID,
        batch_size=10,
        gate=_Paused(),
    )
    sender.started = asyncio.Event()
    return sender


async def _mined(client: ChainClient, tx_hash: bytes) -> bool:
    """Automining answers the send before the block is sealed: wait for the receipt a moment."""
    for _ in range(100):
        if await client.receipt(tx_hash) is not None:
            return True
        await asyncio.sleep(0.05)
    return False


async def _sign(client: ChainClient, key: str, nonce: int, *, tip: int = 10**9) -> SignedTx:
    signer = LocalKeySigner(key)
    base = await client.base_fee()
    return signer.sign_transaction(
        {
            "type": 2,
            "chainId": CHAIN_ID,
            "nonce": nonce,
            "to": signer.address,
            "value": 0,
            "data": b"",
            "gas": 21_000,
            "maxPriorityFeePerGas": tip,
            "maxFeePerGas": base * 2 + tip,
        }
    )


async def _store(
    sessions: async_sessionmaker[AsyncSession],
    sender: str,
    signed: SignedTx,
    nonce: int,
    status: str,
    *,
    replaces: uuid.UUID | None = None,
    payout_amount: int | None = None,
) -> tuple[uuid.UUID, uuid.UUID | None]:
    tx_id = uuid7()
    order_id = uuid.uuid4() if payout_amount is not None else None
    async with unit_of_work(sessions) as session:
        session.add(
            ChainTransaction(
                id=tx_id,
                sender=sender,
                nonce=nonce,
                tx_hash=signed.tx_hash,
                raw=signed.raw,
                status=status,
                replaces_id=replaces,
            )
        )
        await session.flush()
        if order_id is not None:
            session.add(
                Payout(
                    id=uuid7(),
                    order_id=order_id,
                    to_address=Account.create().address,
                    amount=payout_amount,
                    status="broadcast",
                    tx_id=tx_id,
                )
            )
    return tx_id, order_id


async def _rows(
    sessions: async_sessionmaker[AsyncSession], sender: str
) -> dict[uuid.UUID, ChainTransaction]:
    async with unit_of_work(sessions) as session:
        rows = await session.scalars(
            select(ChainTransaction).where(ChainTransaction.sender == sender)
        )
        return {t.id: t for t in rows}


async def _payout(sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID) -> Payout:
    async with unit_of_work(sessions) as session:
        found = await session.scalar(select(Payout).where(Payout.order_id == order_id))
    assert found is not None
    return found


async def _run_until(
    sender: PayoutSender,
    engine: AsyncEngine,
    infra: Stack,
    done: Any,
    *,
    within: float = 30.0,
) -> None:
    """Run the payouts loop until ``done()`` holds; the loop must neither die nor stall."""
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_payout_sender(
            sender,
            database_url=infra.settings.database.url,
            stop=stop,
            idle=0.1,
            rebroadcast_after=1.0,
        )
    )
    deadline = time.monotonic() + within
    try:
        while not await done():
            if task.done():
                task.result()  # the worker died: its error fails the test
                pytest.fail("the payouts loop returned on its own")
            assert time.monotonic() < deadline, "the stored transactions were never settled"
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


async def test_a_bumped_copy_the_node_never_saw_does_not_stop_the_worker_when_the_original_won(
    infra: Stack,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    cleanup: list[str],
) -> None:
    client = ChainClient(infra.anvil.url)
    sender = _sender(sessions, client, key)
    address = LocalKeySigner(key).address
    cleanup.append(address)
    # The original was broadcast; its fee-bumped copy was committed as signed and its send
    # failed (short of ether for the higher fees, a timeout). Then the chain mined the original.
    original = await _sign(client, key, 0)
    copy = await _sign(client, key, 0, tip=2 * 10**9)
    original_id, _ = await _store(sessions, address, original, 0, "replaced")
    copy_id, order = await _store(
        sessions, address, copy, 0, "signed", replaces=original_id, payout_amount=5
    )
    assert order is not None
    await client.send_raw(original.raw)
    assert await _mined(client, original.tx_hash)

    async def settled() -> bool:
        return (await _payout(sessions, order)).tx_id == original_id

    await _run_until(sender, engine, infra, settled)
    rows = await _rows(sessions, address)
    assert rows[copy_id].status == "replaced"
    # broadcast, for the confirmation watcher; the stack's own watcher may have settled it
    assert rows[original_id].status in ("broadcast", "confirmed")


async def test_a_signed_transaction_whose_send_failed_is_sent_while_the_loop_runs(
    infra: Stack,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    cleanup: list[str],
) -> None:
    client = ChainClient(infra.anvil.url)
    sender = _sender(sessions, client, key)
    address = LocalKeySigner(key).address
    cleanup.append(address)
    # Stored, its send timed out twice (never reached the node); the next one waits behind it.
    first, second = await _sign(client, key, 0), await _sign(client, key, 1)
    stored = False

    async def both_mined() -> bool:
        nonlocal stored
        if not sender.started.is_set():
            return False
        if not stored:  # after the loop's start, as a batch signed while it runs
            stored = True
            await _store(sessions, address, first, 0, "signed")
            await _store(sessions, address, second, 1, "broadcast")
            await client.send_raw(second.raw)
        return await client.receipt(second.tx_hash) is not None

    await _run_until(sender, engine, infra, both_mined)
    assert await client.receipt(first.tx_hash) is not None
    assert {t.status for t in (await _rows(sessions, address)).values()} <= {
        "broadcast",
        "confirmed",
    }


async def test_a_nonce_taken_by_an_unknown_transaction_queues_its_payouts_again(
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    cleanup: list[str],
    payouts_worker_off: None,
) -> None:
    client = ChainClient(infra.anvil.url)
    sender = _sender(sessions, client, key)
    address = LocalKeySigner(key).address
    cleanup.append(address)
    ours = await _sign(client, key, 0)
    tx_id, order = await _store(sessions, address, ours, 0, "broadcast", payout_amount=7)
    assert order is not None
    unknown = await _sign(client, key, 0, tip=3 * 10**9)  # the key used outside this system
    await client.send_raw(unknown.raw)
    async with unit_of_work(sessions) as session:
        in_flight_before = await in_flight_total(session)

    result = await sender.reconcile()

    assert result.superseded == 1
    rows = await _rows(sessions, address)
    assert (rows[tx_id].status, rows[tx_id].failure) == (
        "superseded",
        "nonce 0 used by a transaction not stored here",
    )
    payout = await _payout(sessions, order)
    assert (payout.status, payout.tx_id) == ("queued", None)
    async with unit_of_work(sessions) as session:
        assert await in_flight_total(session) == in_flight_before - 7
        announced = [
            orjson.loads(p)["data"]
            for p in await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.subject == PAYOUT_REQUEUED)
            )
        ]
        # The order follows its payout back to the queue.
        assert {"order_id": str(order), "reason": "superseded"}.items() <= next(
            d for d in announced if d["order_id"] == str(order)
        ).items()
        await session.execute(delete(Payout).where(Payout.order_id == order))


async def test_two_senders_of_one_key_never_get_the_same_nonce(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], key: str, cleanup: list[str]
) -> None:
    client = ChainClient(infra.anvil.url)
    address = LocalKeySigner(key).address
    cleanup.append(address)
    async with unit_of_work(sessions) as first:
        nonce = await next_nonce(first, client, address)
        pid = await first.scalar(text("SELECT pg_backend_pid()"))

        async def second_sender() -> int:
            async with unit_of_work(sessions) as second:
                return await next_nonce(second, client, address)

        other = asyncio.create_task(second_sender())
        while not await _waits_on_advisory_lock(sessions, blocked_by=int(pid or 0)):
            assert not other.done(), "the second sender did not wait for the first"
            await asyncio.sleep(0.05)
        first.add(
            ChainTransaction(
                id=uuid7(),
                sender=address,
                nonce=nonce,
                tx_hash=secrets.token_bytes(32),
                raw=b"\x02",
                status="signed",
            )
        )
    assert await other == nonce + 1


async def _waits_on_advisory_lock(
    sessions: async_sessionmaker[AsyncSession], *, blocked_by: int
) -> bool:
    async with sessions() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_locks l WHERE l.locktype = 'advisory' AND NOT l.granted"
                " AND :pid = ANY(pg_blocking_pids(l.pid))"
            ),
            {"pid": blocked_by},
        )
    return bool(waiting)
