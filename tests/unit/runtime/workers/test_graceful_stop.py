"""SIGTERM in a worker host (runtime/workers/host.py, health.py): ``/readyz`` turns 503 at once,
the batch in hand finishes, and a worker that does not stop within the grace period is cancelled
and the host fails (``GraceExceeded``)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from onramp.core.settings import Settings, WorkerSettings
from onramp.runtime.workers.health import LoopStop, health_app
from onramp.runtime.workers.host import GraceExceeded, finish_within


async def _ok() -> None:
    return None


async def test_readiness_turns_false_once_the_host_is_stopping() -> None:
    draining = asyncio.Event()
    app = health_app({"w": LoopStop()}, {"database": _ok}, WorkerSettings(), draining=draining)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://worker"
    ) as client:
        assert (await client.get("/readyz")).status_code == 200
        draining.set()
        stopping = await client.get("/readyz")
        assert (await client.get("/healthz")).status_code == 200  # alive while it drains
    assert stopping.status_code == 503
    assert stopping.json() == {"status": "stopping"}


async def test_the_batch_in_hand_finishes_after_the_stop() -> None:
    stopping, finished = asyncio.Event(), []

    async def worker() -> None:
        await stopping.wait()  # the signal arrives mid-batch ...
        await asyncio.sleep(0.2)  # ... which still completes
        finished.append("batch")

    asyncio.get_running_loop().call_later(0.05, stopping.set)
    await finish_within(worker(), stopping, grace=5)
    assert finished == ["batch"]


async def test_a_worker_that_does_not_stop_is_cancelled_after_the_grace_period() -> None:
    stopping, cancelled = asyncio.Event(), []

    async def stubborn() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    asyncio.get_running_loop().call_later(0.05, stopping.set)
    started = asyncio.get_running_loop().time()
    with pytest.raises(GraceExceeded):
        await finish_within(stubborn(), stopping, grace=0.2)
    assert cancelled == [True]
    assert asyncio.get_running_loop().time() - started < 2


async def test_a_worker_error_before_any_stop_is_the_host_s() -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await finish_within(broken(), asyncio.Event(), grace=1)


def test_the_grace_period_is_shorter_than_kubernetes_one() -> None:
    # deploy/k8s/base/workers.yaml: terminationGracePeriodSeconds 60; SIGKILL follows it.
    assert Settings().worker.grace_seconds < 60
