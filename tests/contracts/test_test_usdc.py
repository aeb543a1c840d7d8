"""TestUSDC: metadata, roles, minters and their allowances, burning, the blacklist and pausing."""

from __future__ import annotations

import pytest
from chain_helpers import (
    ADMIN_MINT_ALLOWANCE,
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

MASTER_MINTER_ROLE = Web3.keccak(text="MASTER_MINTER_ROLE")
PAUSER_ROLE = Web3.keccak(text="PAUSER_ROLE")
BLACKLISTER_ROLE = Web3.keccak(text="BLACKLISTER_ROLE")
ADMIN_ROLE = b"\x00" * 32
BLACKLISTED = "BlacklistedAccount(address)"


def test_metadata_and_roles(usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    assert f.name().call() == "USD Coin (test)"
    assert f.symbol().call() == "USDC"
    assert f.decimals().call() == 6
    for role in (ADMIN_ROLE, MASTER_MINTER_ROLE, PAUSER_ROLE, BLACKLISTER_ROLE):
        assert f.hasRole(role, accounts.admin).call()
        assert not f.hasRole(role, accounts.alice).call()
    assert f.MASTER_MINTER_ROLE().call() == MASTER_MINTER_ROLE
    assert f.BLACKLISTER_ROLE().call() == BLACKLISTER_ROLE
    # The fixture made the admin a minter; nobody else is one.
    assert f.isMinter(accounts.admin).call()
    assert f.minterAllowance(accounts.admin).call() == ADMIN_MINT_ALLOWANCE
    assert not f.isMinter(accounts.alice).call()


def test_nobody_mints_before_configure_minter(w3: Web3, accounts: Accounts) -> None:
    fresh = deploy(w3, "TestUSDC", accounts.admin, sender=accounts.admin)
    assert not fresh.functions.isMinter(accounts.admin).call()
    assert_reverts(
        fresh.functions.mint(accounts.alice, USDC),
        accounts.admin,
        "NotMinter(address)",
        accounts.admin,
    )


def test_constructor_rejects_zero_admin(w3: Web3, accounts: Accounts) -> None:
    with pytest.raises(ContractLogicError) as info:
        deploy(w3, "TestUSDC", ZERO, sender=accounts.admin)
    assert info.value.data == error_data("ZeroAddress()") == "0xd92e233d"


def test_mint_uses_the_minter_allowance(w3: Web3, usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    assert_reverts(
        f.mint(accounts.alice, USDC), accounts.alice, "NotMinter(address)", accounts.alice
    )
    assert_unauthorized(f.configureMinter(accounts.bob, USDC), accounts.alice, MASTER_MINTER_ROLE)
    receipt = send(w3, f.configureMinter(accounts.bob, 100 * USDC), accounts.admin)
    assert events(usdc, "MinterConfigured", receipt) == [
        {"minter": accounts.bob, "minterAllowedAmount": 100 * USDC}
    ]
    supply = f.totalSupply().call()
    receipt = send(w3, f.mint(accounts.alice, 60 * USDC), accounts.bob)
    assert events(usdc, "Transfer", receipt) == [
        {"from": ZERO, "to": accounts.alice, "value": 60 * USDC}
    ]
    assert events(usdc, "Mint", receipt) == [
        {"minter": accounts.bob, "to": accounts.alice, "amount": 60 * USDC}
    ]
    assert f.minterAllowance(accounts.bob).call() == 40 * USDC
    assert f.totalSupply().call() == supply + 60 * USDC
    assert_reverts(
        f.mint(accounts.alice, 41 * USDC),
        accounts.bob,
        "MinterAllowanceExceeded(uint256,uint256)",
        41 * USDC,
        40 * USDC,
    )
    send(w3, f.mint(accounts.alice, 40 * USDC), accounts.bob)
    assert f.minterAllowance(accounts.bob).call() == 0
    assert f.balanceOf(accounts.alice).call() == 100 * USDC


def test_master_minter_role_and_remove_minter(w3: Web3, usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    send(w3, f.grantRole(MASTER_MINTER_ROLE, accounts.operator), accounts.admin)
    send(w3, f.configureMinter(accounts.bob, 10 * USDC), accounts.operator)
    send(w3, f.mint(accounts.bob, 3 * USDC), accounts.bob)
    assert_unauthorized(f.removeMinter(accounts.bob), accounts.bob, MASTER_MINTER_ROLE)
    receipt = send(w3, f.removeMinter(accounts.bob), accounts.operator)
    assert events(usdc, "MinterRemoved", receipt) == [{"oldMinter": accounts.bob}]
    assert not f.isMinter(accounts.bob).call()
    assert f.minterAllowance(accounts.bob).call() == 0
    assert_reverts(f.mint(accounts.bob, 1), accounts.bob, "NotMinter(address)", accounts.bob)
    assert_reverts(f.burn(1), accounts.bob, "NotMinter(address)", accounts.bob)


def test_minter_burns_its_own_balance(w3: Web3, usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    send(w3, f.mint(accounts.admin, 30 * USDC), accounts.admin)
    allowance = f.minterAllowance(accounts.admin).call()
    supply = f.totalSupply().call()
    receipt = send(w3, f.burn(10 * USDC), accounts.admin)
    assert events(usdc, "Burn", receipt) == [{"burner": accounts.admin, "amount": 10 * USDC}]
    assert events(usdc, "Transfer", receipt) == [
        {"from": accounts.admin, "to": ZERO, "value": 10 * USDC}
    ]
    assert f.balanceOf(accounts.admin).call() == 20 * USDC
    assert f.totalSupply().call() == supply - 10 * USDC
    assert f.minterAllowance(accounts.admin).call() == allowance  # no allowance back
    assert_reverts(
        f.burn(21 * USDC),
        accounts.admin,
        "ERC20InsufficientBalance(address,uint256,uint256)",
        accounts.admin,
        20 * USDC,
        21 * USDC,
    )
    assert_reverts(f.burn(0), accounts.admin, "ZeroAmount()")


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
    send(w3, f.approve(accounts.bob, USDC), accounts.alice)
    assert_unauthorized(f.pause(), accounts.alice, PAUSER_ROLE)
    send(w3, f.pause(), accounts.admin)
    assert f.paused().call()
    assert_reverts(f.transfer(accounts.bob, USDC), accounts.alice, "EnforcedPause()")
    assert_reverts(f.mint(accounts.bob, USDC), accounts.admin, "EnforcedPause()")
    # As FiatToken v2.2: no approval and no minter configured while paused either.
    assert_reverts(f.approve(accounts.bob, 2 * USDC), accounts.alice, "EnforcedPause()")
    assert_reverts(f.configureMinter(accounts.bob, USDC), accounts.admin, "EnforcedPause()")
    assert_reverts(
        f.transferFrom(accounts.alice, accounts.bob, USDC), accounts.bob, "EnforcedPause()"
    )
    assert_unauthorized(f.unpause(), accounts.alice, PAUSER_ROLE)
    send(w3, f.unpause(), accounts.admin)
    send(w3, f.transfer(accounts.bob, USDC), accounts.alice)
    assert f.balanceOf(accounts.bob).call() == USDC
    assert f.balanceOf(accounts.alice).call() == 9 * USDC
    assert f.allowance(accounts.alice, accounts.bob).call() == USDC


def test_the_token_refuses_to_receive_itself(w3: Web3, usdc: Contract, accounts: Accounts) -> None:
    f = usdc.functions
    assert f.isBlacklisted(usdc.address).call()
    send(w3, f.mint(accounts.alice, 10 * USDC), accounts.admin)
    call = f.transfer(usdc.address, USDC)
    assert_reverts(call, accounts.alice, "BlacklistedAccount(address)", usdc.address)
    assert f.balanceOf(usdc.address).call() == 0
