"""The confirmation watcher against a scripted node: a payout is confirmed only by a receipt,
deep enough, on the canonical block, whose ``Payout`` event matches it; a replaced transaction
that the chain mined after all settles the payouts its replacement carried."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_account import Account
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.addresses import order_id_bytes32
from onramp.chain.client import Receipt
from onramp.chain.models import ChainTransaction, Payout, TxStatus
from onramp.chain.transactions.confirmations import PAYOUT_TOPIC, ConfirmationWatcher
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack

VAULT = "0x00000000000000000000000000000000000000F1"
HEAD = 100


class ScriptedNode:
    """Receipts by transaction hash; every block is canonical unless listed as reorged."""

    def __init__(self) -> None:
        self.receipts: dict[bytes, Receipt] = {}
        self.reorged: set[int] = set()

    async def block_number(self) -> int:
        return HEAD

    async def receipt(self, tx_hash: bytes) -> Receipt | None:
        return self.receipts.get(tx_hash)

    async def block_hash(self, number: int) -> bytes:
        return b"\x01" * 32 if number in self.reorged else _block_hash(number)


def _block_hash(number: int) -> bytes:
    return number.to_bytes(32, "big")


def _payout_log(order_id: uuid.UUID, to: str, amount: int) -> dict[str, Any]:
    return {
        "address": VAULT,
        "topics": [
            PAYOUT_TOPIC,
            order_id_bytes32(order_id),
            bytes.fromhex(to[2:]).rjust(32, b"\0"),
        ],
        "data": encode(["uint256"], [amount]),
    }


def _receipt(tx_hash: bytes, block: int, *logs: dict[str, Any]) -> Receipt:
    return Receipt(
        tx_hash=tx_hash,
        status=1,
        block_number=block,
        block_hash=_block_hash(block),
        logs=list(logs),
        gas_used=60_000,
    )


@pytest.fixture
async def sender(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[str]:
    """A sender of its own: the rows it leaves are removed afterwards."""
    address = Account.create().address
    yield address
    async with unit_of_work(sessions) as session:
        ids = select(ChainTransaction.id).where(ChainTransaction.sender == address)
        await session.execute(delete(Payout).where(Payout.tx_id.in_(ids)))
        await session.execute(
            delete(ChainTransaction).where(
                ChainTransaction.sender == address, ChainTransaction.replaces_id.is_not(None)
            )
        )
        await session.execute(delete(ChainTransaction).where(ChainTransaction.sender == address))


async def _stored(
    sessions: async_sessionmaker[AsyncSession],
    sender: str,
    *,
    nonce: int,
    status: TxStatus,
    to: str,
    amount: int,
    replaces: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
) -> tuple[ChainTransaction, uuid.UUID]:
    tx = ChainTransaction(
        id=uuid7(),
        sender=sender,
        nonce=nonce,
        tx_hash=secrets.token_bytes(32),
        raw=b"\x02",
        status=status.value,
        replaces_id=replaces,
    )
    order = order_id or uuid.uuid4()
    async with unit_of_work(sessions) as session:
        session.add(tx)
        await session.flush()
        if order_id is None:
            session.add(
                Payout(
                    id=uuid7(),
                    order_id=order,
                    to_address=to,
                    amount=amount,
                    status="broadcast",
                    tx_id=tx.id,
                )
            )
    return tx, order


@pytest.fixture(autouse=True)
def confirmations_worker_off(infra: Stack) -> Iterator[None]:
    """The stack's confirmations worker (if a test started it) takes every broadcast row it
    sees, locked for its round: this test's watcher would skip them."""
    running = infra.apps.get("worker-confirmations")
    if running is not None and running.alive():
        running.stop()
    yield
    if running is not None:
        infra.spawn_worker("confirmations")


async def _payout(sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID) -> Payout:
    async with unit_of_work(sessions) as session:
        found = await session.scalar(select(Payout).where(Payout.order_id == order_id))
    assert found is not None
    return found


def _watcher(
    sessions: async_sessionmaker[AsyncSession], node: ScriptedNode, confirmations: int = 3
) -> ConfirmationWatcher:
    return ConfirmationWatcher(
        sessions=sessions,
        client=node,  # type: ignore[arg-type]
        vault=VAULT,
        confirmations=confirmations,
    )


async def test_a_matching_event_deep_enough_confirms_and_a_shallow_one_waits(
    sessions: async_sessionmaker[AsyncSession], sender: str
) -> None:
    to = Account.create().address
    tx, order = await _stored(sessions, sender, nonce=0, status=TxStatus.BROADCAST, to=to, amount=7)
    node = ScriptedNode()
    node.receipts[tx.tx_hash] = _receipt(tx.tx_hash, HEAD - 1, _payout_log(order, to, 7))
    await _watcher(sessions, node).check()
    assert (await _payout(sessions, order)).status == "broadcast"  # 2 confirmations of 3

    node.receipts[tx.tx_hash] = _receipt(tx.tx_hash, HEAD - 2, _payout_log(order, to, 7))
    node.reorged.add(HEAD - 2)  # that block is no longer the canonical one at its height
    await _watcher(sessions, node).check()
    assert (await _payout(sessions, order)).status == "broadcast"

    node.reorged.clear()
    await _watcher(sessions, node).check()
    assert (await _payout(sessions, order)).status == "confirmed"


async def test_an_event_that_does_not_match_the_payout_fails_it(
    sessions: async_sessionmaker[AsyncSession], sender: str
) -> None:
    to = Account.create().address
    tx, order = await _stored(sessions, sender, nonce=0, status=TxStatus.BROADCAST, to=to, amount=7)
    node = ScriptedNode()
    node.receipts[tx.tx_hash] = _receipt(tx.tx_hash, HEAD - 5, _payout_log(order, to, 8))
    await _watcher(sessions, node).check()
    payout = await _payout(sessions, order)
    assert (payout.status, payout.failure) == ("failed", "payout_event_mismatch")


async def test_the_replaced_original_mined_after_all_settles_the_payouts(
    sessions: async_sessionmaker[AsyncSession], sender: str
) -> None:
    to = Account.create().address
    original, _ = await _stored(
        sessions, sender, nonce=4, status=TxStatus.REPLACED, to=to, amount=9,
        order_id=uuid.uuid4(),
    )  # fmt: skip
    replacement, order = await _stored(
        sessions, sender, nonce=4, status=TxStatus.BROADCAST, to=to, amount=9,
        replaces=original.id,
    )  # fmt: skip
    node = ScriptedNode()  # the chain mined the original, not the replacement
    node.receipts[original.tx_hash] = _receipt(
        original.tx_hash, HEAD - 5, _payout_log(order, to, 9)
    )
    await _watcher(sessions, node).check()
    payout = await _payout(sessions, order)
    assert (payout.status, payout.tx_id) == ("confirmed", original.id)
    async with unit_of_work(sessions) as session:
        statuses = {
            t.id: t.status
            for t in await session.scalars(
                select(ChainTransaction).where(ChainTransaction.sender == sender)
            )
        }
    assert statuses == {original.id: "confirmed", replacement.id: "replaced"}
