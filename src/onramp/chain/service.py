"""What other domains ask of the chain: queue payouts, know a customer's wallet address."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import events
from onramp.chain.addresses import checksum
from onramp.chain.models import ChainTransaction, Payout, PayoutStatus, TxStatus
from onramp.core.backlog import Backlog, backlog_of
from onramp.core.clock import utcnow
from onramp.core.db import as_int
from onramp.core.errors import InvalidInput
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.outbox import emit_many, make_event
from onramp.core.tracing import traceparent_for
from onramp.core.wakeup import PAYOUTS_CHANNEL


@dataclass(frozen=True)
class PayoutRequest:
    order_id: uuid.UUID
    to_address: str
    amount: Money
    # Compliance released this order after a hit on its destination: the pre-sign check, which
    # would hit again, does not hold it.
    released: bool = False
    # Whose order it is: stored with the payout, so the treasury's gate limits per customer
    # without reaching back up into ``orders`` (None: nobody's, never limited per customer).
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PayoutView:
    order_id: uuid.UUID
    to_address: str
    amount: Money
    status: str
    tx_hash: str | None
    block_number: int | None
    failure: str | None = None  # why the last attempt failed, was held or cancelled (staff)


async def queue_payouts(session: AsyncSession, requests: Sequence[PayoutRequest]) -> int:
    """Queue payouts; an order already queued is not queued twice. Returns how many are new."""
    if not requests:
        return 0
    for r in requests:
        if r.amount.currency != "USDC" or not r.amount.is_positive():
            raise InvalidInput(f"payout of {r.amount} {r.amount.currency} is not a USDC amount")
    inserted = await session.execute(
        insert(Payout)
        .values(
            [
                {
                    "id": uuid7(),
                    "order_id": r.order_id,
                    "customer_id": r.customer_id,
                    "to_address": checksum(r.to_address),
                    "amount": r.amount.minor,
                    "status": PayoutStatus.QUEUED.value,
                    "released_at": utcnow() if r.released else None,
                    # The order's trace (its consumer batch's), linked by the batch paying it.
                    "traceparent": traceparent_for(str(r.order_id)),
                }
                for r in requests
            ]
        )
        .on_conflict_do_nothing(index_elements=["order_id"])
        .returning(Payout.order_id)
    )
    new = list(inserted.scalars().all())
    await emit_many(
        session,
        [
            make_event(
                events.PAYOUT_QUEUED,
                {"order_id": str(o)},
                source=events.SOURCE,
                entity_id=str(o),
                correlation_id=str(o),
            )
            for o in new
        ],
    )
    return len(new)


async def payout_for_order(session: AsyncSession, order_id: uuid.UUID) -> PayoutView | None:
    row = (
        await session.execute(
            select(Payout, ChainTransaction)
            .outerjoin(ChainTransaction, ChainTransaction.id == Payout.tx_id)
            .where(Payout.order_id == order_id)
        )
    ).first()
    if row is None:
        return None
    payout, tx = row
    return PayoutView(
        order_id=payout.order_id,
        to_address=payout.to_address,
        amount=Money(int(payout.amount), "USDC"),
        status=payout.status,
        tx_hash="0x" + tx.tx_hash.hex() if tx is not None else None,
        block_number=tx.block_number if tx is not None else None,
        failure=payout.failure,
    )


async def hold_queued_payouts(
    session: AsyncSession, order_ids: Sequence[uuid.UUID], *, reason: str
) -> list[uuid.UUID]:
    """Stop payouts not yet signed (a list update named their destination); returns the orders
    held. A payout already signed is not touched: the pre-sign check screened it; nor is one
    compliance released."""
    if not order_ids:
        return []
    held = await session.scalars(
        update(Payout)
        .where(
            Payout.order_id.in_(order_ids),
            Payout.status == PayoutStatus.QUEUED.value,
            # An officer's release stands: the same listing does not stop it again.
            Payout.released_at.is_(None),
        )
        .values(status=PayoutStatus.HELD.value, failure=reason[:300])
        .returning(Payout.order_id)
    )
    return list(held.all())


async def release_held_payouts(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Held payouts go back to the queue (compliance released them); the sender is woken."""
    if not order_ids:
        return []
    released = await session.scalars(
        update(Payout)
        .where(Payout.order_id.in_(order_ids), Payout.status == PayoutStatus.HELD.value)
        .values(status=PayoutStatus.QUEUED.value, failure=None, released_at=func.now())
        .returning(Payout.order_id)
    )
    out = list(released.all())
    if out:
        # The insert trigger only fires on new rows: wake the sender for these by hand.
        await session.execute(select(func.pg_notify(PAYOUTS_CHANNEL, "")))
    return out


