"""The one fee rule for every stored transaction that gets stuck: a replacement at the same nonce
raises both fees by the bump (nodes want at least 10 %) and leaves room for twice the current
base fee, never above the cap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FeePolicy:
    """How a stuck transaction is replaced (ChainSettings: replace_after_seconds, ...)."""

    bump_percent: int = 15
    max_fee_per_gas: int = 500 * 10**9

    def bumped(self, fee: int) -> int:
        return fee * (100 + self.bump_percent) // 100 + 1


def replacement_fees(policy: FeePolicy, before: dict[str, Any], base_fee: int) -> dict[str, int]:
    """The fees of a replacement of the transaction whose fields were ``before``."""
    priority = policy.bumped(int(before["maxPriorityFeePerGas"]))
    max_fee = max(policy.bumped(int(before["maxFeePerGas"])), base_fee * 2 + priority)
    return {"maxPriorityFeePerGas": priority, "maxFeePerGas": max_fee}
