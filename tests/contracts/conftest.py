"""One anvil chain for the contract tests; each test runs in its own EVM snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chain_helpers import (
    ADMIN_DELAY,
    ADMIN_MINT_ALLOWANCE,
    MAX_PER_24H,
    MAX_PER_PAYOUT,
    VAULT_FUNDING,
    Accounts,
    deploy,
    send,
    snapshot,
)
from web3 import Web3
from web3.contract import Contract

from onramp.devstack.anvil import Anvil, start_anvil


@pytest.fixture(scope="session")
def anvil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Anvil]:
    repo_root = Path(__file__).parents[2]
    node = start_anvil(tmp_path_factory.mktemp("anvil"), repo_root=repo_root)
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def w3(anvil: Anvil) -> Web3:
    web3 = Web3(Web3.HTTPProvider(anvil.url))
    assert web3.is_connected()
    return web3


@pytest.fixture(scope="session")
def accounts(w3: Web3) -> Accounts:
    a = w3.eth.accounts
    return Accounts(
        admin=a[0],
        signer=a[1],
        operator=a[2],
        alice=a[3],
        bob=a[4],
        mallory=a[5],
        pauser=a[6],
        cold=a[7],
    )


@pytest.fixture(scope="session")
def usdc(w3: Web3, accounts: Accounts) -> Contract:
    contract = deploy(w3, "TestUSDC", accounts.admin, sender=accounts.admin)
    send(
        w3,
        contract.functions.configureMinter(accounts.admin, ADMIN_MINT_ALLOWANCE),
        accounts.admin,
    )
    return contract


@pytest.fixture(scope="session")
def vault(w3: Web3, accounts: Accounts, usdc: Contract) -> Contract:
    contract = deploy(
        w3,
        "TreasuryVault",
        usdc.address,
        accounts.admin,
        ADMIN_DELAY,
        accounts.pauser,
        accounts.signer,
        accounts.cold,
        MAX_PER_PAYOUT,
        MAX_PER_24H,
        sender=accounts.admin,
    )
    send(w3, usdc.functions.mint(contract.address, VAULT_FUNDING), accounts.admin)
    return contract


@pytest.fixture(scope="session")
def factory(w3: Web3, accounts: Accounts) -> Contract:
    return deploy(w3, "UserWalletFactory", accounts.admin, accounts.operator, sender=accounts.admin)


@pytest.fixture(autouse=True)
def _isolated_chain(request: pytest.FixtureRequest) -> Iterator[None]:
    """Revert whatever a test did to the chain (only for tests that use it)."""
    if "w3" not in request.fixturenames:
        yield
        return
    w3: Web3 = request.getfixturevalue("w3")
    with snapshot(w3):
        yield
