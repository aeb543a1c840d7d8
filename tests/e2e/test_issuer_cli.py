"""``onramp issuer`` against the dev stack: its issuer sandbox (started and made a TestUSDC
minter by the stack) mints TestUSDC into the vault; a redeem sends the cold Safe's USDC back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from onramp.chain.contracts.deploy import usdc_balance
from onramp.core.settings import stack_file
from onramp.devstack.stack import Stack


def onramp(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onramp", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        timeout=120,
        check=False,
    )


def vault_usdc(stack: Stack) -> int:
    return usdc_balance(stack.anvil.url, stack.deployment.usdc, stack.deployment.vault)


def cold_usdc(stack: Stack) -> int:
    assert stack.treasury is not None
    return usdc_balance(stack.anvil.url, stack.deployment.usdc, stack.treasury.cold_safe)


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

    cold_before = cold_usdc(stack)
    redeemed = onramp("issuer", "redeem", "--amount", "400", env=stack.env())
    assert redeemed.returncode == 0, redeemed.stderr
    assert cold_before - cold_usdc(stack) == 400 * 10**6  # redeemed out of cold storage
    assert vault_usdc(stack) - before == 1000 * 10**6
