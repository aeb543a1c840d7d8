"""A worker host: one process running one or several workers as asyncio tasks (``onramp worker
payouts``, ``onramp worker --group money_out``, ``onramp worker all``).

The workers share what a process has once: one engine (its pool sized by how many it hosts), one
bus connection, the keyring (opened, and kept fresh, once if any of them reads personal data),
the start-up checks of all of them (a bad rule file stops the whole host before it connects),
and one ``/metrics``, ``/healthz``, ``/readyz`` endpoint (alive only while every hosted worker's
loop goes round). SIGTERM or SIGINT turns ``/readyz`` to 503 and sets every worker's stop
signal: each finishes the batch in hand and its consumers stop pulling; the host waits for all
of them up to ``ONRAMP_WORKER__GRACE_SECONDS``, then cancels what is left and exits non-zero.

A hosted worker that raises (or returns while the host is not stopping) is started again inside
the host after a backoff (``ONRAMP_SUPERVISOR__*``: the same policy as the dev stack's
supervisor); once it dies ``max_deaths`` times within the window the host stops the others
gracefully and exits non-zero, so the process's own supervisor (``onramp dev``, Kubernetes)
starts it again whole, or gives up loudly. A host of ONE worker restarts nothing itself: its
worker's error ends the process as it always did (one worker per deployment in a cluster)."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import check_configured_wallet_factory, register_system_contracts
from onramp.core import metrics
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.db.versions import keep_announcing
from onramp.core.keys import install_keyring, keep_keyring_fresh, open_keyring
from onramp.core.logging import configure_logging, get_logger
from onramp.core.restarts import DeathCount, GiveUp, RestartPolicy
from onramp.core.settings import Settings
from onramp.runtime.observability import configure_observability
from onramp.runtime.workers.health import LoopStop, base_probes, health_app, serving
from onramp.runtime.workers.registry import Resources, SharedBus, Worker

log = get_logger(__name__)


class WorkerGaveUp(RuntimeError):
    """A hosted worker died too often within the window: the host exits non-zero."""

    def __init__(self, worker: str, deaths: int) -> None:
        super().__init__(f"worker {worker} died {deaths} times; the host stops")
        self.worker = worker


class Stops:
    """Each hosted worker's stop signal, by name, and the host's own: stopping the host sets
    every signal, including one made later for a worker started again."""

    def __init__(self, names: Sequence[str]) -> None:
        self.loops: dict[str, LoopStop] = {name: LoopStop(name) for name in names}
        self.stopping = asyncio.Event()

    def fresh(self, name: str) -> LoopStop:
        """A new signal for ``name`` (its liveness counts from now), set if the host stops."""
        loop = self.loops[name] = LoopStop(name)
        if self.stopping.is_set():
            loop.set()
        return loop

    def stop(self) -> None:
        self.stopping.set()
        for loop in self.loops.values():
            loop.set()


def pool_size(workers: int) -> int:
    """Connections per host: the four one worker always had, two more per further worker."""
    return 4 + 2 * (workers - 1)


async def run_host(workers: Sequence[Worker], settings: Settings, *, name: str) -> None:
    """Run ``workers`` in this process until SIGINT or SIGTERM (see the module's docstring)."""
    for worker in workers:  # again: a caller may skip check_config
        if worker.check is not None:
            worker.check(settings)
    configure_logging(level=settings.log_level, process=f"worker:{name}")
    configure_observability(settings, process=f"worker-{name}")
    stops = Stops([worker.name for worker in workers])
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stops.stop)
    size = pool_size(len(workers))
    engine = create_engine(settings.database.url, pool_size=size, max_overflow=size)
    sessions = session_factory(engine)
    probes = base_probes(
        settings,
        engine,
        chain=any(w.uses_chain for w in workers),
        hsm=any(w.uses_hsm or w.reads_personal_data for w in workers),
    )
    bus = SharedBus(settings.nats)
    shared = Resources(settings, engine, sessions, stops.loops[workers[0].name], bus, probes)
    policy = RestartPolicy.from_settings(settings.supervisor) if len(workers) > 1 else None
    token = settings.metrics.token.get_secret_value()
    refresher: asyncio.Task[None] | None = None
    async with serving(
        health_app(stops.loops, probes, settings.worker, token=token, draining=stops.stopping),
        settings.worker,
    ):
        from onramp.core.db.migrate import code_head  # alembic: only once running

        announcer = asyncio.create_task(
            keep_announcing(sessions, kind=f"worker:{name}", head=code_head())
        )
        try:
            refresher = await _set_up(workers, settings, sessions)
            await finish_within(
                supervise(workers, stops, lambda stop: replace(shared, stop=stop), policy),
                stops.stopping,
                grace=settings.worker.grace_seconds,
            )
        finally:
            if refresher is not None:
                refresher.cancel()
            announcer.cancel()
            await asyncio.gather(announcer, return_exceptions=True)
            await bus.close()
            await engine.dispose()


