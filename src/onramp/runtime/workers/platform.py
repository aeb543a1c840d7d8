"""The platform's workers: the outbox relay, the audit chain's sealer, the mailer (which also
turns the orders', the accounts' and KYC's events into the customers' emails) and the outbound
webhooks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from onramp.core.audit import run_sealer
from onramp.core.bus import EventBus
from onramp.core.clock import SystemClock
from onramp.core.consumer import run_consumer
from onramp.core.relay import run_relay
from onramp.identity import account_emails_consumer
from onramp.notifications import SmtpSender, run_mailer
from onramp.orders import order_emails_consumer
from onramp.runtime.workers.registry import Resources, Worker, on_bus
from onramp.webhooks import run_deliveries, webhooks_consumer


async def _relay(resources: Resources, bus: EventBus) -> None:
    database_url = resources.settings.database.url
    await run_relay(resources.sessions, bus, database_url=database_url, stop=resources.stop)


async def _seal(resources: Resources) -> None:
    lease = timedelta(seconds=resources.settings.worker.lease_seconds)
    await run_sealer(resources.sessions, stop=resources.stop, lease_ttl=lease)


async def _mail(resources: Resources, bus: EventBus) -> None:
    settings, sessions, stop = resources.settings, resources.sessions, resources.stop
    await asyncio.gather(
        run_mailer(
            sessions,
            sender=SmtpSender(settings.notifications),
            clock=SystemClock(),
            database_url=settings.database.url,
            max_attempts=settings.notifications.max_attempts,
            stop=stop,
        ),
        run_consumer(
            order_emails_consumer(settings, sessions), bus=bus, sessions=sessions, stop=stop
        ),
        run_consumer(
            account_emails_consumer(settings, sessions), bus=bus, sessions=sessions, stop=stop
        ),
    )


relay = Worker("relay", on_bus(_relay))
audit = Worker("audit", _seal)
mailer = Worker("mailer", on_bus(_mail), reads_personal_data=True)


async def _webhooks(resources: Resources, bus: EventBus) -> None:
    settings, sessions, stop = resources.settings, resources.sessions, resources.stop
    await asyncio.gather(
        run_deliveries(
            sessions,
            settings=settings.webhooks,
            clock=SystemClock(),
            database_url=settings.database.url,
            stop=stop,
        ),
        run_consumer(webhooks_consumer(settings, sessions), bus=bus, sessions=sessions, stop=stop),
    )


# Reads personal data: the endpoints' sealed signing secrets (and emails an owner whose
# endpoint it disables).
webhooks = Worker("webhooks", on_bus(_webhooks), reads_personal_data=True)
