"""``onramp worker mailer``: sends queued emails, woken by NOTIFY, polling slowly besides."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import Clock
from onramp.core.logging import get_logger
from onramp.core.wakeup import Wakeup
from onramp.notifications.adapters.smtp import EmailSender
from onramp.notifications.service import EMAILS_CHANNEL, deliver_next

log = get_logger(__name__)


async def run_mailer(
    sessions: async_sessionmaker[AsyncSession],
    *,
    sender: EmailSender,
    clock: Clock,
    database_url: str,
    max_attempts: int,
    stop: asyncio.Event,
    idle: float = 5.0,
) -> None:
    async with Wakeup(database_url, EMAILS_CHANNEL) as wakeup:
        while not stop.is_set():
            try:
                while not stop.is_set() and await deliver_next(
                    sessions, sender=sender, now=clock.now(), max_attempts=max_attempts
                ):
                    pass
            except Exception:  # a bad row or a database blip must not end the mailer
                log.exception("mailer.error")
            await wakeup.wait(idle)
