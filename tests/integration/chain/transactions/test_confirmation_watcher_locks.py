"""The confirmation watcher asks the node with no row locked: a slow node must not hold the
transactions a treasurer's cancel, the reconciler or a fee bump need (they skip locked rows, so a
held row silently waits a round). The node here checks, on every call, that the watched row is
free."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from eth_account import Account
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.models import ChainTransaction, TxStatus
from onramp.chain.transactions.confirmations import ConfirmationWatcher
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack


class _LockProbingNode(ChainClient):
    """A node that, before answering anything, tries to lock one stored transaction."""

    def __init__(self, url: str, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(url)
        self._sessions = sessions
        self.tx_id: uuid.UUID | None = None
        self.calls = 0
        self.found_locked = 0

    async def _call(self, coro: Any) -> Any:
        self.calls += 1
        async with self._sessions() as session, session.begin():
            try:
                await session.execute(text("SET LOCAL lock_timeout = '1ms'"))
                await session.execute(
                    select(ChainTransaction.id)
                    .where(ChainTransaction.id == self.tx_id)
                    .with_for_update(nowait=True)
                )
            except DBAPIError:
                self.found_locked += 1
        return await super()._call(coro)


@pytest.fixture
async def pending_tx(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[uuid.UUID]:
    """A broadcast transaction the node has never seen (so: pending, no receipt)."""
    sender = Account.create().address
    tx_id = uuid7()
    async with unit_of_work(sessions) as session:
        session.add(
            ChainTransaction(
                id=tx_id,
                sender=sender,
                nonce=0,
                tx_hash=os.urandom(32),
                raw=b"\x02",
                status=TxStatus.BROADCAST.value,
            )
        )
    yield tx_id
    async with unit_of_work(sessions) as session:
        await session.execute(delete(ChainTransaction).where(ChainTransaction.id == tx_id))


async def test_the_node_is_asked_with_no_transaction_locked(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], pending_tx: uuid.UUID
) -> None:
    node = _LockProbingNode(infra.anvil.url, sessions)
    node.tx_id = pending_tx
    watcher = ConfirmationWatcher(
        sessions=sessions, client=node, vault=infra.deployment.vault, confirmations=1
    )
    # Transactions earlier tests of the session left broadcast may settle here; this one may not.
    await watcher.check()
    async with sessions() as session:
        status = await session.scalar(
            select(ChainTransaction.status).where(ChainTransaction.id == pending_tx)
        )
    assert status == TxStatus.BROADCAST.value  # nothing mined
    assert node.calls >= 2  # the head and the pending transaction's receipt, at least
    assert node.found_locked == 0
