"""UserWalletFactory / UserWallet: CREATE2 addresses known in advance, operator-only transfers,
an owner that replaces or revokes the operator and pauses withdrawals."""

from __future__ import annotations

import pytest
from chain_helpers import (
    USDC,
    ZERO,
    Accounts,
    artifact,
    assert_reverts,
    at,
    deploy,
    events,
    send,
)
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError


def create2_address(deployer: str, salt: bytes, init_code: bytes) -> str:
    """The EIP-1014 address, computed offline."""
    assert len(salt) == 32
    digest = keccak(b"\xff" + bytes.fromhex(deployer[2:]) + salt + keccak(init_code))
    return to_checksum_address(digest[12:])


def wallet_init_code() -> bytes:
    return bytes.fromhex(artifact("UserWallet")["bytecode"][2:])


def test_predicted_address_matches_offline_create2_and_deployment(
    w3: Web3, factory: Contract, accounts: Accounts
) -> None:
    salt = keccak(text="customer:42")
    expected = create2_address(factory.address, salt, wallet_init_code())
    assert factory.functions.walletInitCodeHash().call() == keccak(wallet_init_code())
    assert factory.functions.walletAddress(salt).call() == expected
    assert w3.eth.get_code(expected) == b""

    assert factory.functions.deployWallet(salt).call({"from": accounts.alice}) == expected
    receipt = send(w3, factory.functions.deployWallet(salt), accounts.alice)  # anyone may deploy
    assert events(factory, "WalletDeployed", receipt) == [{"salt": salt, "wallet": expected}]
    assert len(w3.eth.get_code(expected)) > 0
    assert at(w3, "UserWallet", expected).functions.factory().call() == factory.address


def test_addresses_differ_per_salt_and_per_factory(
    w3: Web3, factory: Contract, accounts: Accounts
) -> None:
    a, b = keccak(text="customer:a"), keccak(text="customer:b")
    assert factory.functions.walletAddress(a).call() != factory.functions.walletAddress(b).call()
    other = deploy(
        w3, "UserWalletFactory", accounts.admin, accounts.operator, sender=accounts.admin
    )
    assert other.functions.walletAddress(a).call() != factory.functions.walletAddress(a).call()
    assert other.functions.walletAddress(a).call() == create2_address(
        other.address, a, wallet_init_code()
    )


def test_deploy_wallet_is_idempotent(w3: Web3, factory: Contract, accounts: Accounts) -> None:
    salt = keccak(text="customer:idempotent")
    first = send(w3, factory.functions.deployWallet(salt), accounts.operator)
    (deployed,) = events(factory, "WalletDeployed", first)
    code = w3.eth.get_code(deployed["wallet"])

    assert factory.functions.deployWallet(salt).call() == deployed["wallet"]
    again = send(w3, factory.functions.deployWallet(salt), accounts.bob)
    assert events(factory, "WalletDeployed", again) == []
    assert again["logs"] == []
    assert w3.eth.get_code(deployed["wallet"]) == code


def test_funds_sent_before_deployment_are_reachable(
    w3: Web3, factory: Contract, usdc: Contract, accounts: Accounts
) -> None:
    salt = keccak(text="customer:early-deposit")
    address = factory.functions.walletAddress(salt).call()
    send(w3, usdc.functions.mint(address, 100 * USDC), accounts.admin)  # deposit first
    send(w3, factory.functions.deployWallet(salt), accounts.operator)
    wallet = at(w3, "UserWallet", address)

    receipt = send(
        w3, wallet.functions.transferToken(usdc.address, accounts.bob, 60 * USDC), accounts.operator
    )
    assert events(wallet, "TokenTransferred", receipt) == [
        {"token": usdc.address, "to": accounts.bob, "amount": 60 * USDC}
    ]
    assert usdc.functions.balanceOf(accounts.bob).call() == 60 * USDC
    assert usdc.functions.balanceOf(address).call() == 40 * USDC


