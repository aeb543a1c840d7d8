"""In production no payout is signed while no sanctions list is loaded or the newest is older
than the limit (issue 14 §4): an order screened on a current list may sit queued while the list
goes old. The payouts wait (a passing condition, never a failure), the sender says why once,
and they go as soon as the list is current again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import PayoutRequest, queue_payouts
from onramp.chain.events import PAYOUTS_WAITING
from onramp.chain.models import Payout
from onramp.compliance import ListFreshness, ListMatchers, PayoutScreen
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.core.outbox import OutboxMessage
from onramp.devstack.stack import Stack
from tests.compliance.helpers import CURRENT, load
from tests.integration.chain.paying.senders import stack_sender

pytestmark = pytest.mark.usefixtures("no_payout_worker")


class _Matchers(ListMatchers):
    """No list loaded, whatever the database holds."""

    async def current(self, session: AsyncSession) -> None:
        return None


class _Switch:
    """A destination check whose wait the test turns on and off."""

    def __init__(self) -> None:
        self.reason: str | None = "sanctions list too old: payouts wait for a refresh"

    async def __call__(
        self, destinations: Sequence[tuple[uuid.UUID, str]]
    ) -> Mapping[uuid.UUID, tuple[str, Mapping[str, Any]]]:
        return {}

    async def waiting(self) -> str | None:
        return self.reason


async def test_the_pre_sign_check_waits_on_a_missing_or_old_list_in_production_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await load(sessions, CURRENT)
    production = ListFreshness(max_age=timedelta(hours=48), fail_closed=True)
    too_old = ListFreshness(max_age=timedelta(microseconds=1), fail_closed=True)
    development = ListFreshness(max_age=timedelta(microseconds=1), fail_closed=False)

    assert await PayoutScreen(sessions, ListMatchers(), production).waiting() is None
    assert await PayoutScreen(sessions, ListMatchers(), development).waiting() is None
    stale = await PayoutScreen(sessions, ListMatchers(), too_old).waiting()
    assert stale is not None
    assert stale.startswith("sanctions list too old: ")
    assert stale.endswith(": payouts wait for a refresh")
    missing = await PayoutScreen(sessions, _Matchers(), production).waiting()
    assert missing == "no sanctions list loaded: payouts wait until one is"


async def test_queued_payouts_wait_unsigned_and_go_once_the_list_is_current(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order_ids = [uuid.uuid4(), uuid.uuid4()]
    async with unit_of_work(sessions) as session:
        await queue_payouts(
            session,
            [
                PayoutRequest(o, "0x" + uuid.uuid4().hex + "0000beef", Money.parse("2", "USDC"))
                for o in order_ids
            ],
        )
    check = _Switch()
    async with sessions() as session:
        started = await session.scalar(select(func.now()))
    sender = stack_sender(infra, sessions, destination_check=check)

    assert await sender.send_batch() == 0
    assert await sender.send_batch() == 0  # said once, not every round
    async with sessions() as session:
        statuses = set(
            await session.scalars(select(Payout.status).where(Payout.order_id.in_(order_ids)))
        )
        waiting = [
            payload
            for payload in (
                await session.scalars(
                    select(OutboxMessage.payload).where(
                        OutboxMessage.subject == PAYOUTS_WAITING,
                        OutboxMessage.created_at >= started,
                    )
                )
            ).all()
            if check.reason is not None and check.reason.encode() in payload
        ]
    assert statuses == {"queued"}
    assert len(waiting) == 1

    check.reason = None
    assert await sender.send_batch() >= 2
    async with sessions() as session:
        paid = set(
            await session.scalars(select(Payout.status).where(Payout.order_id.in_(order_ids)))
        )
    assert paid <= {"broadcast", "confirmed"}
