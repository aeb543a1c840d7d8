"""Each script of examples/ runs against the session's stack as a person would run it against
`onramp dev` (`.venv/bin/python examples/<name>.py`), pointed at the stack's description
through ONRAMP_STACK_FILE: an example that rots fails here."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from eth_account import Account
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from tests.e2e.samples_cli import load_samples

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def stack_file(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "stack.json"
    path.write_text(json.dumps(stack.describe()))
    return path


def run(name: str, stack_file: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        env=os.environ | {"ONRAMP_STACK_FILE": str(stack_file)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_onboarding(stack_file: Path) -> None:
    out = run("onboarding", stack_file)
    assert "kyc          approved: tier 1" in out
    assert "oauth        client-credentials token for orders:read_own" in out


def test_transaction_processing(stack_file: Path) -> None:
    out = run("transaction_processing", stack_file)
    assert "(the retry got the same order)" in out
    assert "completed" in out
    assert "history      1 order(s): completed" in out


def test_error_handling(stack_file: Path) -> None:
    out = run("error_handling", stack_file)
    for code in (
        "invalid_credentials", "amount_too_precise", "kyc_required", "idempotency_key_reused",
        "quote_already_used", "order_not_found", "request_invalid", "invalid_token",
    ):  # fmt: skip
        assert f" {code}: " in out, code
    assert "case rejected: FORGERY" in out
    assert "error handling done" in out


def test_system_monitoring(stack: Stack, stack_file: Path) -> None:
    loaded = load_samples(stack)  # the sample auditor it signs in as
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    out = run("system_monitoring", stack_file)
    assert "health       /healthz ok, /readyz ready" in out
    assert "signed in    as auditor@samples.example.com" in out
    assert "audit        chain intact" in out
    assert "monitoring   done" in out


@pytest.fixture
async def free_sample_owner_keys(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """A Safe owner key is one person's once it signed: the example's sample treasurers sign
    with the stack's demo owner keys, which test_treasury_rebalancing.py binds to its own
    treasurers. Unbound before the example (others' bindings) and after it (its own)."""
    staff = json.loads((EXAMPLES.parent / "samples" / "users" / "staff.json").read_text())
    owners = [
        Account.from_key(p["safe_owner_key"]).address.lower()
        for p in staff["staff"]
        if p.get("safe_owner_key")
    ]

    async def free() -> None:
        async with unit_of_work(sessions) as session:
            await session.execute(
                text("DELETE FROM treasury_signers WHERE lower(address) = ANY(:owners)"),
                {"owners": owners},
            )

    await free()
    yield
    await free()


async def test_treasury_management(
    stack: Stack, stack_file: Path, free_sample_owner_keys: None
) -> None:
    loaded = await asyncio.to_thread(load_samples, stack)  # the sample treasurers
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    out = await asyncio.to_thread(run, "treasury_management", stack_file)
    assert "proposed     refill of 1000.000000 USDC from warm to vault" in out
    assert "signed       by treasurer.two@samples.example.com" in out
    assert ": ready" in out or ": executing" in out or ": executed" in out
    assert "executed     transaction 0x" in out
    before, after = (line.split()[1] for line in out.splitlines() if line.startswith("vault "))
    assert float(after) - float(before) == pytest.approx(1000)
    assert "treasury     done" in out


def test_deployment_needs_no_stack(tmp_path: Path) -> None:
    out = run("deployment", tmp_path / "absent.json", "production", "--image", "reg.test/o:9.9")
    assert "build        production:" in out
    assert "reg.test/o:9.9" in out
    assert "validate     every object matches its schema" in out
    assert "deployment   production ready to apply" in out


def test_an_example_without_a_stack_says_how_to_start_one(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "onboarding.py")],
        env=os.environ | {"ONRAMP_STACK_FILE": str(tmp_path / "absent.json")},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "make dev" in done.stderr
