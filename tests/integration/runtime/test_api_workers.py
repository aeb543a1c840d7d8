"""``onramp api --workers 2`` on the test stack's database: two processes answer behind the one
port, and ``/metrics`` on either counts every request both answered (Prometheus' multiprocess
mode, runtime/api_processes.py), before and after one of them is killed and replaced; and a
supervisor SIGKILLed takes its workers with it, freeing the port.

Which process answered what is read from each process's own files in the multiprocess
directory (the test names it, as a pod's ``PROMETHEUS_MULTIPROC_DIR`` would)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from onramp.core.settings.base import REPO_ROOT
from onramp.devstack.process import ManagedProcess, free_port, spawn
from onramp.devstack.stack import Stack, wait_ready

REQUESTS = "onramp_http_requests_total"
HEALTHZ = {"route": "/healthz", "method": "GET", "status": "200"}
SCRAPE = {"route": "/metrics", "method": "GET", "status": "200"}
BATCH = 20
Samples = list[tuple[str, dict[str, str], float]]


def _count(samples: Samples, labels: dict[str, str]) -> float:
    return sum(v for name, ls, v in samples if name == REQUESTS and ls == labels)


def _page(text: str) -> Samples:
    return [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


def _each_process(directory: Path, scratch: Path) -> dict[int, Samples]:
    """Each process's own request counts, from its own counter file alone."""
    counted = {}
    for path in directory.glob("counter_*.db"):
        pid = int(re.fullmatch(r"counter_(\d+)\.db", path.name).group(1))  # type: ignore[union-attr]
        alone = scratch / str(pid)
        alone.mkdir(exist_ok=True)
        shutil.copy(path, alone / path.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))  # type: ignore[no-untyped-call]
        counted[pid] = [
            (s.name, s.labels, s.value) for family in registry.collect() for s in family.samples
        ]
    return counted


def _answered(directory: Path, scratch: Path, labels: dict[str, str]) -> dict[int, float]:
    """Requests with ``labels`` by the process that answered them (those that answered any)."""
    return {
        pid: n
        for pid, samples in _each_process(directory, scratch).items()
        if (n := _count(samples, labels)) > 0
    }


def _earlier_run(directory: Path) -> None:
    """A counter file an earlier run left behind: 1000 /healthz requests of a process gone."""
    directory.mkdir(parents=True)
    left = MmapedDict(str(directory / "counter_999999.db"))
    key = mmap_key(REQUESTS, REQUESTS, list(HEALTHZ), list(HEALTHZ.values()), "earlier")
    left.write_value(key, 1000.0, 0.0)
    left.close()


@pytest.fixture
def two_processes(infra: Stack, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    directory = tmp_path / "metrics"
    _earlier_run(directory)
    port = free_port()
    api: ManagedProcess = spawn(
        "api-two-processes",
        [sys.executable, "-m", "onramp", "api", "--workers", "2", "--port", str(port)],
        log_dir=infra.state_dir / "logs",
        env=infra.env() | {"PROMETHEUS_MULTIPROC_DIR": str(directory)},
        cwd=REPO_ROOT,
    )
    workers: set[int] = set()
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, infra, timeout=120)
        yield url, directory
    finally:
        workers = {int(p.name.split("_")[-1][:-3]) for p in directory.glob("counter_*.db")}
        api.stop(timeout=30)
        for pid in workers - {999999}:  # a worker the stopped parent left behind, if any
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


async def _get_each_on_its_own_connection(url: str, path: str, times: int) -> list[httpx.Response]:
    """Concurrent requests, each on a new connection: the kernel hands each connection to
    whichever process accepts first, so both processes answer some."""

    async def one() -> httpx.Response:
        async with httpx.AsyncClient(base_url=url, timeout=10.0) as client:
            return await client.get(path, headers={"Connection": "close"})

    return list(await asyncio.gather(*(one() for _ in range(times))))


