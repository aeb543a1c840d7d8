"""What a worker is: a name, how it runs from settings and the process's shared resources, and
what it needs before it starts (the keyring, the system's contracts, the wallet factory check).
``runtime.workers`` holds the registered ones; each module beside this one registers a domain's;
``host.py`` runs one or several of them in a process."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.bus import EventBus, connect_bus
from onramp.core.consumer import Consumer, run_consumer
from onramp.core.settings import NatsSettings, Settings
from onramp.runtime.workers.health import NotReady, Probe


class SharedBus:
    """One connection to the event bus for every worker of a process, made when the first one
    asks for it and closed by the host when they all stopped (a worker started again inside
    its host keeps using it: the NATS client reconnects by itself)."""

    def __init__(self, settings: NatsSettings) -> None:
        self._settings = settings
        self._bus: EventBus | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> EventBus:
        async with self._lock:
            if self._bus is None:
                self._bus = await connect_bus(
                    self._settings.url,
                    stream=self._settings.stream,
                    replicas=self._settings.replicas,
                    prefix=self._settings.subject_prefix,
                    ack_wait=self._settings.ack_wait_seconds,
                )
            return self._bus

    async def close(self) -> None:
        async with self._lock:
            if self._bus is not None:
                await self._bus.close()
                self._bus = None


@dataclass(frozen=True)
class Resources:
    """What the workers of a process share: settings, one engine, one bus connection, the
    readiness probes; and each worker's own stop signal (``stop``)."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    stop: asyncio.Event
    bus: SharedBus
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
        bus = await resources.bus.get()
        resources.probes["nats"] = functools.partial(_connected, bus)
        await job(resources, bus)

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
