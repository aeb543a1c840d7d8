"""TreasuryVault's rolling 24 h cap: a real sliding window of hourly buckets, not a fixed day.

A payout made during hour H counts until hour H + 25 starts: always for the whole 24 h after
it, and for less than 25 h.
"""

from __future__ import annotations

from chain_helpers import (
    MAX_PER_24H,
    MAX_PER_PAYOUT,
    USDC,
    Accounts,
    assert_reverts,
    increase_time,
    latest_timestamp,
    mine_at,
    order_id,
    send,
)
from web3 import Web3
from web3.contract import Contract

HOUR = 3600
DAY = 24 * HOUR
LIMIT = "DailyLimitExceeded(uint256,uint256)"


def _pay(w3: Web3, vault: Contract, accounts: Accounts, label: str, amount: int) -> None:
    send(w3, vault.functions.payout(order_id(label), accounts.alice, amount), accounts.signer)


def _assert_limited(vault: Contract, accounts: Accounts, amount: int, available: int) -> None:
    call = vault.functions.payout(order_id(f"over-{amount}"), accounts.alice, amount)
    assert_reverts(call, accounts.signer, LIMIT, amount, available)


def test_cap_sums_payouts_and_frees_up_after_24h(
    w3: Web3, vault: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    _pay(w3, vault, accounts, "r1", MAX_PER_PAYOUT)
    _pay(w3, vault, accounts, "r2", MAX_PER_PAYOUT)
    assert f.paidInLast24h().call() == 2 * MAX_PER_PAYOUT
    left = MAX_PER_24H - 2 * MAX_PER_PAYOUT
    assert f.remainingIn24h().call() == left
    _assert_limited(vault, accounts, left + 1, left)
    _pay(w3, vault, accounts, "r3", left)
    _assert_limited(vault, accounts, 1, 0)

    increase_time(w3, 12 * HOUR)  # half a day later: still all counted
    assert f.paidInLast24h().call() == MAX_PER_24H
    _assert_limited(vault, accounts, 1, 0)

    increase_time(w3, 13 * HOUR)  # 25 h after the payouts: the window is empty again
    assert f.paidInLast24h().call() == 0
    assert f.remainingIn24h().call() == MAX_PER_24H
    _pay(w3, vault, accounts, "r4", MAX_PER_PAYOUT)
    assert f.paidInLast24h().call() == MAX_PER_PAYOUT


def test_window_slides_hour_by_hour(w3: Web3, vault: Contract, accounts: Accounts) -> None:
    """Unlike a calendar-day cap, each payout expires on its own, 24-25 h after it was made."""
    f = vault.functions
    hour0 = latest_timestamp(w3) // HOUR + 1  # the next whole hour, so boundaries are exact
    start = hour0 * HOUR + 10 * 60

    mine_at(w3, start - 1)
    _pay(w3, vault, accounts, "h0", 8_000 * USDC)  # mined in hour0 (at most 1 s later)
    mine_at(w3, (hour0 + 1) * HOUR + 5)
    _pay(w3, vault, accounts, "h1", 10_000 * USDC)  # hour0 + 1
    mine_at(w3, (hour0 + 20) * HOUR)
    _pay(w3, vault, accounts, "h20", 7_000 * USDC)  # hour0 + 20
    assert f.paidInLast24h().call() == 25_000 * USDC
    _assert_limited(vault, accounts, 1, 0)

    # 24 h after the first payout, across a calendar-day boundary or not, it still counts.
    mine_at(w3, start + DAY)
    assert f.paidInLast24h().call() == 25_000 * USDC
    _assert_limited(vault, accounts, 1, 0)
    mine_at(w3, (hour0 + 25) * HOUR - 10)  # last seconds of hour0 + 24
    assert f.paidInLast24h().call() == 25_000 * USDC

    # Hour0's bucket leaves the window when hour0 + 25 starts; the later ones stay.
    mine_at(w3, (hour0 + 25) * HOUR)
    assert f.paidInLast24h().call() == 17_000 * USDC
    assert f.remainingIn24h().call() == 8_000 * USDC
    _assert_limited(vault, accounts, 8_000 * USDC + 1, 8_000 * USDC)
    _pay(w3, vault, accounts, "h25", 8_000 * USDC)  # hour0 + 25 (reuses hour0's ring slot)
    assert f.paidInLast24h().call() == 25_000 * USDC
    _assert_limited(vault, accounts, 1, 0)

    mine_at(w3, (hour0 + 26) * HOUR)  # hour0 + 1 leaves
    assert f.paidInLast24h().call() == 15_000 * USDC
    mine_at(w3, (hour0 + 45) * HOUR)  # hour0 + 20 leaves; only hour0 + 25 is left
    assert f.paidInLast24h().call() == 8_000 * USDC
    mine_at(w3, (hour0 + 50) * HOUR)
    assert f.paidInLast24h().call() == 0


def test_batch_counts_against_the_window(w3: Web3, vault: Contract, accounts: Accounts) -> None:
    f = vault.functions
    _pay(w3, vault, accounts, "pre", 20_000 * USDC - MAX_PER_PAYOUT)
    _pay(w3, vault, accounts, "pre2", MAX_PER_PAYOUT)
    ids = [order_id("w-a"), order_id("w-b")]
    to = [accounts.alice, accounts.bob]
    assert_reverts(
        f.payoutBatch(ids, to, [3_000 * USDC, 3_000 * USDC]),
        accounts.signer,
        LIMIT,
        3_000 * USDC,
        2_000 * USDC,
    )
    assert f.paidInLast24h().call() == 20_000 * USDC
    send(w3, f.payoutBatch(ids, to, [3_000 * USDC, 2_000 * USDC]), accounts.signer)
    assert f.paidInLast24h().call() == MAX_PER_24H


def test_lowering_the_cap_applies_to_what_was_already_paid(
    w3: Web3, vault: Contract, accounts: Accounts
) -> None:
    f = vault.functions
    _pay(w3, vault, accounts, "before", 8_000 * USDC)
    # (The per-payout cap may not exceed the 24 h cap, so both come down.)
    send(w3, f.setLimits(5_000 * USDC, 5_000 * USDC), accounts.admin)
    assert f.remainingIn24h().call() == 0
    _assert_limited(vault, accounts, USDC, 0)
    send(w3, f.setLimits(5_000 * USDC, 9_000 * USDC), accounts.admin)
    assert f.remainingIn24h().call() == 1_000 * USDC
