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
        deadline = time.monotonic() + 90
        while not stack_json.exists():
            assert process.poll() is None, "onramp dev exited early"
            assert time.monotonic() < deadline, "stack.json never appeared"
            time.sleep(0.1)
        info = json.loads(stack_json.read_text())
        assert {"api", "bank_sandbox", "rpc", "nats", "database", "contracts"} <= info.keys()
        assert {"usdc", "vault"} <= info["contracts"].keys()
        assert httpx.get(f"{info['api']}/readyz").status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not stack_json.exists()
        for name, pid in info["pids"].items():
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                continue
            status = (
                Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}").exists() else ""
            )
            assert "zombie" in status, f"{name} (pid {pid}) still running"
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(state, ignore_errors=True)
