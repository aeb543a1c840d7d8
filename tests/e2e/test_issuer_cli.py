"""``onramp issuer`` against the dev stack: its issuer sandbox (started and granted MINTER_ROLE by
the stack) mints TestUSDC into the vault and takes it back on a redeem."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from onramp.chain.deploy import usdc_balance
from onramp.core.settings import stack_file
from onramp.devstack.stack import Stack


def onramp(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onramp.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        timeout=120,
        check=False,
    )


def vault_usdc(stack: Stack) -> int:
    return usdc_balance(stack.anvil.url, stack.deployment.usdc, stack.deployment.vault)


def test_the_stack_file_names_the_issuer_sandbox(stack: Stack) -> None:
    described = json.loads(stack_file(stack.state_dir).read_text())
    assert stack.issuer is not None
    assert described["issuer_sandbox"] == stack.issuer.url
    assert described["pids"]["issuer_sandbox"] == stack.issuer.process.pid


def test_mint_then_redeem_through_the_cli(stack: Stack) -> None:
    key = f"e2e-mint-{uuid.uuid4()}"
    before = vault_usdc(stack)
    minted = onramp("issuer", "mint", "--amount", "1000", "--key", key, env=stack.env())
    assert minted.returncode == 0, minted.stderr
    assert "completed" in minted.stdout
    assert vault_usdc(stack) - before == 1000 * 10**6

    again = onramp("issuer", "mint", "--amount", "1000", "--key", key, env=stack.env())
    assert again.returncode == 0, again.stderr
    assert vault_usdc(stack) - before == 1000 * 10**6  # the same key: no second mint

    other = onramp("issuer", "mint", "--amount", "5", "--key", key, env=stack.env())
    assert other.returncode == 1
    assert "issuer_operation_conflict" in other.stderr

    redeemed = onramp("issuer", "redeem", "--amount", "400", env=stack.env())
    assert redeemed.returncode == 0, redeemed.stderr
    assert vault_usdc(stack) - before == 600 * 10**6
