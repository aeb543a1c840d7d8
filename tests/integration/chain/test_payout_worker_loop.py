"""The payout loop outlives a token that fails to sign: it pauses and signs the batch again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from onramp.chain.worker import run_payout_sender
from onramp.core.keys import HsmUnavailable
from onramp.devstack.stack import Stack


class _Lease:
    """A lease that is always this replica's."""

    lost = asyncio.Event()

    async def acquire(self, stop: asyncio.Event) -> object:
        return self

    async def close(self) -> None:
        return None


class _FlakySender:
    """Fails to sign twice, then signs; stops the loop once it has signed."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop
        self.attempts = 0
        self.resent = 0

    writer = _Lease()

    async def resend_stored(self) -> None:
        self.resent += 1

    async def rebroadcast_stale(self, *, older_than: timedelta) -> None:
        return None

    async def replace_stuck(self, *, older_than: timedelta) -> None:
        return None

    async def send_batch(self) -> int:
        self.attempts += 1
        if self.attempts <= 2:
            raise HsmUnavailable("the token 'onramp-dev' failed: CKR_DEVICE_ERROR")
        self.stop.set()
        return 1


async def test_a_signing_failure_pauses_and_retries(infra: Stack, engine: AsyncEngine) -> None:
    stop = asyncio.Event()
    sender = _FlakySender(stop)
    await asyncio.wait_for(
        run_payout_sender(
            sender,  # type: ignore[arg-type]
            database_url=infra.settings.database.url,
            stop=stop,
            idle=0.1,
            rebroadcast_after=60.0,
        ),
        timeout=15,
    )
    assert sender.attempts == 3
    assert sender.resent == 1  # only at start: a signing failure sent nothing to resend
