"""The dev stack's hand-over to the cold Safe: the vault's admin role (two steps of
AccessControlDefaultAdminRules) and the wallet factory's ownership (Ownable2Step), each accepted
by a Safe transaction its owners sign."""

from __future__ import annotations

from chain_helpers import USDC, ZERO, Accounts, at
from web3 import Web3

from onramp.chain.contracts.deploy import Deployer, deploy_local
from onramp.chain.contracts.safe_deploy import (
    create_safe,
    deploy_safe_factory,
    hand_vault_to_safe,
    hand_wallet_factory_to_safe,
)
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.anvil import Anvil
from onramp.devstack.treasury_setup import DEMO_TREASURER_KEYS, SAFE_THRESHOLD, demo_treasurers


def test_the_cold_safe_becomes_the_vault_admin_and_the_factory_owner(
    anvil: Anvil, w3: Web3, accounts: Accounts
) -> None:
    d = deploy_local(
        anvil.url,
        deployer_key=ANVIL_DEPLOYER_KEY,
        payout_address=accounts.signer,
        vault_funding=1 * USDC,
        wallet_operator=accounts.operator,
    )
    deployer = Deployer(anvil.url, ANVIL_DEPLOYER_KEY)
    safe = create_safe(
        deployer, deploy_safe_factory(deployer), demo_treasurers(), SAFE_THRESHOLD, salt_nonce=7
    )
    signers = DEMO_TREASURER_KEYS[:SAFE_THRESHOLD]

    hand_vault_to_safe(deployer, d.vault, safe, signers)
    hand_wallet_factory_to_safe(deployer, d.wallet_factory, safe, signers)

    vault = at(w3, "TreasuryVault", d.vault).functions
    assert vault.defaultAdmin().call() == safe
    assert not vault.hasRole(bytes(32), accounts.admin).call()
    assert vault.pendingDefaultAdmin().call() == [ZERO, 0]
    factory = at(w3, "UserWalletFactory", d.wallet_factory).functions
    assert (factory.owner().call(), factory.pendingOwner().call()) == (safe, ZERO)
    assert factory.operator().call() == accounts.operator