async def _cancel(
    session: AsyncSession,
    order_ids: Sequence[uuid.UUID],
    statuses: Sequence[PayoutStatus],
    *,
    reason: str,
) -> list[uuid.UUID]:
    """Cancel these orders' payouts that are in one of ``statuses``; returns their orders."""
    if not order_ids:
        return []
    cancelled = await session.scalars(
        update(Payout)
        .where(Payout.order_id.in_(order_ids), Payout.status.in_([s.value for s in statuses]))
        .values(status=PayoutStatus.CANCELLED.value, failure=reason[:300])
        .returning(Payout.order_id)
    )
    return list(cancelled.all())


async def cancel_held_payouts(
    session: AsyncSession, order_ids: Sequence[uuid.UUID], *, reason: str
) -> list[uuid.UUID]:
    """Held payouts that will never be sent (compliance rejected their orders)."""
    return await _cancel(session, order_ids, (PayoutStatus.HELD,), reason=reason)


async def cancel_unsent_payouts(
    session: AsyncSession, order_ids: Sequence[uuid.UUID], *, reason: str
) -> list[uuid.UUID]:
    """Payouts not yet signed (queued or held) that must never be sent: their orders' funds are
    gone (the bank took the deposit back). Waits for a sender holding one of them, then leaves
    a payout it signed alone. Returns the orders whose payouts were cancelled."""
    return await _cancel(
        session, order_ids, (PayoutStatus.QUEUED, PayoutStatus.HELD), reason=reason
    )


# Payouts that will still take USDC out of the vault (held ones may be released): the treasury
# counts them as reserved, so a refill never waits for the payouts to fail first.
RESERVING = (
    PayoutStatus.QUEUED.value,
    PayoutStatus.SIGNED.value,
    PayoutStatus.BROADCAST.value,
    PayoutStatus.HELD.value,
)


async def reserved_for_payouts(session: AsyncSession) -> int:
    """USDC base units owed by payouts not yet confirmed (a mined but not yet confirmed payout
    is counted too, and also gone from the balance: the error is on the side of refilling)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Payout.amount), 0)).where(Payout.status.in_(RESERVING))
    )
    return as_int(total)


async def in_flight_total(session: AsyncSession) -> int:
    """USDC base units in payouts signed or broadcast and not yet confirmed (the hot key's
    exposure to the chain)."""
    open_tx = [TxStatus.SIGNED.value, TxStatus.BROADCAST.value]
    # Through the open transactions (a partial index) rather than a scan of every payout.
    total = await session.scalar(
        select(func.coalesce(func.sum(Payout.amount), 0))
        .join(ChainTransaction, ChainTransaction.id == Payout.tx_id)
        .where(
            ChainTransaction.status.in_(open_tx),
            Payout.status.in_([PayoutStatus.SIGNED.value, PayoutStatus.BROADCAST.value]),
        )
    )
    return int(total or 0)


# A payout confirmed longer ago than this and still not booked is no longer "on its way to the
# books": the risk worker's vault check then counts it as the break it is.
UNBOOKED_WINDOW = timedelta(hours=24)


async def unbooked_total(session: AsyncSession, *, now: datetime) -> int:
    """USDC base units of payouts the chain confirmed whose ledger entry the orders worker has
    not posted yet (the event is on its way): paid on-chain, still in the vault's books."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Payout.amount), 0)).where(
            Payout.status == PayoutStatus.CONFIRMED.value,
            Payout.booked_at.is_(None),
            Payout.created_at >= now - UNBOOKED_WINDOW,
        )
    )
    return int(total or 0)


async def mark_payouts_booked(
    session: AsyncSession, order_ids: Sequence[uuid.UUID], *, now: datetime
) -> None:
    """The orders' payout entries are posted in this transaction."""
    if order_ids:
        await session.execute(
            update(Payout)
            .where(Payout.order_id.in_(order_ids), Payout.booked_at.is_(None))
            .values(booked_at=now)
        )


async def payout_backlog(session: AsyncSession) -> list[Backlog]:
    """Payouts not yet final, by status, and since when the oldest was queued."""
    waiting = [
        PayoutStatus.QUEUED.value,
        PayoutStatus.SIGNED.value,
        PayoutStatus.BROADCAST.value,
        PayoutStatus.HELD.value,
    ]
    return await backlog_of(session, Payout.status, Payout.created_at, waiting)
