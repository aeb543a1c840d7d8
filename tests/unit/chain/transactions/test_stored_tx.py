"""The fee-bump rule of a stored transaction's replacement."""

from __future__ import annotations

from onramp.chain.transactions.fees import FeePolicy, replacement_fees

GWEI = 10**9


def test_a_replacement_raises_both_fees_by_the_bump() -> None:
    before = {"maxPriorityFeePerGas": 1 * GWEI, "maxFeePerGas": 10 * GWEI}
    fees = replacement_fees(FeePolicy(bump_percent=15), before, base_fee=1 * GWEI)
    assert fees == {
        "maxPriorityFeePerGas": 1 * GWEI * 115 // 100 + 1,
        "maxFeePerGas": 10 * GWEI * 115 // 100 + 1,
    }


def test_a_replacement_covers_twice_a_base_fee_that_rose_meanwhile() -> None:
    before = {"maxPriorityFeePerGas": 1 * GWEI, "maxFeePerGas": 3 * GWEI}
    fees = replacement_fees(FeePolicy(bump_percent=10), before, base_fee=20 * GWEI)
    priority = 1 * GWEI * 110 // 100 + 1
    assert fees == {"maxPriorityFeePerGas": priority, "maxFeePerGas": 40 * GWEI + priority}