async def test_metrics_on_either_process_count_the_requests_both_answered(
    two_processes: tuple[str, Path], tmp_path: Path
) -> None:
    url, directory = two_processes
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    sent = 0
    for _ in range(50):  # until both processes have answered some
        answers = await _get_each_on_its_own_connection(url, "/healthz", BATCH)
        assert [a.status_code for a in answers] == [200] * BATCH
        sent += BATCH
        if len(_answered(directory, scratch, HEALTHZ)) == 2:
            break
    by_process = _answered(directory, scratch, HEALTHZ)
    assert len(by_process) == 2, by_process  # two processes, each answered some
    assert sum(by_process.values()) == sent  # and the earlier run's file is gone

    scraped: list[float] = []
    for _ in range(20):  # until both processes have answered a scrape
        (page,) = await _get_each_on_its_own_connection(url, "/metrics", 1)
        assert page.status_code == 200
        scraped.append(_count(_page(page.text), HEALTHZ))
        if len(_answered(directory, scratch, SCRAPE)) == 2:
            break
    assert len(_answered(directory, scratch, SCRAPE)) == 2
    assert scraped == [sent] * len(scraped)  # whichever answered: every request, counted once
    memory = [v for n, _, v in _page(page.text) if n == "process_resident_memory_bytes"]
    assert len(memory) == 1
    assert memory[0] > 0  # the processes' memory, summed (the dashboard's)

    # A worker killed (as a crash would) is replaced; its requests still count.
    killed = next(iter(by_process))
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        answers = await _get_each_on_its_own_connection(url, "/healthz", BATCH)
        sent += sum(1 for a in answers if a.status_code == 200)
        running = set(_each_process(directory, scratch)) - {killed}
        if len(running) == 2:  # the replacement has started (its files are there)
            break
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        await asyncio.sleep(0.5)
    (page,) = await _get_each_on_its_own_connection(url, "/metrics", 1)
    assert _count(_page(page.text), HEALTHZ) == sent


def test_workers_that_cannot_start_stop_the_command_non_zero(tmp_path: Path) -> None:
    """No stack to start on (no HSM PIN, nothing on the database's or the chain's port): each
    worker's start-up fails, and ``onramp api`` says so and exits 3 rather than starting them
    again forever."""
    closed = f"127.0.0.1:{free_port()}"
    env = os.environ | {
        "ONRAMP_STATE_DIR": str(tmp_path),  # no stack.json: only these settings
        "ONRAMP_DATABASE__URL": f"postgresql+asyncpg://onramp@{closed}/onramp",
        "ONRAMP_CHAIN__RPC_URL": f"http://{closed}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "onramp", "api", "--workers", "2", "--port", str(free_port())],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 3, done.stderr[-3000:]
    assert "api_start_failed" in done.stderr


def _spawned_children(parent: int) -> set[int]:
    """The processes ``parent`` spawned through multiprocessing (uvicorn's workers)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if ppid == parent and b"spawn_main" in command:
            children.add(int(stat.parent.name))
    return children


def _running(pid: int) -> bool:
    """Still a process, not a zombie its new parent has yet to reap."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_workers_leave_with_a_killed_supervisor_and_free_the_port(infra: Stack) -> None:
    """The supervisor SIGKILLed (an OOM killer, a node's eviction): it cannot stop its workers,
    so each stops itself, and the next ``onramp api`` can bind the port again."""
    port = free_port()
    api = spawn(
        "api-killed-supervisor",
        [sys.executable, "-m", "onramp", "api", "--workers", "2", "--port", str(port)],
        log_dir=infra.state_dir / "logs",
        env=infra.env(),
        cwd=REPO_ROOT,
    )
    workers: set[int] = set()
    try:
        wait_ready(f"http://127.0.0.1:{port}", infra, timeout=120)
        workers = _spawned_children(api.pid)
        assert len(workers) == 2, workers

        api.kill()
        deadline = time.monotonic() + 30  # a bound on waiting, not on how fast they go
        while left := {pid for pid in workers if _running(pid)}:
            assert time.monotonic() < deadline, f"workers {left} outlived their supervisor"
            time.sleep(0.2)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            sock.bind(("127.0.0.1", port))
            sock.listen()
    finally:
        api.stop(timeout=30)
        for pid in workers:  # left behind when the test failed
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
