"""TreasuryVault: payouts, idempotency per order id, roles, caps, batches, pause, sweep to the
cold wallet."""

from __future__ import annotations

from chain_helpers import (
    ADMIN_DELAY,
    MAX_PER_24H,
    MAX_PER_PAYOUT,
    USDC,
    VAULT_FUNDING,
    ZERO,
    Accounts,
    assert_reverts,
    assert_unauthorized,
    error_data,
    events,
    order_id,
    revert_data,
    selector,
    send,
)
from web3 import Web3
from web3.contract import Contract

PAYOUT_ROLE = Web3.keccak(text="PAYOUT_ROLE")
PAUSER_ROLE = Web3.keccak(text="PAUSER_ROLE")
ADMIN_ROLE = b"\x00" * 32


def test_constructor_roles_and_limits(vault: Contract, usdc: Contract, accounts: Accounts) -> None:
    f = vault.functions
    assert f.token().call() == usdc.address
    assert f.PAYOUT_ROLE().call() == PAYOUT_ROLE
    assert f.hasRole(ADMIN_ROLE, accounts.admin).call()
    assert f.hasRole(PAUSER_ROLE, accounts.pauser).call()
    assert f.hasRole(PAYOUT_ROLE, accounts.signer).call()
    assert not f.hasRole(PAUSER_ROLE, accounts.admin).call()
    assert not f.hasRole(PAYOUT_ROLE, accounts.admin).call()
    assert not f.hasRole(ADMIN_ROLE, accounts.signer).call()
    assert not f.hasRole(ADMIN_ROLE, accounts.pauser).call()
    assert f.coldWallet().call() == accounts.cold
    assert (f.maxPerPayout().call(), f.maxPer24h().call()) == (MAX_PER_PAYOUT, MAX_PER_24H)
    assert f.paidInLast24h().call() == 0
    assert f.remainingIn24h().call() == MAX_PER_24H
    assert usdc.functions.balanceOf(vault.address).call() == VAULT_FUNDING


