"""The API's hot routes at fixed request rates (open loop), beside a bare FastAPI endpoint.

    .venv/bin/python bench/api.py --rate 300 --duration 30
    .venv/bin/python bench/api.py --sweep 100,200,300,400 --duration 20
    .venv/bin/python bench/api.py --server granian --workers 2 --mix quote=1 --rate 200

Requests start on a fixed schedule whether or not earlier ones have answered (open loop: a slow
server is not given time to catch up), and each latency counts from the scheduled start. The mix
is 50 % quotes, 40 % order status, 10 % orders (a quote, then the order with an Idempotency-Key:
timed together) (``--mix`` to change it,
``webhook=N`` adds signed bank webhooks of unknown references, which land in suspense). Then the
same schedule hits a bare FastAPI endpoint (``GET /ping``, one uvicorn process) on the same box:
the ceiling of Python HTTP here, with this load generator sharing the cores.

``--server uvicorn|granian`` with ``--workers N``: the bench starts an API of its own on the
stack (``onramp api --workers N``, or granian serving the same app factory with N workers) and
serves the bare endpoint the same way, to compare the servers and the process counts.

Against the stack of ``onramp dev`` (``.onramp/stack.json``), which must run with
``ONRAMP_RATE_LIMITS__ENABLED=false`` (one client address, many requests per account). Ends with
``p99 ms: X, errors: N`` (the mix at the last rate). Numbers, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from onramp.core.settings import load_settings, stack_file

sys.path.insert(0, str(Path(__file__).parent))
from e2e import deliver_webhook  # noqa: E402 - the bench scripts' shared helpers
from e2e_common import new_customer, pct  # noqa: E402

AMOUNT = "10.00"  # EUR: small, so a day of bench orders stays inside KYC tier 2's limits
Call = Callable[[], Awaitable[httpx.Response | None]]  # None: answered well


@dataclass
class Results:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    late_starts: int = 0  # the generator itself fell behind its schedule by > 10 ms

    def all(self) -> list[float]:
        return [v for values in self.latency.values() for v in values]

    def error_count(self) -> int:
        return sum(self.errors.values())


class Routes:
    """The hot routes as one bench customer calls them."""

    def __init__(self, clients: list[httpx.AsyncClient], orders: list[str]) -> None:
        self._clients, self._orders = clients, orders
        banking = load_settings().banking
        self._secret = banking.webhook_secret.get_secret_value().encode()
        self._iban = banking.treasury_iban

    def _client(self) -> tuple[int, httpx.AsyncClient]:
        i = random.randrange(len(self._clients))
        return i, self._clients[i]

    async def quote(self) -> httpx.Response:
        _, client = self._client()
        return await client.post(
            "/v1/quotes", json={"source_currency": "EUR", "source_amount": AMOUNT}
        )

    async def status(self) -> httpx.Response:
        i, client = self._client()
        return await client.get(f"/v1/orders/{self._orders[i]}")

    async def order(self) -> httpx.Response:
        _, client = self._client()
        return await place(client)

    async def webhook(self) -> None:
        """A booking of an unknown reference (it lands in suspense), signed as the sandbox
        bank signs; a refusal raises (counted as an error)."""
        _, client = self._client()
        credit = {
            "amount": "1.00",
            "currency": "EUR",
            "reference": f"BENCH-{uuid.uuid4().hex[:12]}",
            "iban": self._iban,
        }
        await deliver_webhook(client, {"deposit_instructions": credit}, secret=self._secret)


async def place(client: httpx.AsyncClient) -> httpx.Response:
    """A quote, then an order against it with an Idempotency-Key (a quote backs one order)."""
    quote = await client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": AMOUNT}
    )
    if quote.status_code != 201:
        return quote
    return await client.post(
        "/v1/orders",
        json={"quote_id": quote.json()["id"], "source_currency": "EUR", "source_amount": AMOUNT},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


async def open_loop(
    calls: dict[str, Call], mix: dict[str, int], rate: float, seconds: float
) -> Results:
    """Start ``rate`` requests a second for ``seconds``, each at its scheduled time."""
    names = [name for name, weight in mix.items() for _ in range(weight)]
    results = Results()
    tasks: list[asyncio.Task[None]] = []

    async def one(name: str, due: float) -> None:
        try:
            response = await calls[name]()
            ok = response is None or response.status_code < 400
        except httpx.HTTPError:
            ok = False
        results.latency[name].append(time.monotonic() - due)
        if not ok:
            results.errors[name] += 1

    start = time.monotonic() + 0.1
    for i in range(int(rate * seconds)):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.01:
            results.late_starts += 1
        tasks.append(asyncio.create_task(one(random.choice(names), due)))
    await asyncio.gather(*tasks)
    return results


def show(label: str, results: Results) -> None:
    for name, values in sorted(results.latency.items()):
        ms = [v * 1000 for v in values]
        print(
            f"  {label:<8} {name:<8} n {len(ms):6d}   p50 {pct(ms, 50):7.1f}"
            f"   p99 {pct(ms, 99):7.1f}   max {max(ms):7.1f} ms"
            f"   errors {results.errors.get(name, 0)}"
        )
    if results.late_starts:
        print(f"  ({results.late_starts} requests started > 10 ms late: the generator lagged)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BARE_APP = (
    "from fastapi import FastAPI\n"
    "app = FastAPI()\n"
    "@app.get('/ping')\n"
    "async def ping() -> dict[str, bool]:\n"
    "    return {'ok': True}\n"
)


def server_argv(server: str, app: str, port: int, workers: int, *, factory: bool) -> list[str]:
    """``app`` (an import string) served by uvicorn or granian with ``workers`` processes."""
    factory_flag = ["--factory"] if factory else []
    if server == "granian":
        return [sys.executable, "-m", "granian", "--interface", "asgi", "--loop", "uvloop",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--log-level", "warning", "--no-access-log", *factory_flag, app]  # fmt: skip
    return [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log", *factory_flag]  # fmt: skip


def wait_answering(proc: subprocess.Popen[bytes], url: str, what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{what} did not start")


def start_bare(port: int, workdir: Path, server: str, workers: int) -> subprocess.Popen[bytes]:
    (workdir / "bench_bare_app.py").write_text(BARE_APP)
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        server_argv(server, "bench_bare_app:app", port, workers, factory=False), cwd=workdir
    )
    wait_answering(proc, f"http://127.0.0.1:{port}/ping", "the bare FastAPI app")
    return proc


def start_onramp(port: int, workdir: Path, server: str, workers: int) -> subprocess.Popen[bytes]:
    """An API of the bench's own on the running stack (its settings come from stack.json):
    ``onramp api --workers N``, or granian serving the app factory each uvicorn worker calls,
    with the multiprocess metrics directory ``onramp api`` would make."""
    from onramp.runtime.api_processes import METRICS_DIR_VARIABLE, WORKER_APP

    metrics_dir = workdir / f"metrics-{port}"
    metrics_dir.mkdir()
    argv = (
        server_argv("granian", WORKER_APP, port, workers, factory=True)
        if server == "granian"
        else [sys.executable, "-m", "onramp", "api", "--port", str(port), "--workers", str(workers)]
    )
    env = os.environ | {"ONRAMP_RATE_LIMITS__ENABLED": "false"}
    if server == "granian":
        env[METRICS_DIR_VARIABLE] = str(metrics_dir)
    proc = subprocess.Popen(argv, env=env)  # noqa: S603 - our own interpreter and module
    wait_answering(proc, f"http://127.0.0.1:{port}/readyz", f"onramp under {server}")
    return proc


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def prepare(
    api: str, mail_url: str, customers: int
) -> tuple[list[httpx.AsyncClient], list[str]]:
    clients, orders = [], []
    for _ in range(customers):
        client = await new_customer(api, mail_url)
        order = await place(client)
        order.raise_for_status()
        clients.append(client)
        orders.append(order.json()["id"])
    return clients, orders


async def run(args: argparse.Namespace, stack_info: dict[str, str]) -> None:
    mix = {k: int(v) for k, v in (part.split("=") for part in args.mix.split(","))}
    rates = [float(r) for r in args.sweep.split(",")] if args.sweep else [args.rate]
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="onramp-bench-api-"))
    api, own = stack_info["api"], None
    if args.server:
        own_port = free_port()
        own = start_onramp(own_port, workdir, args.server, args.workers)
        api = f"http://127.0.0.1:{own_port}"
        print(f"onramp and the bare app: {args.server}, {args.workers} worker process(es)")
    try:
        await measure(args, stack_info, api, workdir, mix, rates)
    finally:
        if own is not None:
            own.terminate()
            own.wait(timeout=60)


async def measure(
    args: argparse.Namespace,
    stack_info: dict[str, str],
    api: str,
    workdir: Path,
    mix: dict[str, int],
    rates: list[float],
) -> None:
    clients, orders = await prepare(api, stack_info["mail_sandbox"], args.customers)
    routes = Routes(clients, orders)
    calls: dict[str, Call] = {
        "quote": routes.quote, "status": routes.status, "order": routes.order,
        "webhook": routes.webhook,
    }  # fmt: skip
    port = free_port()
    bare = start_bare(port, workdir, args.server or "uvicorn", args.workers)
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    crossed: float | None = None
    last = Results()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as ping:
            bare_call: dict[str, Call] = {"ping": lambda: ping.get("/ping")}
            for rate in rates:
                print(f"rate {rate:.0f}/s for {args.duration:.0f} s, load average {load_average()}")
                last = await open_loop(calls, mix, rate, args.duration)
                show("onramp", last)
                p99 = pct([v * 1000 for v in last.all()], 99)
                print(f"  onramp   mix      p99 {p99:7.1f} ms   errors {last.error_count()}")
                show("bare", await open_loop(bare_call, {"ping": 1}, rate, args.duration))
                if crossed is None and p99 > 100:
                    crossed = rate
    finally:
        bare.terminate()
        bare.wait(timeout=60)
        for client in clients:
            await client.aclose()
    print(f"load average after: {load_average()}")
    if len(rates) > 1:
        where = f"{crossed:.0f}/s" if crossed is not None else f"not within {rates[-1]:.0f}/s"
        print(f"p99 crosses 100 ms at: {where}")
    p99 = pct([v * 1000 for v in last.all()], 99)
    print(f"p99 ms: {p99:.1f}, errors: {last.error_count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0, help="requests a second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per rate")
    parser.add_argument("--sweep", default="", help="rates to run in turn, e.g. 100,200,300")
    parser.add_argument("--mix", default="quote=50,status=40,order=10")
    parser.add_argument("--customers", type=int, default=8)
    parser.add_argument("--workdir", default="", help="where the bare app's module is written")
    parser.add_argument(
        "--server",
        choices=["uvicorn", "granian"],
        default="",
        help="start an onramp API of the bench's own (and the bare app) under this server",
    )
    parser.add_argument("--workers", type=int, default=1, help="processes of each server")
    args = parser.parse_args()
    path = stack_file(load_settings().state_dir)
    if not path.exists():
        sys.exit("no running stack: start `.venv/bin/onramp dev` (rate limits off) first")
    asyncio.run(run(args, json.loads(path.read_text())))


if __name__ == "__main__":
    main()
