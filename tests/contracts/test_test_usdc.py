"""TestUSDC: metadata, roles, minting, the blacklist and pausing."""

from __future__ import annotations

import pytest
from chain_helpers import (
    USDC,
    ZERO,
    Accounts,
    assert_reverts,
    assert_unauthorized,
    deploy,
    error_data,
    events,
    send,
)
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

MINTER_ROLE = Web3.keccak(text="MINTER_ROLE")
PAUSER_ROLE = Web3.keccak(text="PAUSER_ROLE")
BLACKLISTER_ROLE = Web3.keccak(text="BLACKLISTER_ROLE")
ADMIN_ROLE = b"\x00" * 32
BLACKLISTED = "BlacklistedAccount(address)"


def test_metadata_and_roles(usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    assert f.name().call() == "USD Coin (test)"
    assert f.symbol().call() == "USDC"
    assert f.decimals().call() == 6
    for role in (ADMIN_ROLE, MINTER_ROLE, PAUSER_ROLE, BLACKLISTER_ROLE):
        assert f.hasRole(role, accounts.admin).call()
        assert not f.hasRole(role, accounts.alice).call()
    assert f.MINTER_ROLE().call() == MINTER_ROLE
    assert f.BLACKLISTER_ROLE().call() == BLACKLISTER_ROLE


def test_constructor_rejects_zero_admin(w3: Web3, accounts: Accounts) -> None:
    with pytest.raises(ContractLogicError) as info:
        deploy(w3, "TestUSDC", ZERO, sender=accounts.admin)
    assert info.value.data == error_data("ZeroAddress()") == "0xd92e233d"


def test_mint_by_minters_only(w3: Web3, usdc: Contract, accounts: Accounts) -> None:
    supply = usdc.functions.totalSupply().call()
    assert_unauthorized(usdc.functions.mint(accounts.alice, USDC), accounts.alice, MINTER_ROLE)
    receipt = send(w3, usdc.functions.mint(accounts.alice, 42 * USDC), accounts.admin)
    assert events(usdc, "Transfer", receipt) == [
        {"from": ZERO, "to": accounts.alice, "value": 42 * USDC}
    ]
    assert usdc.functions.balanceOf(accounts.alice).call() == 42 * USDC
    assert usdc.functions.totalSupply().call() == supply + 42 * USDC
    send(w3, usdc.functions.grantRole(MINTER_ROLE, accounts.bob), accounts.admin)
    send(w3, usdc.functions.mint(accounts.bob, USDC), accounts.bob)
    assert usdc.functions.balanceOf(accounts.bob).call() == USDC


def test_blacklisted_can_neither_send_nor_receive(
    w3: Web3, usdc: Contract, accounts: Accounts
) -> None:
    f = usdc.functions
    m, a = accounts.mallory, accounts.alice
    send(w3, f.mint(m, 10 * USDC), accounts.admin)
    send(w3, f.mint(a, 10 * USDC), accounts.admin)
    send(w3, f.approve(a, 5 * USDC), m)  # allowance given before the blacklisting

    assert_unauthorized(f.blacklist(m), accounts.alice, BLACKLISTER_ROLE)
    receipt = send(w3, f.blacklist(m), accounts.admin)
    assert events(usdc, "Blacklisted", receipt) == [{"account": m}]
    assert f.isBlacklisted(m).call()
    assert not f.isBlacklisted(a).call()

    assert_reverts(f.transfer(a, USDC), m, BLACKLISTED, m)  # send
    assert_reverts(f.transfer(m, USDC), a, BLACKLISTED, m)  # receive
    assert_reverts(f.mint(m, USDC), accounts.admin, BLACKLISTED, m)
    assert_reverts(f.transferFrom(m, a, USDC), a, BLACKLISTED, m)  # allowance of a blacklisted
    assert_reverts(f.approve(a, USDC), m, BLACKLISTED, m)
    assert_reverts(f.approve(m, USDC), a, BLACKLISTED, m)
    assert f.balanceOf(m).call() == 10 * USDC
    assert f.balanceOf(a).call() == 10 * USDC

    assert_unauthorized(f.unBlacklist(m), accounts.alice, BLACKLISTER_ROLE)
    receipt = send(w3, f.unBlacklist(m), accounts.admin)
    assert events(usdc, "UnBlacklisted", receipt) == [{"account": m}]
    assert not f.isBlacklisted(m).call()
    send(w3, f.transfer(a, 3 * USDC), m)
    send(w3, f.transferFrom(m, a, 2 * USDC), a)
    assert f.balanceOf(m).call() == 5 * USDC
    assert f.balanceOf(a).call() == 15 * USDC


def test_blacklisted_spender_cannot_use_an_allowance(
    w3: Web3, usdc: Contract, accounts: Accounts
) -> None:
    f = usdc.functions
    send(w3, f.mint(accounts.alice, 10 * USDC), accounts.admin)
    send(w3, f.approve(accounts.mallory, 10 * USDC), accounts.alice)
    send(w3, f.blacklist(accounts.mallory), accounts.admin)
    call = f.transferFrom(accounts.alice, accounts.bob, USDC)
    assert_reverts(call, accounts.mallory, BLACKLISTED, accounts.mallory)
    assert f.balanceOf(accounts.alice).call() == 10 * USDC


def test_pause_blocks_transfers(w3: Web3, usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    send(w3, f.mint(accounts.alice, 10 * USDC), accounts.admin)
    assert_unauthorized(f.pause(), accounts.alice, PAUSER_ROLE)
    send(w3, f.pause(), accounts.admin)
    assert f.paused().call()
    assert_reverts(f.transfer(accounts.bob, USDC), accounts.alice, "EnforcedPause()")
    assert_reverts(f.mint(accounts.bob, USDC), accounts.admin, "EnforcedPause()")
    send(w3, f.approve(accounts.bob, USDC), accounts.alice)  # approvals move no funds
    assert_reverts(
        f.transferFrom(accounts.alice, accounts.bob, USDC), accounts.bob, "EnforcedPause()"
    )
    assert_unauthorized(f.unpause(), accounts.alice, PAUSER_ROLE)
    send(w3, f.unpause(), accounts.admin)
    send(w3, f.transfer(accounts.bob, USDC), accounts.alice)
    assert f.balanceOf(accounts.bob).call() == USDC
    assert f.balanceOf(accounts.alice).call() == 9 * USDC
