"""Each worker process's own small HTTP endpoint, on its event loop
(``ONRAMP_WORKER__METRICS_PORT``; 0: none): ``/metrics`` (the process's registry,
core/metrics.py), ``/healthz`` (alive: every worker the process hosts went round recently) and
``/readyz`` (what they depend on answers: the database always, and NATS, the chain's node, the
HSM where a hosted worker uses them; 503 naming what failed). One process may host several
workers (runtime/workers/host.py): one endpoint for them all.

Liveness comes from each worker's stop signal: every worker loop asks ``stop.is_set()`` once a
round, so ``LoopStop`` notes when it was last asked. A loop stuck on a call that never returns
stops asking, and ``/healthz`` turns 503 (naming it) once ``stale_after_seconds`` passed."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Literal

import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onramp.chain import ChainClient
from onramp.core import metrics
from onramp.core.keys import Hsm
from onramp.core.logging import get_logger
from onramp.core.settings import Settings, WorkerSettings

Probe = Callable[[], Awaitable[None]]

log = get_logger(__name__)


class LoopStop(asyncio.Event):
    """The worker's stop signal; each ``is_set()`` (a loop going round) counts as a tick, and a
    loop that sleeps between rounds by waiting on it (``wait``) is alive while it waits (the
    recon worker's round is five minutes apart, longer than /healthz's staleness)."""

    def __init__(self, worker: str = "") -> None:
        super().__init__()
        self.worker = worker  # the label of its tick on /metrics
        self.last_tick = time.monotonic()
        self.waiting = 0

    def is_set(self) -> bool:
        self.last_tick = time.monotonic()
        metrics.loop_ticked(self.worker)
        return super().is_set()

    async def wait(self) -> Literal[True]:
        self.waiting += 1
        try:
            return await super().wait()
        finally:
            self.waiting -= 1
            self.last_tick = time.monotonic()

    def idle_seconds(self) -> float:
        """How long no loop went round: 0 while one sleeps on the signal between rounds."""
        return 0.0 if self.waiting else time.monotonic() - self.last_tick


class NotReady(Exception):
    """A dependency that answered, wrongly (``/readyz`` names it)."""


def base_probes(
    settings: Settings, engine: AsyncEngine, *, chain: bool, hsm: bool
) -> dict[str, Probe]:
    """The database's ``SELECT 1``; the node's ``eth_blockNumber`` and an HSM session where the
    worker needs them. NATS is added by the worker once it connected (``registry.on_bus``)."""

    async def database() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    probes: dict[str, Probe] = {"database": database}
    if chain:
        client = ChainClient(settings.chain.rpc_url, timeout=settings.worker.check_timeout_seconds)

        async def rpc() -> None:
            await client.block_number()

        probes["rpc"] = rpc
    if hsm:

        async def hsm_session() -> None:
            await asyncio.to_thread(Hsm.connect, settings.hsm)

        probes["hsm"] = hsm_session
    return probes


async def _check(probe: Probe, timeout: float) -> str | None:
    """None when ``probe`` passed, else why not."""
    try:
        await asyncio.wait_for(probe(), timeout=timeout)
    except TimeoutError:
        return f"no answer within {timeout}s"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready, and says why
        return (str(exc) or type(exc).__name__)[:300]
    return None


def health_app(
    loops: Mapping[str, LoopStop],
    probes: Mapping[str, Probe],
    settings: WorkerSettings,
    *,
    token: str = "",
    draining: asyncio.Event | None = None,
) -> Starlette:
    """The endpoint of a process hosting the workers ``loops`` names (read on each request: a
    host replaces a worker's signal when it starts the worker again). Once ``draining`` is set
    (SIGTERM) ``/readyz`` answers 503 first, while the workers finish what they hold."""

    async def metrics_page(request: Request) -> Response:
        if not metrics.scrape_allowed(request.headers.get("authorization"), token):
            problem = {"type": "about:blank", "title": "Reading the metrics needs the scrape token",
                       "status": 401, "code": "metrics_token_required"}  # fmt: skip
            return JSONResponse(problem, status_code=401, media_type="application/problem+json")
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    async def healthz(_: Request) -> JSONResponse:
        idle = {name: round(loop.idle_seconds(), 3) for name, loop in loops.items()}
        stale = sorted(name for name, s in idle.items() if s > settings.stale_after_seconds)
        status: dict[str, object] = {
            "status": "stale" if stale else "ok",
            "last_tick_seconds_ago": max(idle.values(), default=0.0),
            "workers": idle,
        }
        if stale:  # one stuck worker makes the whole process unhealthy: it is restarted whole
            status["stale"] = stale
        return JSONResponse(status, status_code=503 if stale else 200)

    async def readyz(_: Request) -> JSONResponse:
        if draining is not None and draining.is_set():
            return JSONResponse({"status": "stopping"}, status_code=503)
        names = list(probes)
        results = await asyncio.gather(
            *(_check(probes[name], settings.check_timeout_seconds) for name in names)
        )
        failed = {name: why for name, why in zip(names, results, strict=True) if why is not None}
        if failed:
            return JSONResponse({"status": "unavailable", "failed": failed}, status_code=503)
        return JSONResponse({"status": "ready", "checked": names})

    return Starlette(
        routes=[
            Route("/metrics", metrics_page),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ]
    )


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: the host's own (``host.run_host``) stop it."""

    @contextmanager
    def capture_signals(self) -> Generator[None]:
        yield


@asynccontextmanager
async def serving(app: Starlette, settings: WorkerSettings) -> AsyncIterator[None]:
    """Serve ``app`` on the worker's metrics port while the block runs (nothing on port 0)."""
    if not settings.metrics_port:
        yield
        return
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.metrics_host, settings.metrics_port))
    except OSError as exc:  # the money path does not stop for its metrics: said, and run on
        sock.close()
        log.error("worker.metrics_port_unavailable", port=settings.metrics_port, error=str(exc))
        yield
        return
    config = uvicorn.Config(app, lifespan="off", access_log=False, log_config=None)
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()
