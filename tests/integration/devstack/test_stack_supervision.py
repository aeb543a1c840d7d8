"""The running stack is supervised: a worker or a vendor sandbox killed with SIGKILL comes back
by itself (same command, same port), and stack.json names its new pid."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from onramp.core.settings import stack_file
from onramp.devstack.process import ManagedProcess
from onramp.devstack.stack import Stack

pytestmark = pytest.mark.integration


def _replaced(stack: Stack, name: str, died: ManagedProcess) -> ManagedProcess:
    """The process the supervisor started in place of ``died``, once it runs."""
    deadline = time.monotonic() + 30
    while True:
        current = stack.processes()[name]
        if current is not died and current.alive():
            return current
        assert time.monotonic() < deadline, f"{name} was not restarted"
        time.sleep(0.05)


def _described_with(stack: Stack, name: str, pid: int) -> dict[str, Any]:
    """stack.json once it names ``pid`` for ``name``: the supervisor writes it just after the
    restart, so a reader may see the file of a moment before."""
    deadline = time.monotonic() + 10
    while True:
        described: dict[str, Any] = json.loads(stack_file(stack.state_dir).read_text())
        if described["pids"].get(name) == pid:
            return described
        assert time.monotonic() < deadline, f"stack.json names {described['pids'].get(name)}"
        time.sleep(0.05)


def test_a_killed_worker_is_restarted_and_stack_json_names_its_pid(stack: Stack) -> None:
    died = stack.apps["worker-order_expiry"]
    died.kill()  # SIGKILL, as a crash would

    again = _replaced(stack, "worker-order_expiry", died)

    assert again.popen.args == died.popen.args
    assert again.supervised
    described = _described_with(stack, "worker-order_expiry", again.pid)
    assert described["supervisor"]["worker-order_expiry"]["restarts"] >= 1
    assert all(p.alive() for name, p in stack.apps.items() if name.startswith("worker-"))


def test_a_killed_vendor_sandbox_comes_back_on_its_url(stack: Stack) -> None:
    assert stack.kyc is not None
    died = stack.kyc.process
    died.kill()

    again = _replaced(stack, "kyc_sandbox", died)

    assert stack.kyc.process is again
    deadline = time.monotonic() + 30
    while True:  # the API and workers still call it where they were told it is
        try:
            if httpx.get(f"{stack.kyc.url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the restarted KYC sandbox never answered"
        time.sleep(0.05)


def test_a_worker_stopped_on_purpose_stays_stopped_until_started_again(stack: Stack) -> None:
    stopped = stack.apps["worker-order_expiry"]
    stopped.stop()
    assert stack.supervisor is not None
    stack.supervisor.poll()  # what the supervisor's thread does every moment
    assert stack.apps["worker-order_expiry"] is stopped
    assert stack.supervisor.status()["worker-order_expiry"]["state"] == "stopped"
    again = stack.spawn_worker("order_expiry")
    assert again.supervised
    assert stack.supervisor.status()["worker-order_expiry"]["state"] == "running"
