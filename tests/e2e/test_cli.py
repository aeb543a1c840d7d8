"""The ``onramp`` command against real services."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer


def onramp(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onramp.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        timeout=60,
        check=False,
    )


def test_trial_balance_command(stack: Stack) -> None:
    result = onramp("ledger", "trial-balance", env=stack.env())
    assert result.returncode == 0, result.stderr
    assert "chain:vault:USDC" in result.stdout
    assert result.stdout.strip().endswith("balanced")


def test_audit_verify_command(stack: Stack) -> None:
    result = onramp("audit", "verify", "--seal-first", env=stack.env())
    assert result.returncode == 0, result.stderr
    assert "chain intact" in result.stdout


async def test_orders_show_command(stack: Stack, customer: Customer) -> None:
    order = await customer.order(await customer.quote("100.00"))
    shown = onramp("orders", "show", order["id"], env=stack.env())
    assert shown.returncode == 0, shown.stderr
    assert order["id"] in shown.stdout
    assert "awaiting_funds" in shown.stdout
    missing = onramp("orders", "show", "01a20000-0000-7000-8000-000000000000", env=stack.env())
    assert missing.returncode == 1
    assert "order_not_found" in missing.stderr


@pytest.mark.integration
def test_dev_writes_stack_json_and_stops_everything_on_sigterm() -> None:
    state = Path(tempfile.mkdtemp(prefix="onramp-dev-"))
    process = subprocess.Popen(
        [sys.executable, "-m", "onramp.cli", "dev", "--state-dir", str(state)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack_json = state / "stack.json"
    try:
        info = _wait_for_stack_json(process, stack_json)
        assert {"api", "bank_sandbox", "rpc", "nats", "database", "contracts"} <= info.keys()
        assert {"usdc", "vault"} <= info["contracts"].keys()
        assert httpx.get(f"{info['api']}/readyz").status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not stack_json.exists()
        still = [name for name, pid in info["pids"].items() if not _gone(pid)]
        assert still == []
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(state, ignore_errors=True)


def _wait_for_stack_json(process: subprocess.Popen[bytes], stack_json: Path) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while not stack_json.exists():
        assert process.poll() is None, "the command exited early"
        assert time.monotonic() < deadline, "stack.json never appeared"
        time.sleep(0.05)
    info: dict[str, Any] = json.loads(stack_json.read_text())
    return info


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" in status.read_text()


@pytest.mark.integration
def test_demo_stops_every_child_on_sigterm() -> None:
    state = Path(tempfile.mkdtemp(prefix="onramp-demo-"))
    process = subprocess.Popen(
        [sys.executable, "-m", "onramp.cli", "demo", "--state-dir", str(state)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        info = _wait_for_stack_json(process, state / "stack.json")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 128 + signal.SIGTERM
        assert not (state / "stack.json").exists()
        still = [name for name, pid in info["pids"].items() if not _gone(pid)]
        assert still == []
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(state, ignore_errors=True)
