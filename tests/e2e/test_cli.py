"""The ``onramp`` command against real services."""

from __future__ import annotations

import asyncio
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

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.artifacts import load_artifact
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer


def onramp(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onramp", *args],
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


async def test_a_new_signing_key_is_made_in_the_hsm_and_audited(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    result = onramp("keys", "new-payout-key", "--label", "onramp-test-key", env=stack.env())
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(maxsplit=1) for line in result.stdout.splitlines()[:2])
    key_id, address = lines["key"].removeprefix("id").strip(), lines["address"].strip()
    assert len(key_id) == 32
    assert address.startswith("0x")
    async with sessions() as session:
        row = (
            await session.execute(
                text("SELECT action, data FROM audit_log WHERE entity_id = :id"), {"id": key_id}
            )
        ).one()
    assert row.action == "keys.signing_key_generated"
    assert row.data["address"] == address


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
def test_dev_writes_stack_json_restarts_a_killed_worker_and_stops_everything_on_sigterm() -> None:
    state = Path(tempfile.mkdtemp(prefix="onramp-dev-"))
    process = subprocess.Popen(
        [sys.executable, "-m", "onramp", "dev", "--state-dir", str(state)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack_json = state / "stack.json"
    try:
        info = _wait_for_stack_json(process, stack_json)
        assert {"api", "bank_sandbox", "rpc", "nats", "database", "contracts"} <= info.keys()
        assert {"usdc", "vault"} <= info["contracts"].keys()
        # The treasury's interface: the HSM by module and token, the Safes, the factory.
        assert {"module", "token_label"} <= info["hsm"].keys()
        assert {"cold_safe", "warm_safe", "wallet_factory"} <= info["contracts"].keys()
        w3 = Web3(Web3.HTTPProvider(info["rpc"]))
        vault = w3.eth.contract(
            address=info["contracts"]["vault"], abi=load_artifact("TreasuryVault").abi
        )
        assert vault.functions.hasRole(bytes(32), info["contracts"]["cold_safe"]).call()
        assert httpx.get(f"{info['api']}/readyz").status_code == 200
        # The web UI the API serves: the dashboard's address sends a browser to sign in.
        assert info["web"] == {"app": f"{info['api']}/app", "admin": f"{info['api']}/admin"}
        page = httpx.get(info["web"]["app"], headers={"accept": "text/html"})
        assert page.status_code == 303
        assert page.headers["location"] == "/app/sign-in"
        # The workers run as four group processes, each listed with its workers and metrics.
        assert "relay" in info["workers"]["workers-money_in"]
        assert set(info["metrics"]) == {"api"} | set(info["workers"])
        assert len(info["workers"]) == 4
        # A worker process killed under `onramp dev` is restarted; stack.json names its new pid.
        host = "workers-money_in"
        os.kill(info["pids"][host], signal.SIGKILL)
        info = _wait_for_restart(process, stack_json, host, info["pids"][host])
        assert info["supervisor"][host]["state"] == "running"
        assert info["supervisor"][host]["last_exit"] == -signal.SIGKILL
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not stack_json.exists()
        still = [name for name, pid in info["pids"].items() if not _gone(pid)]
        assert still == []
    finally:
        if process.poll() is None:  # failed midway: stop it as Ctrl-C would, so its children go
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(state, ignore_errors=True)


def _wait_for_stack_json(process: subprocess.Popen[bytes], stack_json: Path) -> dict[str, Any]:
    # Four worker processes, the API, PostgreSQL, NATS and anvil start beside the suite's own stack
    # on two cores: 45 s alone, more under the suite's load.
    deadline = time.monotonic() + 420
    while not stack_json.exists():
        assert process.poll() is None, "the command exited early"
        assert time.monotonic() < deadline, "stack.json never appeared"
        time.sleep(0.05)
    info: dict[str, Any] = json.loads(stack_json.read_text())
    return info


def _wait_for_restart(
    process: subprocess.Popen[bytes], stack_json: Path, name: str, old_pid: int
) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "the command exited"
        info: dict[str, Any] = json.loads(stack_json.read_text())
        if info["pids"][name] != old_pid and not _gone(info["pids"][name]):
            return info
        assert time.monotonic() < deadline, f"{name} was not restarted"
        time.sleep(0.05)


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
        [sys.executable, "-m", "onramp", "demo", "--state-dir", str(state)],
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


def test_create_admin_works_once(infra: Stack, migrated_database: str) -> None:
    env = infra.env() | {"ONRAMP_DATABASE__URL": migrated_database, "ONRAMP_ADMIN_PASSWORD": "tiny"}
    args = ("users", "create-admin", "--email", "Root@Example.com", "--full-name", "Rosa Root")
    weak = onramp(*args, env=env)
    assert weak.returncode == 1
    assert weak.stderr.startswith("password_too_weak")
    env["ONRAMP_ADMIN_PASSWORD"] = "a long and unguessable admin passphrase"
    created = onramp(*args, env=env)
    assert created.returncode == 0, created.stderr
    assert "enrol an authenticator app" in created.stdout
    again = onramp(*args[:3], "second@example.com", *args[4:], env=env)
    assert again.returncode == 1
    assert again.stderr.startswith("admin_exists")

    async def admins() -> list[tuple[bytes, str, bool]]:
        conn = await asyncpg.connect(migrated_database)
        try:
            rows = await conn.fetch(
                "SELECT u.email_sealed, a.actor, u.email_verified_at IS NOT NULL AS verified "
                "FROM users u JOIN audit_log a ON a.entity_id = u.id::text "
                "WHERE u.role = 'admin' AND a.action = 'auth.first_admin_created'"
            )
            return [(bytes(r["email_sealed"]), r["actor"], r["verified"]) for r in rows]
        finally:
            await conn.close()

    ((sealed, actor, verified),) = asyncio.run(admins())
    assert verified
    assert b"root@example.com" not in sealed  # stored sealed, like every user's
    assert actor.startswith("cli:")
