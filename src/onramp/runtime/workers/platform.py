"""The platform's workers: the outbox relay, the audit chain's sealer and the mailer."""

from __future__ import annotations

from onramp.core.audit import run_sealer
from onramp.core.bus import EventBus
from onramp.core.clock import SystemClock
from onramp.core.relay import run_relay
from onramp.notifications import SmtpSender, run_mailer
from onramp.runtime.workers.registry import Resources, Worker, on_bus


async def _relay(resources: Resources, bus: EventBus) -> None:
    database_url = resources.settings.database.url
    await run_relay(resources.sessions, bus, database_url=database_url, stop=resources.stop)


async def _seal(resources: Resources) -> None:
    await run_sealer(resources.sessions, stop=resources.stop)


async def _mail(resources: Resources) -> None:
    settings = resources.settings
    await run_mailer(
        resources.sessions,
        sender=SmtpSender(settings.notifications),
        clock=SystemClock(),
        database_url=settings.database.url,
        max_attempts=settings.notifications.max_attempts,
        stop=resources.stop,
    )


relay = Worker("relay", on_bus(_relay))
audit = Worker("audit", _seal)
mailer = Worker("mailer", _mail, reads_personal_data=True)
