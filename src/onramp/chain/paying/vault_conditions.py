"""What the vault and the token allow right now, read before a batch is signed.

A paused vault or token, a rolling 24 h cap used up or a vault short of USDC is a condition that
passes: payouts it stops stay queued (the sender tries again each round) and are never failed.
Pending batches (signed or sent, not yet settled) count against the cap and the balance, so a
second batch is not planned against a block without the first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address

from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.errors import ExecutionReverted


class Payable(Protocol):
    @property
    def order_id(self) -> uuid.UUID: ...
    @property
    def amount(self) -> int: ...


@dataclass(frozen=True)
class VaultConditions:
    vault_paused: bool
    token_paused: bool
    max_per_payout: int
    remaining_24h: int  # the vault's rolling cap less pending batches (USDC base units)
    balance: int  # the vault's USDC less pending batches

    @property
    def stopped(self) -> str | None:
        """Why nothing at all can be paid now, if so."""
        if self.vault_paused:
            return "vault_paused"
        if self.token_paused:
            return "token_paused"
        return None


@dataclass
class Admission:
    """A batch split by the vault's conditions, in queue order."""

    admitted: list[uuid.UUID] = field(default_factory=list)
    over_cap: list[uuid.UUID] = field(default_factory=list)  # above the vault's per-payout cap
    waiting: str | None = None  # why the rest wait (they stay queued)


def admit(conditions: VaultConditions, items: Sequence[Payable]) -> Admission:
    out = Admission(waiting=conditions.stopped)
    if out.waiting is not None:
        return out
    room = min(conditions.remaining_24h, conditions.balance)
    for item in items:
        if item.amount > conditions.max_per_payout:
            out.over_cap.append(item.order_id)
            continue
        if item.amount > room:
            # First in, first out: a smaller payout behind does not overtake it.
            out.waiting = (
                "vault_daily_cap"
                if conditions.remaining_24h < conditions.balance
                else "vault_balance_low"
            )
            break
        out.admitted.append(item.order_id)
        room -= item.amount
    return out


async def _uint(client: ChainClient, to: str, signature: str) -> int:
    (value,) = decode(["uint256"], await client.call(to, selector(signature)))
    return int(value)


async def _flag(client: ChainClient, to: str, signature: str) -> bool:
    try:
        (value,) = decode(["bool"], await client.call(to, selector(signature)))
    except ExecutionReverted:
        return False  # a token without ``paused()`` is never paused
    return bool(value)


async def token_paused(client: ChainClient, token: str) -> bool:
    """Whether the token's issuer paused it (every transfer reverts until it unpauses)."""
    return await _flag(client, token, "paused()")


async def read_conditions(
    client: ChainClient, *, vault: str, token: str, pending: int
) -> VaultConditions:
    return VaultConditions(
        vault_paused=await _flag(client, vault, "paused()"),
        token_paused=await token_paused(client, token),
        max_per_payout=await _uint(client, vault, "maxPerPayout()"),
        remaining_24h=max(0, await _uint(client, vault, "remainingIn24h()") - pending),
        balance=max(0, await client.token_balance(token, vault) - pending),
    )


async def vault_token(client: ChainClient, vault: str) -> str:
    (address,) = decode(["address"], await client.call(vault, selector("token()")))
    return to_checksum_address(address)
