"""A worker's /healthz, /readyz and /metrics (runtime/workers/health.py), in process."""

from __future__ import annotations

import asyncio
import socket

import httpx

from onramp.core.settings import WorkerSettings
from onramp.runtime.workers.health import LoopStop, NotReady, Probe, health_app, serving


async def _ok() -> None:
    return None


async def _refused() -> None:
    raise NotReady("connection refused")


async def _hangs() -> None:
    await asyncio.sleep(60)


def _client(stop: LoopStop, probes: dict[str, Probe], **settings: float) -> httpx.AsyncClient:
    app = health_app({"worker": stop}, probes, WorkerSettings(**settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")


async def test_ready_when_every_probe_passes() -> None:
    async with _client(LoopStop(), {"database": _ok, "nats": _ok}) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checked": ["database", "nats"]}


async def test_not_ready_names_each_probe_that_failed_or_did_not_answer() -> None:
    probes: dict[str, Probe] = {"database": _refused, "rpc": _hangs, "nats": _ok}
    async with _client(LoopStop(), probes, check_timeout_seconds=0.05) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "failed": {"database": "connection refused", "rpc": "no answer within 0.05s"},
    }


async def test_alive_while_the_loop_asks_the_stop_signal_stale_once_it_stopped_asking() -> None:
    stop = LoopStop()
    async with _client(stop, {}, stale_after_seconds=60) as client:
        assert (await client.get("/healthz")).status_code == 200
        stop.last_tick -= 120  # as if the loop had not gone round for two minutes
        stale = await client.get("/healthz")
        assert stale.status_code == 503
        assert stale.json()["status"] == "stale"
        assert not stop.is_set()  # the loop goes round again
        assert (await client.get("/healthz")).status_code == 200
        scraped = await client.get("/metrics")
    assert scraped.status_code == 200
    assert "onramp_worker_last_tick_timestamp_seconds" in scraped.text


async def test_a_host_is_alive_only_while_every_worker_goes_round_and_names_the_stuck_one() -> None:
    loops = {"relay": LoopStop("relay"), "orders": LoopStop("orders")}
    app = health_app(loops, {}, WorkerSettings(stale_after_seconds=60))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://host") as client:
        alive = await client.get("/healthz")
        loops["orders"].last_tick -= 90  # stuck on a call that never returns
        assert not loops["relay"].is_set()  # the relay goes round
        stuck = await client.get("/healthz")
        loops["orders"] = LoopStop("orders")  # the host started it again
        again = await client.get("/healthz")
        scraped = await client.get("/metrics")
    assert alive.status_code == 200
    assert set(alive.json()["workers"]) == {"relay", "orders"}
    assert stuck.status_code == 503
    assert stuck.json()["status"] == "stale"
    assert stuck.json()["stale"] == ["orders"]
    assert stuck.json()["last_tick_seconds_ago"] >= 90
    assert again.status_code == 200
    assert 'onramp_worker_last_tick_timestamp_seconds{worker="relay"}' in scraped.text


async def test_served_on_its_port_and_a_taken_port_leaves_the_worker_running() -> None:
    app = health_app({"worker": LoopStop()}, {"database": _ok}, WorkerSettings())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with serving(app, WorkerSettings(metrics_port=port)):
            pass  # logged, not raised: the worker's own work goes on without the endpoint
    async with serving(app, WorkerSettings(metrics_port=port)):
        async with httpx.AsyncClient(trust_env=False) as client:
            for _ in range(100):  # until uvicorn's startup listens on the bound socket
                try:
                    ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
    assert ready.status_code == 200


async def test_with_a_scrape_token_the_metrics_need_it() -> None:
    app = health_app({"worker": LoopStop()}, {}, WorkerSettings(), token="s3cret-scrape-token")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
        refused = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        scraped = await client.get(
            "/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}
        )
        health = await client.get("/healthz")  # liveness stays open to the orchestrator
    assert (refused.status_code, refused.json()["code"]) == (401, "metrics_token_required")
    assert wrong.status_code == 401
    assert scraped.status_code == 200
    assert "onramp_worker_last_tick_timestamp_seconds" in scraped.text
    assert health.status_code == 200


async def test_a_loop_sleeping_on_the_stop_signal_between_rounds_is_alive() -> None:
    stop = LoopStop()
    async with _client(stop, {}, stale_after_seconds=60) as client:
        stop.last_tick -= 600  # its last round was ten minutes ago ...
        sleeping = asyncio.create_task(asyncio.wait_for(stop.wait(), timeout=5))
        for _ in range(10):  # ... and it now waits for the next, as run_periodic does
            await asyncio.sleep(0)
        assert stop.waiting == 1
        alive = await client.get("/healthz")
        sleeping.cancel()
        await asyncio.gather(sleeping, return_exceptions=True)
        woke = await client.get("/healthz")
    assert alive.status_code == 200, alive.text
    assert woke.status_code == 200  # its wait ended just now: a tick
