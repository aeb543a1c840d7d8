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

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain.client import Receipt
from onramp.chain.errors import NonceTooLow, ReplacementUnderpriced
from onramp.chain.models import ChainTransaction, TxStatus
from onramp.chain.transactions.tx_sender import TransactionSender
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
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


async def advance(sender: TransactionSender, tx_id: Any, *, replace_after: timedelta) -> TxOutcome:
    """One step for a stored transaction of ``sender``'s key: if an attempt at its nonce was
    mined, say which and how; if not, send the live attempt again (a no-op for the node if it
    has it) or, once it is older than ``replace_after``, replace it with higher fees."""
    async with unit_of_work(sender.sessions) as session:
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
            receipt = await sender.client.receipt(attempt.tx_hash)
            if receipt is not None:
                await _settle_mined(session, attempts, attempt)
                state = TxState.SUCCEEDED if receipt.status == 1 else TxState.REVERTED
                return TxOutcome(state, attempt, receipt)
        live = _live(attempts)
        if live.failure == NONCE_TAKEN:
            return TxOutcome(TxState.LOST, live)
    stale = live.created_at < utcnow() - replace_after
    if live.status == TxStatus.BROADCAST.value and stale:
        replacement = await sender.replace(live)
        if replacement is not None:
            return await _send(sender, replacement)
    return await _send(sender, live)


async def _send(sender: TransactionSender, tx: ChainTransaction) -> TxOutcome:
    """Send the stored bytes unless the node has them (nodes word "already known" in ways of
    their own: asking first needs no wording); the node knowing them counts as sent."""
    try:
        if await sender.client.has_transaction(tx.tx_hash):
            await sender.mark_sent(tx.id)
        else:
            await sender.send(tx)
    except NonceTooLow:
        # No attempt at this nonce was mined (checked just before), yet the nonce is used.
        async with unit_of_work(sender.sessions) as session:
            await session.execute(
                update(ChainTransaction)
                .where(ChainTransaction.id == tx.id)
                .values(status=TxStatus.FAILED.value, failure=NONCE_TAKEN)
            )
        log.error("tx.lost", sender=tx.sender, tx_hash="0x" + tx.tx_hash.hex(), nonce=tx.nonce)
        return TxOutcome(TxState.LOST, tx)
    except ReplacementUnderpriced:
        if tx.replaces_id is None:
            raise
        # The node keeps the attempt this one replaces (its fees are too close): back to it.
        await sender.undo_replacement(tx, "replacement underpriced")
    return TxOutcome(TxState.PENDING, tx)
