"""No chain call while the sender holds the payouts' row locks (issue 13, finding 5): a slow node
must not keep a transaction idle with locks that a breaker trip, a return or the next batch
waits on. The node here checks, on every gas estimate, that the batch's rows are free."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import PayoutRequest, queue_payouts
from onramp.chain.client import ChainClient
from onramp.chain.models import Payout
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from tests.integration.chain.paying.senders import stack_sender

pytestmark = pytest.mark.usefixtures("no_payout_worker")


class _LockProbingNode(ChainClient):
    """A node that, before answering anything, tries to lock the payouts being sent."""

    def __init__(self, url: str, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(url)
        self._sessions = sessions
        self.order_ids: list[uuid.UUID] = []
        self.estimates = 0
        self.found_locked = 0

    async def estimate_gas(self, tx: dict[str, Any]) -> int:
        self.estimates += 1
        return await super().estimate_gas(tx)

    async def _call(self, coro: Any) -> Any:
        async with self._sessions() as session, session.begin():
            try:
                await session.execute(text("SET LOCAL lock_timeout = '1ms'"))
                await session.execute(
                    select(Payout.id)
                    .where(Payout.order_id.in_(self.order_ids))
                    .with_for_update(nowait=True)
                )
            except DBAPIError:
                self.found_locked += 1
        return await super()._call(coro)


async def test_the_batch_is_estimated_with_no_row_locked(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    node = _LockProbingNode(infra.anvil.url, sessions)
    node.order_ids = [uuid.uuid4(), uuid.uuid4()]
    async with unit_of_work(sessions) as session:
        await queue_payouts(
            session,
            [
                PayoutRequest(o, "0x" + uuid.uuid4().hex + "0000cafe", Money.parse("1.5", "USDC"))
                for o in node.order_ids
            ],
        )
    sender = stack_sender(infra, sessions, client=node)
    assert await sender.send_batch() >= 2
    assert node.estimates >= 1
    assert node.found_locked == 0
    async with sessions() as session:
        statuses = set(
            (
                await session.scalars(
                    select(Payout.status).where(Payout.order_id.in_(node.order_ids))
                )
            ).all()
        )
    assert statuses <= {"broadcast", "confirmed"}
