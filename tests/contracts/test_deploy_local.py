"""deploy_local: roles, the deployer's minter allowance and the vault's funding."""

from __future__ import annotations

import pytest
from chain_helpers import USDC, Accounts, at
from web3 import Web3

from onramp.chain.contracts.deploy import DEPLOYER_MINT_ALLOWANCE, VaultLimits, deploy_local
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.anvil import Anvil

PAYOUT_ROLE = Web3.keccak(text="PAYOUT_ROLE")
PAUSER_ROLE = Web3.keccak(text="PAUSER_ROLE")
ADMIN_ROLE = b"\x00" * 32


def test_defaults_make_the_deployer_pauser_cold_wallet_and_minter(
    anvil: Anvil, w3: Web3, accounts: Accounts
) -> None:
    deployer = accounts.admin  # anvil's first account is ANVIL_DEPLOYER_KEY's
    d = deploy_local(
        anvil.url,
        deployer_key=ANVIL_DEPLOYER_KEY,
        payout_address=accounts.signer,
        vault_funding=5_000 * USDC,
        limits=VaultLimits(max_per_payout=10 * USDC, max_per_24h=20 * USDC),
    )
    usdc, vault = at(w3, "TestUSDC", d.usdc), at(w3, "TreasuryVault", d.vault)
    assert vault.functions.hasRole(ADMIN_ROLE, deployer).call()
    assert vault.functions.hasRole(PAUSER_ROLE, deployer).call()
    assert vault.functions.hasRole(PAYOUT_ROLE, accounts.signer).call()
    assert vault.functions.coldWallet().call() == deployer
    assert (vault.functions.maxPerPayout().call(), vault.functions.maxPer24h().call()) == (
        10 * USDC,
        20 * USDC,
    )
    assert usdc.functions.isMinter(deployer).call()
    assert usdc.functions.minterAllowance(deployer).call() == DEPLOYER_MINT_ALLOWANCE - 5_000 * USDC
    assert usdc.functions.balanceOf(d.vault).call() == d.vault_funding == 5_000 * USDC


def test_pauser_and_cold_wallet_given(anvil: Anvil, w3: Web3, accounts: Accounts) -> None:
    d = deploy_local(
        anvil.url,
        deployer_key=ANVIL_DEPLOYER_KEY,
        payout_address=accounts.signer,
        vault_funding=USDC,
        pauser=accounts.pauser,
        cold_wallet=accounts.cold,
    )
    vault = at(w3, "TreasuryVault", d.vault)
    assert vault.functions.hasRole(PAUSER_ROLE, accounts.pauser).call()
    assert not vault.functions.hasRole(PAUSER_ROLE, accounts.admin).call()
    assert vault.functions.coldWallet().call() == accounts.cold


def test_funding_over_the_mint_allowance_is_refused(anvil: Anvil, accounts: Accounts) -> None:
    with pytest.raises(ValueError, match="mint allowance"):
        deploy_local(
            anvil.url,
            deployer_key=ANVIL_DEPLOYER_KEY,
            payout_address=accounts.signer,
            vault_funding=2 * USDC,
            deployer_mint_allowance=USDC,
        )
