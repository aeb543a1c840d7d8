"""Two payout writers on one key: a second payouts worker waits on the key's writer lock (a
PostgreSQL advisory lock held by the first one's connection) while the first pays; the first is
SIGKILLed and comes back (supervised) to race the standby for the lock. Every order is paid
once, and no two transactions of the key ever share a nonce."""

from __future__ import annotations

import asyncio
import sys

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.models import ChainTransaction
from onramp.devstack.process import free_port
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.faults.chain.test_node_faults import _paid_once

STANDBY = "worker-payouts-standby"


async def _orders(customer: Customer, bank: httpx.AsyncClient, amounts: list[str]) -> list[str]:
    ids = []
    for amount in amounts:
        order = await customer.order(await customer.quote(amount))
        await pay(bank, order)
        ids.append(order["id"])
    return ids


async def test_a_standby_payout_writer_takes_over_and_nothing_is_paid_twice(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    standby = stack.spawn_app(
        STANDBY,
        [sys.executable, "-m", "onramp", "worker", "payouts"],
        supervised=False,
        own_env={"ONRAMP_WORKER__METRICS_PORT": str(free_port())},
    )
    try:
        before = await _orders(customer, bank, ["47.01", "47.02"])
        await asyncio.sleep(1.0)
        stack.apps["worker-payouts"].kill()  # mid-flight: the supervisor starts it again
        after = await _orders(customer, bank, ["47.03", "47.04"])
        for order_id in before + after:
            await _paid_once(stack, customer, order_id)
        assert standby.alive()
    finally:
        stack.apps.pop(STANDBY).stop()
    async with sessions() as session:
        shared = await session.scalar(
            select(func.count()).select_from(
                select(ChainTransaction.nonce)
                .where(
                    func.lower(ChainTransaction.sender) == stack.payout_address.lower(),
                    ChainTransaction.status.in_(("broadcast", "confirmed")),
                )
                .group_by(ChainTransaction.nonce)
                .having(func.count() > 1)
                .subquery()
            )
        )
    assert shared == 0
