"""A payout batch as the sender plans it: its items, what the chain says about it before any
lock is taken (``BatchPlanner``: what the vault allows, the gas, the payouts that would revert),
and the vault call that pays it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address

from onramp.chain.addresses import order_id_bytes32
from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.errors import ExecutionReverted
from onramp.chain.paying.revert_reasons import Cause, classify_revert
from onramp.chain.paying.vault_conditions import admit, read_conditions, vault_token
from onramp.chain.signing.signer import Signer
from onramp.core.logging import get_logger

log = get_logger(__name__)

PAYOUT_BATCH_SIG = "payoutBatch(bytes32[],address[],uint256[])"


@dataclass(frozen=True)
class PayoutItem:
    order_id: uuid.UUID
    to: str
    amount: int


@dataclass
class BatchPlan:
    """What the chain said about a batch before any lock is taken."""

    items: list[PayoutItem] = field(default_factory=list)  # to sign
    gas: int = 0
    failed: dict[uuid.UUID, str] = field(default_factory=dict)  # the payout's own cause
    held: dict[uuid.UUID, tuple[str, Mapping[str, Any]]] = field(default_factory=dict)
    waiting: str | None = None  # a condition of the vault or the token: the rest stays queued
    pending_nonce: int | None = None  # the key's pending count, read before the lock
    fees: dict[str, int] = field(default_factory=dict)  # EIP-1559 fee fields, read then too


def payout_batch_calldata(items: Sequence[PayoutItem]) -> bytes:
    return selector(PAYOUT_BATCH_SIG) + encode(
        ["bytes32[]", "address[]", "uint256[]"],
        [
            [order_id_bytes32(i.order_id) for i in items],
            [i.to for i in items],
            [i.amount for i in items],
        ],
    )


class BatchPlanner:
    """Asks the chain about a batch, outside any database transaction (a slow node never holds
    row locks or an idle transaction)."""

    def __init__(self, *, client: ChainClient, signer: Signer, vault: str) -> None:
        self._client = client
        self._signer = signer
        self._vault = vault
        self._token: str | None = None  # the vault's USDC (read once)

    async def plan(
        self, items: list[PayoutItem], pending: int, refused: dict[str, str]
    ) -> BatchPlan:
        """Ask the chain, outside any database transaction: what the vault allows now, then
        what the batch costs in gas and which payouts in it would revert and why. A payout to
        an address of the operator or the system (refused at input too) is held: nothing would
        reach a customer."""
        if self._token is None:
            self._token = await vault_token(self._client, self._vault)
        for own, what in ((self._vault, "the vault"), (self._token, "the USDC contract")):
            refused.setdefault(to_checksum_address(own), what)
        not_allowed = {
            i.order_id: (
                f"the destination {i.to} is {refused[i.to]}: no customer can be paid there",
                {"kind": "destination_not_allowed", "address": i.to},
            )
            for i in items
            if i.to in refused
        }
        items = [i for i in items if i.order_id not in not_allowed]
        conditions = await read_conditions(
            self._client, vault=self._vault, token=self._token, pending=pending
        )
        admission = admit(conditions, items)
        pending_nonce = await self._client.pending_nonce(self._signer.address)
        fees = await self._client.fees()
        plan = BatchPlan(waiting=admission.waiting, pending_nonce=pending_nonce, fees=fees)
        plan.held.update(not_allowed)
        for order_id in admission.over_cap:
            plan.held[order_id] = (
                "above the vault's per-payout cap: raise the cap (cold Safe) or refund the order",
                {"kind": "vault_limit", "limit": "vault_per_payout_cap"},
            )
        admitted = set(admission.admitted)
        plan.items, plan.gas = await self._drop_reverting(
            [i for i in items if i.order_id in admitted], plan
        )
        return plan

    async def _estimate(self, items: Sequence[PayoutItem]) -> int:
        return await self._client.estimate_gas(
            {
                "from": self._signer.address,
                "to": self._vault,
                "data": "0x" + payout_batch_calldata(items).hex(),
            }
        )

    async def _drop_reverting(
        self, items: list[PayoutItem], plan: BatchPlan
    ) -> tuple[list[PayoutItem], int]:
        """Keep a batch from failing as a whole: if it would revert, estimate the payouts one
        by one onto the good ones. A payout that reverts for its own cause is failed (or, when
        the vault says it was paid, held for a person); a condition of the vault or the token
        stops the batch there and the rest waits, queued. Returns the payouts to send and their
        gas estimate."""
        if not items:
            return [], 0
        try:
            return items, await self._estimate(items)
        except ExecutionReverted:
            pass
        good: list[PayoutItem] = []
        gas = 0
        for item in items:
            try:
                gas = await self._estimate([*good, item])
                good.append(item)
                continue
            except ExecutionReverted as exc:
                why = classify_revert(exc)
            log.warning(
                "payout.reverts",
                order_id=str(item.order_id),
                cause=why.cause.value,
                code=why.code,
                error=why.detail[:300],
            )
            if why.cause is Cause.ITEM:
                plan.failed[item.order_id] = f"{why.code}: {why.detail}"
            elif why.cause is Cause.PAID:
                plan.held[item.order_id] = (
                    "the vault says this order id was paid already: check the chain before "
                    "retrying or refunding",
                    {"kind": "vault_already_paid"},
                )
            elif why.code != "unknown_revert":
                plan.waiting = why.code
                break
        return good, gas
