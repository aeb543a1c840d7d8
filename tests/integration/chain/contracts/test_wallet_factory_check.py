"""At start-up, a process that computes customer wallet addresses from the local UserWallet
artifact checks the deployed factory's ``walletInitCodeHash()`` on the stack's anvil, and
refuses to run when they differ."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from eth_utils.crypto import keccak
from fastapi.testclient import TestClient

from onramp.chain.addresses import wallet_init_code_hash
from onramp.chain.client import ChainClient
from onramp.chain.contracts.deploy import Deployer
from onramp.chain.contracts.wallet_factory_check import WalletFactoryMismatch, check_wallet_factory
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app

OTHER_HASH = keccak(text="a UserWallet of another release")


def _deploy_factory_answering(infra: Stack, answer: bytes) -> str:
    """A contract that answers every call with ``answer``: as a factory built by another
    release, whose wallets have other init code, answers ``walletInitCodeHash()``."""
    assert len(answer) == 32
    # runtime: PUSH32 answer, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN (41 bytes)
    runtime = b"\x7f" + answer + bytes.fromhex("600052602060" + "00f3")
    # init: copy the runtime (after these 12 bytes) to memory and return it
    init = bytes.fromhex("6029600c60003960296000f3") + runtime
    receipt = Deployer(infra.anvil.url, ANVIL_DEPLOYER_KEY).send({"data": init, "value": 0})
    address: str = receipt["contractAddress"]
    return address


async def test_the_stacks_factory_matches_the_local_artifact(infra: Stack) -> None:
    await check_wallet_factory(ChainClient(infra.anvil.url), infra.deployment.wallet_factory)


async def test_a_factory_of_other_wallets_is_refused_naming_both_hashes(infra: Stack) -> None:
    factory = _deploy_factory_answering(infra, OTHER_HASH)
    client = ChainClient(infra.anvil.url)
    with pytest.raises(WalletFactoryMismatch) as refused:
        await check_wallet_factory(client, factory)
    error = refused.value
    assert error.code == "wallet_factory_mismatch"
    assert factory in error.detail
    assert "0x" + OTHER_HASH.hex() in error.detail
    assert "0x" + wallet_init_code_hash().hex() in error.detail
    # The same contract answering this release's hash is accepted: only the hash decides.
    await check_wallet_factory(client, _deploy_factory_answering(infra, wallet_init_code_hash()))


async def test_no_contract_or_no_answer_is_refused(infra: Stack) -> None:
    client = ChainClient(infra.anvil.url)
    with pytest.raises(WalletFactoryMismatch, match="no contract at the wallet factory"):
        await check_wallet_factory(client, "0x" + "42" * 20)
    with pytest.raises(WalletFactoryMismatch, match="gave no answer"):
        await check_wallet_factory(client, infra.deployment.vault)  # no such function


def test_the_api_and_the_workers_refuse_to_start_on_a_mismatch(infra: Stack) -> None:
    factory = _deploy_factory_answering(infra, OTHER_HASH)
    chain = infra.settings.chain.model_copy(update={"wallet_factory_address": factory})
    settings = infra.settings.model_copy(update={"chain": chain})
    with (
        pytest.raises(WalletFactoryMismatch, match=factory),
        TestClient(create_app(settings)),
    ):
        pass  # pragma: no cover - start-up fails before any request
    for worker in ("orders", "withdrawals"):
        started = subprocess.run(
            [sys.executable, "-m", "onramp", "worker", worker],
            env=os.environ | infra.env() | {"ONRAMP_CHAIN__WALLET_FACTORY_ADDRESS": factory},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert started.returncode == 1, started.stderr[-2000:]
        assert f"wallet_factory_mismatch: the wallet factory {factory}" in started.stderr
