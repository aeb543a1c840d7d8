"""What a worker is: a name, how it runs from settings and the process's shared resources, and
what it needs before it starts (the keyring, the system's contracts, the wallet factory check).
``runtime.workers`` holds the registered ones; each module beside this one registers a domain's."""

from __future__ import annotations

import asyncio
import functools
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.chain import check_configured_wallet_factory, register_system_contracts
from onramp.core.bus import EventBus, connect_bus
from onramp.core.consumer import Consumer, run_consumer
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.keys import install_keyring, keep_keyring_fresh, open_keyring
from onramp.core.logging import configure_logging
from onramp.core.settings import Settings
from onramp.runtime.observability import configure_tracing
from onramp.runtime.workers.health import (
    LoopStop,
    NotReady,
    Probe,
    base_probes,
    health_app,
    serving,
)


@dataclass(frozen=True)
class Resources:
    """What every worker process shares: its settings, one engine, and the stop signal."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    stop: asyncio.Event
    # What ``/readyz`` checks (runtime/workers/health.py); ``on_bus`` adds NATS once connected.
    probes: dict[str, Probe] = field(default_factory=dict)


@dataclass(frozen=True)
class Worker:
    name: str
    run: Callable[[Resources], Awaitable[None]]
    # Fail fast, before any connection: e.g. a bad rule set is a configuration error.
    check: Callable[[Settings], None] | None = None
    # Reads sealed personal data (queued emails; deposit senders and account holders): opens
    # the keyring at start-up, as the API does, and keeps it fresh.
    reads_personal_data: bool = False
    # Sends customers' USDC: the system's contracts are registered as destinations no payout
    # may name.
    pays_customers: bool = False
    # Computes customers' wallet addresses from the local UserWallet artifact: first checks
    # that the deployed factory builds the same wallets (wallet_factory_mismatch otherwise).
    computes_wallet_addresses: bool = False
    # Talks to the chain's node / signs with a key in the HSM: ``/readyz`` checks them too.
    uses_chain: bool = False
    uses_hsm: bool = False


ConsumerFactory = Callable[[Settings, async_sessionmaker[AsyncSession]], Consumer]


def on_bus(
    job: Callable[[Resources, EventBus], Awaitable[None]],
) -> Callable[[Resources], Awaitable[None]]:
    """A worker that runs ``job`` with a connection to the event bus."""

    async def run(resources: Resources) -> None:
        settings = resources.settings
        bus = await connect_bus(settings.nats.url, stream=settings.nats.stream)
        resources.probes["nats"] = functools.partial(_connected, bus)
        try:
            await job(resources, bus)
        finally:
            await bus.close()

    return run


async def _connected(bus: EventBus) -> None:
    if not bus.client.is_connected:
        raise NotReady("not connected to NATS")


def consuming(build: ConsumerFactory) -> Callable[[Resources], Awaitable[None]]:
    """A worker that consumes the event bus with the consumer ``build`` makes."""

    async def consume(resources: Resources, bus: EventBus) -> None:
        consumer = build(resources.settings, resources.sessions)
        await run_consumer(consumer, bus=bus, sessions=resources.sessions, stop=resources.stop)

    return on_bus(consume)


async def run(worker: Worker, settings: Settings) -> None:
    """Run ``worker`` until SIGINT or SIGTERM, with what it declared it needs set up first."""
    if worker.check is not None:  # again: run_worker is also called without check_config
        worker.check(settings)
    configure_logging(level=settings.log_level, process=f"worker:{worker.name}")
    configure_tracing(settings, process=f"worker-{worker.name}")
    stop = LoopStop()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    engine = create_engine(settings.database.url, pool_size=4, max_overflow=4)
    sessions = session_factory(engine)
    hsm = worker.uses_hsm or worker.reads_personal_data
    probes = base_probes(settings, engine, chain=worker.uses_chain, hsm=hsm)
    token = settings.metrics.token.get_secret_value()
    async with serving(health_app(stop, probes, settings.worker, token=token), settings.worker):
        await _run(worker, Resources(settings, engine, sessions, stop, probes))


async def _run(worker: Worker, resources: Resources) -> None:
    """What ``worker`` declared it needs, set up; then the worker itself."""
    settings, engine, sessions = resources.settings, resources.engine, resources.sessions
    refresher: asyncio.Task[None] | None = None
    try:
        if worker.computes_wallet_addresses:
            await check_configured_wallet_factory(settings.chain)
        if worker.reads_personal_data:
            install_keyring(await open_keyring(sessions, settings.hsm))
            refresher = asyncio.create_task(
                keep_keyring_fresh(
                    sessions, settings.hsm, interval=settings.hsm.keyring_refresh_seconds
                )
            )
        if worker.pays_customers:  # their destinations are checked against these
            async with unit_of_work(sessions) as session:
                await register_system_contracts(session, settings.chain)
        await worker.run(resources)
    finally:
        if refresher is not None:
            refresher.cancel()
        await engine.dispose()
