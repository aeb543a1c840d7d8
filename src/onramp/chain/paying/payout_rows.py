"""What the payouts a stored transaction carries do as it is sent, replaced, moved to the mined
attempt or superseded: the payout sender's ``StoredTxOwner`` (see ``tx_reconciler``)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import events
from onramp.chain.models import ChainTransaction, Payout, PayoutStatus
from onramp.chain.transactions.tx_reconciler import NoOwner
from onramp.core.logging import get_logger
from onramp.core.outbox import emit_many, make_event
from onramp.core.wakeup import PAYOUTS_CHANNEL

log = get_logger(__name__)


async def _payouts_broadcast(session: AsyncSession, tx_id: uuid.UUID, tx_hash: bytes) -> int:
    """The payouts of a transaction that reached the node: ``broadcast``, announced."""
    order_ids = (
        await session.scalars(
            update(Payout)
            .where(Payout.tx_id == tx_id, Payout.status == PayoutStatus.SIGNED.value)
            .values(status=PayoutStatus.BROADCAST.value)
            .returning(Payout.order_id)
        )
    ).all()
    await emit_many(
        session,
        [
            make_event(
                events.PAYOUT_BROADCAST,
                {"order_id": str(o), "tx_hash": "0x" + tx_hash.hex()},
                source=events.SOURCE,
                entity_id=str(o),
                correlation_id=str(o),
            )
            for o in order_ids
        ],
    )
    return len(order_ids)


class PayoutRows(NoOwner):
    """What the payouts a transaction carries do when it is sent, replaced or settled."""

    async def sent(self, session: AsyncSession, tx: ChainTransaction) -> None:
        count = await _payouts_broadcast(session, tx.id, tx.tx_hash)
        log.info("payout.broadcast", tx_hash="0x" + tx.tx_hash.hex(), count=count)

    async def replaced(self, session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
        await session.execute(update(Payout).where(Payout.tx_id == from_id).values(tx_id=to_id))

    async def moved(self, session: AsyncSession, from_id: uuid.UUID, to: ChainTransaction) -> None:
        await session.execute(update(Payout).where(Payout.tx_id == from_id).values(tx_id=to.id))
        await _payouts_broadcast(session, to.id, to.tx_hash)  # mined: it reached the node

    async def superseded(self, session: AsyncSession, tx: ChainTransaction) -> None:
        """Queued again as a new attempt (out of the hot key's in-flight sum); the vault's
        once-per-order-id check guards against a second payment."""
        requeued = (
            await session.scalars(
                update(Payout)
                .where(
                    Payout.tx_id == tx.id,
                    Payout.status.in_([PayoutStatus.SIGNED.value, PayoutStatus.BROADCAST.value]),
                )
                .values(
                    status=PayoutStatus.QUEUED.value,
                    tx_id=None,
                    failure=f"requeued: {tx.failure or 'transaction superseded'}"[:300],
                )
                .returning(Payout.order_id)
            )
        ).all()
        if requeued:
            log.error(
                "payout.requeued",
                tx_hash="0x" + tx.tx_hash.hex(),
                orders=[str(o) for o in requeued],
            )
            await session.execute(select(func.pg_notify(PAYOUTS_CHANNEL, "")))
            # The orders follow (payout_broadcast -> payout_queued), as for a reverted batch.
            tx_hash = "0x" + tx.tx_hash.hex()
            await emit_many(
                session,
                [
                    make_event(
                        events.PAYOUT_REQUEUED,
                        {"order_id": str(o), "reason": "superseded", "tx_hash": tx_hash},
                        source=events.SOURCE,
                        entity_id=str(o),
                        correlation_id=str(o),
                    )
                    for o in requeued
                ],
            )
