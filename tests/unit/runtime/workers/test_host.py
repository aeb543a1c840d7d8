"""A worker host's tasks (runtime/workers/host.py), in process with workers of the test's own: a
worker that raises is started again after a backoff while the others keep going round; one that
keeps dying stops the host (its error ends it, the others having stopped gracefully); the host's
stop reaches every worker, even one waiting out its backoff."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

import pytest

from onramp.core.restarts import RestartPolicy
from onramp.runtime.workers.health import LoopStop
from onramp.runtime.workers.host import Stops, WorkerGaveUp, pool_size, supervise
from onramp.runtime.workers.registry import Resources, Worker

QUICK = RestartPolicy(
    max_deaths=3, window_seconds=60, backoff_initial_seconds=0.01, backoff_max_seconds=0.02
)


class Boom(Exception):
    pass


def _resources(stop: LoopStop) -> Resources:
    # The test's workers read only their stop signal.
    return cast(Resources, type("R", (), {"stop": stop})())


def _steady(rounds: list[str]) -> Worker:
    """Goes round every few milliseconds until its stop signal is set."""

    async def run(resources: Resources) -> None:
        while not resources.stop.is_set():
            rounds.append("steady")
            await asyncio.sleep(0.002)

    return Worker("steady", run)


def _crashing(starts: list[float], *, times: int) -> Worker:
    """Raises on its first ``times`` starts, then runs like a steady one."""

    async def run(resources: Resources) -> None:
        starts.append(asyncio.get_running_loop().time())
        if len(starts) <= times:
            raise Boom(f"start {len(starts)}")
        while not resources.stop.is_set():
            await asyncio.sleep(0.002)

    return Worker("crashing", run)


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_a_crashed_worker_is_started_again_while_the_others_keep_going() -> None:
    rounds: list[str] = []
    starts: list[float] = []
    workers = [_steady(rounds), _crashing(starts, times=2)]
    stops = Stops([w.name for w in workers])
    host = asyncio.create_task(supervise(workers, stops, _resources, QUICK))
    await _until(lambda: len(starts) == 3)  # two deaths, started again twice
    before = len(rounds)
    await _until(lambda: len(rounds) > before + 5)  # the steady one never stopped
    assert not host.done()
    stops.stop()  # SIGTERM: every worker's signal
    await asyncio.wait_for(host, timeout=5)
    assert stops.loops["crashing"].is_set()  # the signal made for its restart was set too


async def test_a_worker_that_keeps_dying_stops_the_others_gracefully_and_ends_the_host() -> None:
    rounds: list[str] = []
    starts: list[float] = []
    workers = [_steady(rounds), _crashing(starts, times=99)]
    stops = Stops([w.name for w in workers])
    with pytest.raises(WorkerGaveUp) as gave_up:
        await asyncio.wait_for(supervise(workers, stops, _resources, QUICK), timeout=5)
    assert gave_up.value.worker == "crashing"
    assert isinstance(gave_up.value.__cause__, Boom)
    assert len(starts) == QUICK.max_deaths
    assert stops.loops["steady"].is_set()  # asked to stop, and it returned: no cancellation


async def test_alone_a_worker_is_not_restarted_its_error_ends_the_host() -> None:
    starts: list[float] = []
    workers = [_crashing(starts, times=1)]
    stops = Stops([w.name for w in workers])
    with pytest.raises(Boom):
        await asyncio.wait_for(supervise(workers, stops, _resources, None), timeout=5)
    assert len(starts) == 1


async def test_a_worker_returning_without_a_stop_counts_as_a_death() -> None:
    runs: list[int] = []

    async def returns(resources: Resources) -> None:
        runs.append(1)

    workers = [Worker("quitter", returns)]
    stops = Stops(["quitter"])
    with pytest.raises(WorkerGaveUp):
        await asyncio.wait_for(supervise(workers, stops, _resources, QUICK), timeout=5)
    assert len(runs) == QUICK.max_deaths


async def test_stopping_during_a_backoff_ends_the_host_without_starting_it_again() -> None:
    starts: list[float] = []
    slow = RestartPolicy(max_deaths=5, backoff_initial_seconds=30, backoff_max_seconds=30)
    workers = [_crashing(starts, times=1)]
    stops = Stops(["crashing"])
    host = asyncio.create_task(supervise(workers, stops, _resources, slow))
    await _until(lambda: len(starts) == 1)
    await asyncio.sleep(0.05)  # now waiting out its 30 s backoff
    stops.stop()
    await asyncio.wait_for(host, timeout=5)
    assert len(starts) == 1


def test_the_pool_grows_with_the_workers_hosted() -> None:
    assert [pool_size(n) for n in (1, 4, 6)] == [4, 10, 14]
