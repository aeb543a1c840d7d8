"""A worker process's own endpoint (runtime/workers/health.py): ``/healthz`` while its loop goes
round, ``/readyz`` naming the dependency that does not answer, ``/metrics`` in Prometheus' text
format. Each worker runs as ``onramp worker <name>`` beside the test stack's infrastructure."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Mapping

import httpx
import pytest

from onramp.devstack.process import ManagedProcess, free_port, spawn, wait_for_http_health
from onramp.devstack.stack import Stack

StartWorker = Callable[[str, Mapping[str, str]], str]
StartHost = Callable[[list[str]], tuple[ManagedProcess, str]]


def _closed_port() -> int:
    return free_port()  # nothing listens there once the probing socket is closed


@pytest.fixture
def run_worker(infra: Stack) -> Iterator[StartWorker]:
    """Start ``onramp worker <name>`` with the stack's environment and ``env`` on top (not in
    the stack's process table: the session's stack does not restart or list it)."""
    started: list[ManagedProcess] = []

    def start(name: str, env: Mapping[str, str]) -> str:
        port = free_port()
        process = spawn(
            f"test-health-{name}",
            [sys.executable, "-m", "onramp", "worker", name],
            log_dir=infra.state_dir / "logs",
            env=infra.env() | {"ONRAMP_WORKER__METRICS_PORT": str(port)} | dict(env),
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        assert wait_for_http_health(process, f"{url}/healthz", timeout=120), process.log_path
        return url

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def run_host(infra: Stack) -> Iterator[StartHost]:
    """Start ``onramp worker <args>`` (several workers in one process) beside the stack."""
    started: list[ManagedProcess] = []

    def start(args: list[str]) -> tuple[ManagedProcess, str]:
        port = free_port()
        process = spawn(
            "test-host",
            [sys.executable, "-m", "onramp", "worker", *args],
            log_dir=infra.state_dir / "logs",
            env=infra.env() | {"ONRAMP_WORKER__METRICS_PORT": str(port)},
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        assert wait_for_http_health(process, f"{url}/healthz", timeout=120), process.log_path
        return process, url

    yield start
    for process in started:
        process.stop()


def test_a_host_of_several_workers_answers_for_all_of_them_and_stops_on_sigterm(
    run_host: StartHost,
) -> None:
    process, url = run_host(["kyc_review", "order_expiry", "confirmations"])

    alive = httpx.get(f"{url}/healthz", timeout=10)
    assert alive.status_code == 200, alive.text
    assert set(alive.json()["workers"]) == {"kyc_review", "order_expiry", "confirmations"}
    ready = httpx.get(f"{url}/readyz", timeout=30)
    assert ready.json() == {"status": "ready", "checked": ["database", "rpc"]}  # the union
    scraped = httpx.get(f"{url}/metrics", timeout=10).text
    for worker in ("kyc_review", "order_expiry", "confirmations"):
        assert f'onramp_worker_last_tick_timestamp_seconds{{worker="{worker}"}}' in scraped
    process.popen.send_signal(signal.SIGTERM)
    assert process.popen.wait(timeout=60) == 0  # every worker finished its round, no kill


def test_a_worker_whose_database_is_unreachable_is_alive_but_not_ready(
    run_worker: StartWorker,
) -> None:
    bad_db = f"postgresql+asyncpg://onramp:x@127.0.0.1:{_closed_port()}/onramp"
    url = run_worker("order_expiry", {"ONRAMP_DATABASE__URL": bad_db})

    ready = httpx.get(f"{url}/readyz", timeout=30)
    assert ready.status_code == 503, ready.text
    body = ready.json()
    assert body["status"] == "unavailable"
    assert list(body["failed"]) == ["database"]
    assert body["failed"]["database"]
    assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200  # its loop still runs
    scraped = httpx.get(f"{url}/metrics", timeout=10)
    assert scraped.status_code == 200
    assert 'onramp_worker_last_tick_timestamp_seconds{worker="order_expiry"}' in scraped.text


def test_a_chain_worker_with_its_dependencies_up_is_ready_and_checks_the_node(
    run_worker: StartWorker,
) -> None:
    url = run_worker("confirmations", {})

    ready = httpx.get(f"{url}/readyz", timeout=30)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "checked": ["database", "rpc"]}


def test_a_chain_worker_whose_node_is_down_names_the_rpc(run_worker: StartWorker) -> None:
    rpc = f"http://127.0.0.1:{_closed_port()}"
    url = run_worker("confirmations", {"ONRAMP_CHAIN__RPC_URL": rpc})

    ready = httpx.get(f"{url}/readyz", timeout=30)
    assert ready.status_code == 503, ready.text
    assert list(ready.json()["failed"]) == ["rpc"]
