"""deploy_local: the UserWalletFactory's operator (the custody key) and its gas money."""

from __future__ import annotations

from chain_helpers import USDC, Accounts, at
from web3 import Web3

from onramp.chain.contracts.deploy import deploy_local
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.anvil import Anvil


def test_the_wallet_factory_is_operated_by_the_given_key(
    anvil: Anvil, w3: Web3, accounts: Accounts
) -> None:
    before = w3.eth.get_balance(accounts.operator)
    d = deploy_local(
        anvil.url,
        deployer_key=ANVIL_DEPLOYER_KEY,
        payout_address=accounts.signer,
        vault_funding=1 * USDC,
        wallet_operator=accounts.operator,
        wallet_operator_gas_wei=10**18,
    )
    factory = at(w3, "UserWalletFactory", d.wallet_factory)
    assert factory.functions.operator().call() == accounts.operator
    assert factory.functions.owner().call() == accounts.admin  # the deployer, until handed over
    assert w3.eth.get_balance(accounts.operator) == before + 10**18


def test_by_default_the_deployer_operates_the_wallet_factory(
    anvil: Anvil, w3: Web3, accounts: Accounts
) -> None:
    d = deploy_local(
        anvil.url,
        deployer_key=ANVIL_DEPLOYER_KEY,
        payout_address=accounts.signer,
        vault_funding=1 * USDC,
    )
    assert at(w3, "UserWalletFactory", d.wallet_factory).functions.operator().call() == (
        accounts.admin
    )
