"""One stored transaction carried to the chain: ``advance`` asks the chain which attempt at its
nonce was mined and, until one is, re-sends the stored bytes or replaces them with higher fees.

A stored transaction (``chain_transactions``) is signed and committed before it is sent, and a
replacement keeps its nonce and call: so whatever happened in between (a crash before anything
was recorded, a receipt that came after the sender stopped waiting, a replacement the node
refused), the chain's answer for that sender and nonce says what became of it. ``advance`` is
the rule for one row: a reconciler over every open row, or a worker over its own, can call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from eth_account.typed_transactions.typed_transaction import TypedTransaction
from hexbytes import HexBytes
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient, Receipt
from onramp.chain.errors import NonceTooLow, ReplacementUnderpriced
from onramp.chain.fees import FeePolicy, replacement_fees
from onramp.chain.models import ChainTransaction, TxStatus
from onramp.chain.signer import Signer
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.logging import get_logger

log = get_logger(__name__)

NONCE_TAKEN = "nonce used by a transaction not stored here"


class TxState(StrEnum):
    PENDING = "pending"  # not mined yet: sent again or replaced, and waiting
    SUCCEEDED = "succeeded"  # an attempt at its nonce was mined and did not revert
    REVERTED = "reverted"  # an attempt at its nonce was mined and reverted
    LOST = "lost"  # its nonce went to a transaction not stored here: it can never be mined


@dataclass(frozen=True)
class TxOutcome:
    state: TxState
    attempt: ChainTransaction  # the mined attempt, or the live one
    receipt: Receipt | None = None

    @property
    def pending(self) -> bool:
        return self.state == TxState.PENDING

    @property
    def succeeded(self) -> bool:
        return self.state == TxState.SUCCEEDED


async def _attempts(session: AsyncSession, tx: ChainTransaction) -> list[ChainTransaction]:
    """Every stored attempt at this transaction's nonce (itself and its replacements), oldest
    first; the last one not replaced is the live one."""
    return list(
        (
            await session.scalars(
                select(ChainTransaction)
                .where(ChainTransaction.sender == tx.sender, ChainTransaction.nonce == tx.nonce)
                .order_by(ChainTransaction.created_at, ChainTransaction.id)
            )
        ).all()
    )


def _live(attempts: list[ChainTransaction]) -> ChainTransaction:
    live = [a for a in attempts if a.status != TxStatus.REPLACED.value]
    return live[-1] if live else attempts[-1]


async def _settle_mined(
    session: AsyncSession, attempts: list[ChainTransaction], mined: ChainTransaction
) -> None:
    """The mined attempt becomes the live one (broadcast, for the confirmation watcher to
    settle), every other attempt is replaced: one live transaction per nonce at every moment."""
    if mined.status not in (TxStatus.SIGNED.value, TxStatus.REPLACED.value):
        return
    for other in attempts:
        if other.id != mined.id and other.status != TxStatus.REPLACED.value:
            other.status = TxStatus.REPLACED.value
    await session.flush()
    mined.status, mined.broadcast_at = TxStatus.BROADCAST.value, mined.broadcast_at or utcnow()
    await session.flush()


async def advance(
    sessions: async_sessionmaker[AsyncSession],
    client: ChainClient,
    signer: Signer,
    tx_id: Any,
    *,
    fees: FeePolicy,
    replace_after: timedelta,
) -> TxOutcome:
    """One step for a stored transaction of ``signer``: if an attempt at its nonce was mined,
    say which and how; if not, send the live attempt again (a no-op for the node if it has it)
    or, once it is older than ``replace_after``, replace it with higher fees."""
    async with unit_of_work(sessions) as session:
        tx = await session.get(ChainTransaction, tx_id)
        if tx is None:
            raise LookupError(f"no stored transaction {tx_id}")
        attempts = await _attempts(session, tx)
        for attempt in attempts:
            if attempt.status == TxStatus.CONFIRMED.value:  # settled by the watcher
                return TxOutcome(TxState.SUCCEEDED, attempt)
            if attempt.status == TxStatus.FAILED.value and attempt.failure != NONCE_TAKEN:
                return TxOutcome(TxState.REVERTED, attempt)
        for attempt in attempts:
            receipt = await client.receipt(attempt.tx_hash)
            if receipt is not None:
                await _settle_mined(session, attempts, attempt)
                state = TxState.SUCCEEDED if receipt.status == 1 else TxState.REVERTED
                return TxOutcome(state, attempt, receipt)
        live = _live(attempts)
        if live.failure == NONCE_TAKEN:
            return TxOutcome(TxState.LOST, live)
    stale = live.created_at < utcnow() - replace_after
    if live.status == TxStatus.BROADCAST.value and stale:
        replaced = await _replace(sessions, client, signer, live, fees)
        if replaced is not None:
            return replaced
    return await _send(sessions, client, live)


async def _send(
    sessions: async_sessionmaker[AsyncSession], client: ChainClient, tx: ChainTransaction
) -> TxOutcome:
    """Send the stored bytes unless the node has them (nodes word "already known" in ways of
    their own: asking first needs no wording); the node knowing them counts as sent."""
    try:
        if not await client.has_transaction(tx.tx_hash):
            await client.send_stored(tx.raw, tx.tx_hash)
    except NonceTooLow:
        # No attempt at this nonce was mined (checked just before), yet the nonce is used.
        async with unit_of_work(sessions) as session:
            await session.execute(
                update(ChainTransaction)
                .where(ChainTransaction.id == tx.id)
                .values(status=TxStatus.FAILED.value, failure=NONCE_TAKEN)
            )
        log.error("chain.stored_tx_lost", tx_hash="0x" + tx.tx_hash.hex(), nonce=tx.nonce)
        return TxOutcome(TxState.LOST, tx)
    except ReplacementUnderpriced:
        if tx.replaces_id is None:
            raise
        # The node keeps the attempt this one replaces (its fees are too close): back to it.
        await _undo_replacement(sessions, tx, "replacement underpriced")
        return TxOutcome(TxState.PENDING, tx)
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(ChainTransaction)
            .where(ChainTransaction.id == tx.id, ChainTransaction.status == TxStatus.SIGNED.value)
            .values(status=TxStatus.BROADCAST.value, broadcast_at=utcnow())
        )
    return TxOutcome(TxState.PENDING, tx)


async def _replace(
    sessions: async_sessionmaker[AsyncSession],
    client: ChainClient,
    signer: Signer,
    old: ChainTransaction,
    policy: FeePolicy,
) -> TxOutcome | None:
    """Same nonce and call, fees raised: stored (the old one ``replaced``) before it is sent.
    None if the fees would pass the cap (the old one stays, and is sent again)."""
    before = TypedTransaction.from_bytes(HexBytes(old.raw)).as_dict()
    new_fees = replacement_fees(policy, before, await client.base_fee())
    if new_fees["maxFeePerGas"] > policy.max_fee_per_gas:
        log.error(
            "chain.fee_cap_reached",
            tx_hash="0x" + old.tx_hash.hex(),
            wanted=new_fees["maxFeePerGas"],
            cap=policy.max_fee_per_gas,
        )
        return None
    signed = signer.sign_transaction(
        {
            "type": 2,
            "chainId": int(before["chainId"]),
            "nonce": old.nonce,
            "to": before["to"],
            "value": int(before["value"]),
            "data": bytes(before["data"]),
            "gas": int(before["gas"]),
        }
        | new_fees
    )
    new = ChainTransaction(
        id=uuid7(),
        sender=old.sender,
        nonce=old.nonce,
        tx_hash=signed.tx_hash,
        raw=signed.raw,
        status=TxStatus.SIGNED.value,
        replaces_id=old.id,
    )
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(ChainTransaction)
            .where(ChainTransaction.id == old.id)
            .values(status=TxStatus.REPLACED.value)
        )
        session.add(new)
    log.warning(
        "chain.stored_tx_replaced",
        old="0x" + old.tx_hash.hex(),
        new="0x" + signed.tx_hash.hex(),
        nonce=old.nonce,
        max_fee=new_fees["maxFeePerGas"],
    )
    return await _send(sessions, client, new)


async def _undo_replacement(
    sessions: async_sessionmaker[AsyncSession], new: ChainTransaction, why: str
) -> None:
    log.warning("chain.replacement_refused", tx_hash="0x" + new.tx_hash.hex(), error=why)
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(ChainTransaction)
            .where(ChainTransaction.id == new.id)
            .values(status=TxStatus.REPLACED.value, failure=why[:300])
        )
        await session.flush()
        await session.execute(
            update(ChainTransaction)
            .where(ChainTransaction.id == new.replaces_id)
            .values(status=TxStatus.BROADCAST.value)
        )
