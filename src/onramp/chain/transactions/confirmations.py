"""Confirmations: a broadcast transaction is final after N blocks whose stored hash is still the
canonical one and, where the node offers the ``finalized`` block tag (``require_finalized``),
once its block is at or below the finalized block; a payout is confirmed only if the receipt
carries a ``Payout`` event matching it. Until then a reorg leaves it ``broadcast``, waiting for
the transaction's new block."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import events
from onramp.chain.addresses import order_id_from_bytes32
from onramp.chain.artifacts import topic
from onramp.chain.client import ChainClient, Receipt
from onramp.chain.models import ChainTransaction, Payout, PayoutStatus, TxStatus
from onramp.core import metrics
from onramp.core.clock import utcnow
from onramp.core.db import as_int, unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.faults import crash_point
from onramp.core.logging import get_logger
from onramp.core.outbox import emit_many, make_event
from onramp.core.wakeup import PAYOUTS_CHANNEL

log = get_logger(__name__)

PAYOUT_TOPIC = topic("Payout(bytes32,address,uint256)")


@dataclass(frozen=True)
class _Mined:
    """A broadcast transaction found mined deep enough: its live row, the attempt at its nonce
    that was mined (itself or one it replaced), and that attempt's receipt."""

    live_id: uuid.UUID
    mined_id: uuid.UUID
    receipt: Receipt


@dataclass(frozen=True)
class PayoutLog:
    order_id: str
    to: str
    amount: int


def payout_logs(receipt: Receipt, vault: str) -> dict[str, PayoutLog]:
    found: dict[str, PayoutLog] = {}
    for entry in receipt.logs:
        topics = [bytes(t) for t in entry["topics"]]
        if (
            str(entry["address"]).lower() != vault.lower()
            or not topics
            or topics[0] != PAYOUT_TOPIC
        ):
            continue
        order_id = str(order_id_from_bytes32(topics[1]))
        (amount,) = decode(["uint256"], bytes(entry["data"]))
        found[order_id] = PayoutLog(
            order_id=order_id, to=to_checksum_address(topics[2][-20:]), amount=int(amount)
        )
    return found


def _settle_payout(
    payout: Payout, logs: dict[str, PayoutLog], receipt: Receipt, tx_hash: str
) -> tuple[str, dict[str, Any]]:
    """Mark the payout by what its mined batch did; returns the event subject and data."""
    seen = logs.get(str(payout.order_id))
    expected = PayoutLog(str(payout.order_id), payout.to_address, as_int(payout.amount))
    if seen == expected:
        payout.status = PayoutStatus.CONFIRMED.value
        return events.PAYOUT_CONFIRMED, {
            "order_id": str(payout.order_id),
            "tx_hash": tx_hash,
            "block_number": receipt.block_number,
            "block_hash": "0x" + receipt.block_hash.hex(),
            "to": payout.to_address,
            "amount": str(as_int(payout.amount)),
        }
    if receipt.status != 1:
        # The batch reverted when mined (the vault paused, a cap or the balance used up
        # by then): nothing was paid, and nothing about the payouts says they are bad.
        log.warning("payout.requeued", order_id=str(payout.order_id), tx_hash=tx_hash)
        payout.status = PayoutStatus.QUEUED.value
        payout.tx_id = None
        payout.failure = f"batch {tx_hash} reverted; queued again"
        return events.PAYOUT_REQUEUED, {
            "order_id": str(payout.order_id),
            "reason": "reverted",
            "tx_hash": tx_hash,
        }
    reason = "payout_event_mismatch"
    log.error("payout.not_confirmed", order_id=str(payout.order_id), reason=reason, tx_hash=tx_hash)
    payout.status = PayoutStatus.FAILED.value
    payout.failure = reason
    return events.PAYOUT_FAILED, {
        "order_id": str(payout.order_id),
        "reason": reason,
        "tx_hash": tx_hash,
    }


