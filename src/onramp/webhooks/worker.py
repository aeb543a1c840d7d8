"""``onramp worker webhooks``: turns the orders' events into deliveries (a durable consumer)
and sends the due deliveries, woken by NOTIFY, polling slowly besides."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import Clock
from onramp.core.logging import get_logger
from onramp.core.settings import WebhookSettings
from onramp.core.wakeup import Wakeup
from onramp.webhooks.addresses import UrlPolicy
from onramp.webhooks.deliveries import WEBHOOKS_CHANNEL, RetryPolicy, deliver_next
from onramp.webhooks.sender import WebhookSender

log = get_logger(__name__)


async def run_deliveries(
    sessions: async_sessionmaker[AsyncSession],
    *,
    settings: WebhookSettings,
    clock: Clock,
    database_url: str,
    stop: asyncio.Event,
    idle: float = 5.0,
) -> None:
    sender = WebhookSender(
        policy=UrlPolicy(allow_private=settings.allow_private),
        timeout_seconds=settings.timeout_seconds,
    )
    retry = RetryPolicy.from_settings(settings)
    try:
        async with Wakeup(database_url, WEBHOOKS_CHANNEL) as wakeup:
            while not stop.is_set():
                try:
                    while not stop.is_set() and await deliver_next(
                        sessions, sender=sender, retry=retry, now=clock.now()
                    ):
                        pass
                except Exception:  # a bad row or a database blip must not end the worker
                    log.exception("webhooks.error")
                await wakeup.wait(idle)
    finally:
        await sender.close()
