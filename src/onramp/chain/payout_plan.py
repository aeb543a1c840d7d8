"""A payout batch as the sender plans it: its items, what the chain said about it before any
lock is taken, and the vault call that pays it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import encode

from onramp.chain.addresses import order_id_bytes32
from onramp.chain.artifacts import selector

PAYOUT_BATCH_SIG = "payoutBatch(bytes32[],address[],uint256[])"


@dataclass(frozen=True)
class _Item:
    order_id: uuid.UUID
    to: str
    amount: int


@dataclass
class _Plan:
    """What the chain said about a batch before any lock is taken."""

    items: list[_Item] = field(default_factory=list)  # to sign
    gas: int = 0
    failed: dict[uuid.UUID, str] = field(default_factory=dict)  # the payout's own cause
    held: dict[uuid.UUID, tuple[str, Mapping[str, Any]]] = field(default_factory=dict)
    waiting: str | None = None  # a condition of the vault or the token: the rest stays queued
    pending_nonce: int | None = None  # the key's pending count, read before the lock
    fees: dict[str, int] = field(default_factory=dict)  # EIP-1559 fee fields, read then too


def payout_batch_calldata(items: Sequence[_Item]) -> bytes:
    return selector(PAYOUT_BATCH_SIG) + encode(
        ["bytes32[]", "address[]", "uint256[]"],
        [
            [order_id_bytes32(i.order_id) for i in items],
            [i.to for i in items],
            [i.amount for i in items],
        ],
    )