def test_wallet_transfer_is_operator_only(
    w3: Web3, factory: Contract, usdc: Contract, accounts: Accounts
) -> None:
    salt = keccak(text="customer:guarded")
    address = factory.functions.walletAddress(salt).call()
    send(w3, factory.functions.deployWallet(salt), accounts.alice)
    send(w3, usdc.functions.mint(address, 10 * USDC), accounts.admin)
    wallet = at(w3, "UserWallet", address)
    f = wallet.functions

    for intruder in (accounts.alice, accounts.admin, accounts.mallory):
        call = f.transferToken(usdc.address, intruder, USDC)
        assert_reverts(call, intruder, "NotOperator(address)", intruder)
    assert_reverts(f.transferToken(usdc.address, ZERO, USDC), accounts.operator, "ZeroAddress()")
    assert_reverts(
        f.transferToken(usdc.address, accounts.bob, 11 * USDC),
        accounts.operator,
        "ERC20InsufficientBalance(address,uint256,uint256)",
        address,
        10 * USDC,
        11 * USDC,
    )
    assert usdc.functions.balanceOf(address).call() == 10 * USDC
    # Plain ETH sent to a wallet is refused (it has no receive function).
    with pytest.raises(ContractLogicError):
        w3.eth.send_transaction({"from": accounts.alice, "to": address, "value": 1})
    assert w3.eth.get_balance(address) == 0


def test_the_owner_replaces_the_operator_the_operator_cannot(
    w3: Web3, factory: Contract, usdc: Contract, accounts: Accounts
) -> None:
    salt = keccak(text="customer:rotation")
    address = factory.functions.walletAddress(salt).call()
    send(w3, factory.functions.deployWallet(salt), accounts.operator)
    send(w3, usdc.functions.mint(address, 10 * USDC), accounts.admin)
    f, wallet = factory.functions, at(w3, "UserWallet", address).functions
    new_operator = accounts.bob

    assert (f.owner().call(), f.operator().call()) == (accounts.admin, accounts.operator)
    for call in (f.setOperator(accounts.mallory), f.revokeOperator(), f.pause()):
        assert_reverts(
            call, accounts.operator, "OwnableUnauthorizedAccount(address)", accounts.operator
        )
    receipt = send(w3, f.setOperator(new_operator), accounts.admin)
    assert events(factory, "OperatorTransferred", receipt) == [
        {"previousOperator": accounts.operator, "newOperator": new_operator}
    ]
    assert_reverts(
        wallet.transferToken(usdc.address, accounts.alice, USDC),
        accounts.operator,
        "NotOperator(address)",
        accounts.operator,
    )
    send(w3, wallet.transferToken(usdc.address, accounts.alice, USDC), new_operator)
    assert usdc.functions.balanceOf(accounts.alice).call() == USDC
    assert factory.functions.walletAddress(salt).call() == address  # addresses do not change

    send(w3, f.revokeOperator(), accounts.admin)
    assert f.operator().call() == ZERO
    assert_reverts(
        wallet.transferToken(usdc.address, new_operator, USDC),
        new_operator,
        "NotOperator(address)",
        new_operator,
    )
    assert_reverts(f.renounceOwnership(), accounts.admin, "RenounceDisabled()")


def test_the_owner_pauses_withdrawals_from_every_wallet(
    w3: Web3, factory: Contract, usdc: Contract, accounts: Accounts
) -> None:
    salt = keccak(text="customer:paused")
    address = factory.functions.walletAddress(salt).call()
    send(w3, factory.functions.deployWallet(salt), accounts.operator)
    send(w3, usdc.functions.mint(address, 10 * USDC), accounts.admin)
    f, wallet = factory.functions, at(w3, "UserWallet", address).functions

    send(w3, f.pause(), accounts.admin)
    assert f.paused().call()
    call = wallet.transferToken(usdc.address, accounts.alice, USDC)
    assert_reverts(call, accounts.operator, "WithdrawalsPaused()")
    send(w3, usdc.functions.mint(address, USDC), accounts.admin)  # deposits still arrive
    send(w3, f.unpause(), accounts.admin)
    send(w3, wallet.transferToken(usdc.address, accounts.alice, USDC), accounts.operator)
    assert usdc.functions.balanceOf(address).call() == 10 * USDC