class ConfirmationWatcher:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: ChainClient,
        vault: str,
        confirmations: int,
        require_finalized: bool = False,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._vault = vault
        self._confirmations = confirmations
        self._require_finalized = require_finalized

    async def check(self, *, limit: int = 500) -> int:
        """Settle every broadcast transaction that is deep enough; return how many settled.

        The node is asked with no row locked (a slow node must not hold rows others need, such
        as a treasurer's cancel); only the attempts found deep enough are then locked, checked
        unchanged, and settled in one transaction."""
        async with unit_of_work(self._sessions) as session:
            live = (
                await session.scalars(
                    select(ChainTransaction)
                    .where(ChainTransaction.status == TxStatus.BROADCAST.value)
                    .order_by(ChainTransaction.nonce)
                    .limit(limit)
                )
            ).all()
            if not live:
                return 0
            replaced = await self._replaced_attempts(session, live)
        deep = await self._deep_enough(live, replaced)
        if not deep:
            return 0
        async with unit_of_work(self._sessions) as session:
            ids = [m.live_id for m in deep] + [m.mined_id for m in deep]
            locked = {
                tx.id: tx
                for tx in await session.scalars(
                    select(ChainTransaction)
                    .where(ChainTransaction.id.in_(ids))
                    .with_for_update(skip_locked=True)
                )
            }
            settled = 0
            out: list[CloudEvent] = []
            for m in deep:
                tx = await self._still_mined(session, locked, m)
                if tx is None:
                    continue  # moved on since it was read (or another watcher holds it)
                out.extend(await self._settle(session, tx, m.receipt))
                settled += 1
            await emit_many(session, out)
            crash_point("confirm.before_commit")  # settled, not committed: settled again
        crash_point("confirm.after_commit")
        return settled

    async def _replaced_attempts(
        self, session: AsyncSession, live: Sequence[ChainTransaction]
    ) -> dict[tuple[str, int], list[ChainTransaction]]:
        """The attempts each live transaction replaced (a replacement races its original; either
        may win), in one query."""
        keys = {(tx.sender, tx.nonce) for tx in live}
        rows = await session.scalars(
            select(ChainTransaction).where(
                ChainTransaction.status == TxStatus.REPLACED.value,
                tuple_(ChainTransaction.sender, ChainTransaction.nonce).in_(list(keys)),
            )
        )
        found: dict[tuple[str, int], list[ChainTransaction]] = {}
        for tx in rows:
            found.setdefault((tx.sender, tx.nonce), []).append(tx)
        return found

    async def _deep_enough(
        self,
        live: Sequence[ChainTransaction],
        replaced: dict[tuple[str, int], list[ChainTransaction]],
    ) -> list[_Mined]:
        """The attempts mined deep enough (and final, where asked) on the canonical chain."""
        head = await self._client.block_number()
        # None: not asked for, or the node has no such tag (confirmations alone decide).
        finalized = await self._client.finalized_block() if self._require_finalized else None
        deep: list[_Mined] = []
        for tx in live:
            for attempt in [tx, *replaced.get((tx.sender, tx.nonce), [])]:
                receipt = await self._client.receipt(attempt.tx_hash)
                if receipt is not None:
                    break
            else:
                continue
            if head - receipt.block_number + 1 < self._confirmations:
                continue
            if finalized is not None and receipt.block_number > finalized:
                continue  # deep enough, not final yet
            if await self._client.block_hash(receipt.block_number) != receipt.block_hash:
                continue  # reorged away: wait for the transaction's new block
            deep.append(_Mined(live_id=tx.id, mined_id=attempt.id, receipt=receipt))
            metrics.payout_confirmed_at_depth(head - receipt.block_number + 1)
        return deep

    async def _still_mined(
        self, session: AsyncSession, locked: dict[uuid.UUID, ChainTransaction], m: _Mined
    ) -> ChainTransaction | None:
        """The mined attempt, if both rows are locked and unchanged since they were read. A
        replaced winner takes the payouts back, and the live attempt, now unminable, is marked
        replaced."""
        live, mined = locked.get(m.live_id), locked.get(m.mined_id)
        if live is None or mined is None or live.status != TxStatus.BROADCAST.value:
            return None
        if mined is live:
            return live
        if mined.status != TxStatus.REPLACED.value:
            return None
        log.warning(
            "payout.original_mined",
            mined="0x" + mined.tx_hash.hex(),
            replacement="0x" + live.tx_hash.hex(),
        )
        live.status = TxStatus.REPLACED.value
        await session.flush()  # first: one live transaction per nonce at every moment
        mined.status = TxStatus.BROADCAST.value
        await session.flush()
        await session.execute(update(Payout).where(Payout.tx_id == live.id).values(tx_id=mined.id))
        return mined

    async def _settle(
        self, session: AsyncSession, tx: ChainTransaction, receipt: Receipt
    ) -> list[CloudEvent]:
        payouts = (await session.scalars(select(Payout).where(Payout.tx_id == tx.id))).all()
        logs = payout_logs(receipt, self._vault) if receipt.status == 1 else {}
        metrics.payout_mined(receipt.gas_used, tx.broadcast_at)
        tx.block_number = receipt.block_number
        tx.block_hash = receipt.block_hash
        tx.confirmed_at = utcnow()
        tx.status = TxStatus.CONFIRMED.value if receipt.status == 1 else TxStatus.FAILED.value
        tx_hash = "0x" + tx.tx_hash.hex()
        out: list[CloudEvent] = []
        requeued = False
        for payout in payouts:
            subject, data = _settle_payout(payout, logs, receipt, tx_hash)
            requeued = requeued or subject == events.PAYOUT_REQUEUED
            out.append(
                make_event(
                    subject,
                    data,
                    source=events.SOURCE,
                    entity_id=str(payout.order_id),
                    correlation_id=str(payout.order_id),
                )
            )
        if requeued:  # the queue's insert trigger fires for new rows only: wake the sender
            await session.execute(select(func.pg_notify(PAYOUTS_CHANNEL, "")))
        log.info("payout.confirmed", tx_hash=tx_hash, block=receipt.block_number, count=len(out))
        return out