def test_payout_transfers_and_emits(
    w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    oid = order_id("pay-1")
    assert not vault.functions.isPaid(oid).call()
    receipt = send(w3, vault.functions.payout(oid, accounts.alice, 1234 * USDC), accounts.signer)

    assert events(vault, "Payout", receipt) == [
        {"orderId": oid, "to": accounts.alice, "amount": 1234 * USDC}
    ]
    assert events(usdc, "Transfer", receipt) == [
        {"from": vault.address, "to": accounts.alice, "value": 1234 * USDC}
    ]
    assert usdc.functions.balanceOf(accounts.alice).call() == 1234 * USDC
    assert usdc.functions.balanceOf(vault.address).call() == VAULT_FUNDING - 1234 * USDC
    assert vault.functions.isPaid(oid).call()
    assert vault.functions.paidInLast24h().call() == 1234 * USDC


def test_same_order_id_is_paid_only_once(
    w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    oid = order_id("pay-twice")
    send(w3, vault.functions.payout(oid, accounts.alice, 5 * USDC), accounts.signer)
    # Same order, even with another recipient and amount: rejected with the order id.
    data = revert_data(vault.functions.payout(oid, accounts.bob, 7 * USDC), accounts.signer)
    assert selector("PayoutAlreadyMade(bytes32)").hex() == "e940ac05"
    assert data[:10] == "0xe940ac05"
    assert data == error_data("PayoutAlreadyMade(bytes32)", oid)
    assert usdc.functions.balanceOf(accounts.alice).call() == 5 * USDC
    assert usdc.functions.balanceOf(accounts.bob).call() == 0


def test_only_payout_role_can_pay(vault: Contract, accounts: Accounts) -> None:
    for who in (accounts.admin, accounts.alice):
        call = vault.functions.payout(order_id("x"), who, USDC)
        assert_unauthorized(call, who, PAYOUT_ROLE)
    assert not vault.functions.isPaid(order_id("x")).call()


def test_zero_recipient_and_zero_amount(vault: Contract, accounts: Accounts) -> None:
    assert_reverts(
        vault.functions.payout(order_id("z1"), ZERO, USDC),
        accounts.signer,
        "DestinationNotAllowed(address)",
        ZERO,
    )
    assert_reverts(
        vault.functions.payout(order_id("z2"), accounts.alice, 0), accounts.signer, "ZeroAmount()"
    )


def test_per_payout_cap(w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts) -> None:
    too_much = vault.functions.payout(order_id("big"), accounts.alice, MAX_PER_PAYOUT + 1)
    assert_reverts(
        too_much,
        accounts.signer,
        "PayoutTooLarge(uint256,uint256)",
        MAX_PER_PAYOUT + 1,
        MAX_PER_PAYOUT,
    )
    send(
        w3, vault.functions.payout(order_id("max"), accounts.alice, MAX_PER_PAYOUT), accounts.signer
    )
    assert usdc.functions.balanceOf(accounts.alice).call() == MAX_PER_PAYOUT
    assert not vault.functions.isPaid(order_id("big")).call()


def test_set_limits_admin_only(w3: Web3, vault: Contract, accounts: Accounts) -> None:
    assert_unauthorized(vault.functions.setLimits(1, 2), accounts.signer, ADMIN_ROLE)
    receipt = send(w3, vault.functions.setLimits(50 * USDC, 80 * USDC), accounts.admin)
    assert events(vault, "LimitsChanged", receipt) == [
        {"maxPerPayout": 50 * USDC, "maxPer24h": 80 * USDC}
    ]
    assert vault.functions.maxPerPayout().call() == 50 * USDC
    assert_reverts(
        vault.functions.payout(order_id("l1"), accounts.alice, 51 * USDC),
        accounts.signer,
        "PayoutTooLarge(uint256,uint256)",
        51 * USDC,
        50 * USDC,
    )


def test_batch_pays_all(w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts) -> None:
    oids = [order_id(f"b{i}") for i in range(3)]
    tos = [accounts.alice, accounts.bob, accounts.alice]
    amounts = [1 * USDC, 2 * USDC, 3 * USDC]
    receipt = send(w3, vault.functions.payoutBatch(oids, tos, amounts), accounts.signer)
    assert events(vault, "Payout", receipt) == [
        {"orderId": o, "to": t, "amount": a} for o, t, a in zip(oids, tos, amounts, strict=True)
    ]
    assert usdc.functions.balanceOf(accounts.alice).call() == 4 * USDC
    assert usdc.functions.balanceOf(accounts.bob).call() == 2 * USDC
    assert all(vault.functions.isPaid(o).call() for o in oids)
    assert vault.functions.paidInLast24h().call() == 6 * USDC


def test_batch_is_atomic(w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts) -> None:
    f = vault.functions
    a, b = order_id("atomic-a"), order_id("atomic-b")
    # A duplicate order id inside the batch: the second one fails, so the first is undone.
    assert_reverts(
        f.payoutBatch([a, b, a], [accounts.alice] * 3, [USDC] * 3),
        accounts.signer,
        "PayoutAlreadyMade(bytes32)",
        a,
    )
    # An element over the per-payout cap.
    assert_reverts(
        f.payoutBatch([a, b], [accounts.alice] * 2, [USDC, MAX_PER_PAYOUT + 1]),
        accounts.signer,
        "PayoutTooLarge(uint256,uint256)",
        MAX_PER_PAYOUT + 1,
        MAX_PER_PAYOUT,
    )
    # Together over the rolling cap, though each element is within the per-payout cap.
    c = order_id("atomic-c")
    amounts = [MAX_PER_PAYOUT, MAX_PER_PAYOUT, MAX_PER_PAYOUT]
    assert_reverts(
        f.payoutBatch([a, b, c], [accounts.alice] * 3, amounts),
        accounts.signer,
        "DailyLimitExceeded(uint256,uint256)",
        MAX_PER_PAYOUT,
        MAX_PER_24H - 2 * MAX_PER_PAYOUT,
    )
    assert_reverts(
        f.payoutBatch([a, b], [accounts.alice], [USDC, USDC]), accounts.signer, "LengthMismatch()"
    )
    assert_reverts(
        f.payoutBatch([a], [accounts.alice], [USDC, USDC]), accounts.signer, "LengthMismatch()"
    )
    assert_unauthorized(f.payoutBatch([a], [accounts.alice], [USDC]), accounts.alice, PAYOUT_ROLE)
    assert not f.isPaid(a).call()
    assert not f.isPaid(b).call()
    assert usdc.functions.balanceOf(accounts.alice).call() == 0
    assert f.paidInLast24h().call() == 0
    # The same batch without the bad element goes through.
    send(w3, f.payoutBatch([a, b], [accounts.alice] * 2, [USDC, USDC]), accounts.signer)
    assert usdc.functions.balanceOf(accounts.alice).call() == 2 * USDC


def test_payout_to_blacklisted_recipient_reverts_whole_call(
    w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    send(w3, usdc.functions.blacklist(accounts.mallory), accounts.admin)
    oid = order_id("to-blacklisted")
    call = vault.functions.payout(oid, accounts.mallory, USDC)
    assert_reverts(call, accounts.signer, "BlacklistedAccount(address)", accounts.mallory)
    assert not vault.functions.isPaid(oid).call()
    assert vault.functions.paidInLast24h().call() == 0


def test_pause_stops_payouts(w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts) -> None:
    f = vault.functions
    assert_unauthorized(f.pause(), accounts.signer, PAUSER_ROLE)
    assert_unauthorized(f.pause(), accounts.alice, PAUSER_ROLE)
    receipt = send(w3, f.pause(), accounts.pauser)
    assert events(vault, "Paused", receipt) == [{"account": accounts.pauser}]
    assert f.paused().call()
    assert (f.pausedBy().call(), f.pausedByAdmin().call()) == (accounts.pauser, False)
    oid = order_id("paused")
    assert_reverts(f.payout(oid, accounts.alice, USDC), accounts.signer, "EnforcedPause()")
    assert_reverts(
        f.payoutBatch([oid], [accounts.alice], [USDC]), accounts.signer, "EnforcedPause()"
    )
    assert_unauthorized(f.unpause(), accounts.signer, PAUSER_ROLE)
    send(w3, f.unpause(), accounts.pauser)  # the guardian lifts its own pause
    send(w3, f.payout(oid, accounts.alice, USDC), accounts.signer)
    assert usdc.functions.balanceOf(accounts.alice).call() == USDC


def test_a_pause_the_admin_made_or_took_over_only_the_admin_lifts(
    w3: Web3, vault: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    send(w3, f.pause(), accounts.admin)
    assert (f.pausedBy().call(), f.pausedByAdmin().call()) == (accounts.admin, True)
    assert_reverts(f.unpause(), accounts.pauser, "PausedByAdmin(address)", accounts.admin)
    send(w3, f.unpause(), accounts.admin)
    assert not f.paused().call()

    send(w3, f.pause(), accounts.pauser)  # the breaker's pause ...
    receipt = send(w3, f.pause(), accounts.admin)  # ... which the Safe wants kept
    assert events(vault, "PauseHeldByAdmin", receipt) == [
        {"admin": accounts.admin, "previousPauser": accounts.pauser}
    ]
    assert_reverts(f.unpause(), accounts.pauser, "PausedByAdmin(address)", accounts.admin)
    receipt = send(w3, f.unpause(), accounts.admin)
    assert events(vault, "Unpaused", receipt) == [{"account": accounts.admin}]
    assert (f.paused().call(), f.pausedBy().call()) == (False, ZERO)


def test_never_pays_the_vault_or_the_token(
    vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    for to in (vault.address, usdc.address, ZERO):
        call = f.payout(order_id("self"), to, USDC)
        assert_reverts(call, accounts.signer, "DestinationNotAllowed(address)", to)
        call = f.payoutBatch([order_id("a"), order_id("b")], [accounts.alice, to], [USDC, USDC])
        assert_reverts(call, accounts.signer, "DestinationNotAllowed(address)", to)
        assert_reverts(f.setColdWallet(to), accounts.admin, "DestinationNotAllowed(address)", to)
    assert not f.isPaid(order_id("self")).call()


def test_the_admin_is_handed_over_in_two_steps_never_renounced_at_once(
    w3: Web3, vault: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    assert f.defaultAdmin().call() == accounts.admin
    assert f.defaultAdminDelay().call() == ADMIN_DELAY
    assert_reverts(
        f.renounceRole(ADMIN_ROLE, accounts.admin),
        accounts.admin,
        "AccessControlEnforcedDefaultAdminDelay(uint48)",
        0,
    )
    assert_reverts(
        f.grantRole(ADMIN_ROLE, accounts.bob),
        accounts.admin,
        "AccessControlEnforcedDefaultAdminRules()",
    )
    send(w3, f.beginDefaultAdminTransfer(accounts.bob), accounts.admin)
    new_admin, schedule = f.pendingDefaultAdmin().call()
    assert new_admin == accounts.bob
    assert_reverts(
        f.acceptDefaultAdminTransfer(),
        accounts.bob,
        "AccessControlEnforcedDefaultAdminDelay(uint48)",
        schedule,
    )
    send(w3, f.cancelDefaultAdminTransfer(), accounts.admin)
    assert f.defaultAdmin().call() == accounts.admin


def test_limits_refuse_zero_and_a_daily_cap_below_the_payout_cap(
    vault: Contract, accounts: Accounts
) -> None:
    for per_payout, per_24h in ((0, USDC), (2 * USDC, USDC), (USDC, 0)):
        assert_reverts(
            vault.functions.setLimits(per_payout, per_24h),
            accounts.admin,
            "InvalidLimits(uint256,uint256)",
            per_payout,
            per_24h,
        )


def test_sweep_goes_only_to_the_cold_wallet(
    w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    for who in (accounts.signer, accounts.pauser, accounts.cold, accounts.alice):
        assert_unauthorized(f.sweep(USDC), who, ADMIN_ROLE)
    assert_reverts(f.sweep(0), accounts.admin, "ZeroAmount()")
    send(w3, f.pause(), accounts.pauser)  # sweeping still works while paused
    receipt = send(w3, f.sweep(400_000 * USDC), accounts.admin)
    assert events(vault, "Swept", receipt) == [{"to": accounts.cold, "amount": 400_000 * USDC}]
    assert usdc.functions.balanceOf(accounts.cold).call() == 400_000 * USDC
    assert usdc.functions.balanceOf(accounts.admin).call() == 0
    assert usdc.functions.balanceOf(vault.address).call() == VAULT_FUNDING - 400_000 * USDC
    assert_reverts(
        f.sweep(VAULT_FUNDING),
        accounts.admin,
        "ERC20InsufficientBalance(address,uint256,uint256)",
        vault.address,
        VAULT_FUNDING - 400_000 * USDC,
        VAULT_FUNDING,
    )


def test_set_cold_wallet_admin_only(
    w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    for who in (accounts.signer, accounts.pauser, accounts.cold):
        assert_unauthorized(f.setColdWallet(accounts.bob), who, ADMIN_ROLE)
    assert_reverts(f.setColdWallet(ZERO), accounts.admin, "DestinationNotAllowed(address)", ZERO)
    receipt = send(w3, f.setColdWallet(accounts.bob), accounts.admin)
    assert events(vault, "ColdWalletChanged", receipt) == [
        {"previousColdWallet": accounts.cold, "newColdWallet": accounts.bob}
    ]
    assert f.coldWallet().call() == accounts.bob
    send(w3, f.sweep(7 * USDC), accounts.admin)
    assert usdc.functions.balanceOf(accounts.bob).call() == 7 * USDC
    assert usdc.functions.balanceOf(accounts.cold).call() == 0


def test_admin_rotates_the_payout_key(
    w3: Web3, vault: Contract, usdc: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    new_key = accounts.bob
    assert_unauthorized(f.grantRole(PAYOUT_ROLE, new_key), accounts.signer, ADMIN_ROLE)
    assert_unauthorized(f.grantRole(PAYOUT_ROLE, new_key), accounts.pauser, ADMIN_ROLE)
    send(w3, f.grantRole(PAYOUT_ROLE, new_key), accounts.admin)
    send(w3, f.revokeRole(PAYOUT_ROLE, accounts.signer), accounts.admin)
    assert not f.hasRole(PAYOUT_ROLE, accounts.signer).call()
    assert_unauthorized(
        f.payout(order_id("rotated"), accounts.alice, USDC), accounts.signer, PAYOUT_ROLE
    )
    send(w3, f.payout(order_id("rotated"), accounts.alice, USDC), new_key)
    assert usdc.functions.balanceOf(accounts.alice).call() == USDC