class GraceExceeded(RuntimeError):
    """The workers did not finish within the grace period after SIGTERM: they were cancelled."""


async def finish_within(work: Awaitable[None], stopping: asyncio.Event, *, grace: float) -> None:
    """Run ``work``; once ``stopping`` is set, give it ``grace`` seconds to finish (the batch
    in hand, consumers no longer pulling), then cancel it and raise ``GraceExceeded``."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            done, _ = await asyncio.wait({task}, timeout=grace)
            if not done:
                log.error("host.grace_exceeded", grace_seconds=grace)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                raise GraceExceeded(f"the workers did not stop within {grace}s")
        await task
    finally:
        stopped.cancel()


async def _set_up(
    workers: Sequence[Worker], settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> asyncio.Task[None] | None:
    """What any hosted worker declared it needs, once for the process; the keyring's refresher
    when one reads personal data."""
    if any(w.computes_wallet_addresses for w in workers):
        await check_configured_wallet_factory(settings.chain)
    refresher = None
    if any(w.reads_personal_data for w in workers):
        install_keyring(await open_keyring(sessions, settings.data_key_hsm))
        refresher = asyncio.create_task(
            keep_keyring_fresh(
                sessions,
                settings.data_key_hsm,
                interval=settings.data_key_hsm.keyring_refresh_seconds,
            )
        )
    if any(w.pays_customers for w in workers):  # their destinations are checked against these
        async with unit_of_work(sessions) as session:
            await register_system_contracts(session, settings.chain)
    return refresher


async def supervise(
    workers: Sequence[Worker],
    stops: Stops,
    resources: Callable[[LoopStop], Resources],
    policy: RestartPolicy | None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run every worker as a task until the host stops; one that gives up (or, without a
    policy, fails at all) stops the others gracefully, then its error ends the host."""
    tasks = [
        asyncio.create_task(_keep_running(w, stops, resources, policy, clock), name=w.name)
        for w in workers
    ]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    failed = [task for task in done if not task.cancelled() and task.exception() is not None]
    if failed:
        stops.stop()  # the others finish their round and return
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, BaseException) and task in failed:
            raise result


async def _keep_running(
    worker: Worker,
    stops: Stops,
    resources: Callable[[LoopStop], Resources],
    policy: RestartPolicy | None,
    clock: Callable[[], float],
) -> None:
    deaths = DeathCount(policy) if policy is not None else None
    stop = stops.loops[worker.name]
    while True:
        try:
            await worker.run(resources(stop))
            if stops.stopping.is_set():
                return
            error: Exception = RuntimeError(f"worker {worker.name} returned without a stop")
        except Exception as exc:  # noqa: BLE001 - any error of one worker is the host's to judge
            if stops.stopping.is_set():
                log.warning("host.worker_failed_while_stopping", worker=worker.name, error=str(exc))
                return
            error = exc
        if deaths is None:
            raise error
        decision = deaths.died(clock())
        if isinstance(decision, GiveUp):
            log.error("host.worker_gave_up", worker=worker.name, deaths=decision.deaths)
            raise WorkerGaveUp(worker.name, decision.deaths) from error
        log.error(
            "host.worker_died",
            worker=worker.name,
            error=repr(error)[:500],
            deaths=decision.deaths,
            restart_in_seconds=decision.delay,
        )
        stop = stops.fresh(worker.name)  # alive while it waits out the backoff
        try:
            await asyncio.wait_for(stops.stopping.wait(), timeout=decision.delay)
            return  # the host stops meanwhile: nothing to start again
        except TimeoutError:
            pass
        metrics.worker_restarted(worker.name)
        log.warning("host.worker_restarted", worker=worker.name, deaths=decision.deaths)
