"""An operator's way out of a failed payout (``orders.staff.operator_actions`` asks these): is the
order already paid on-chain, send the payout again as a new attempt, or cancel it for good when
the order's fiat is refunded instead.

A payout row exists once per order. A new attempt reuses it: queued again with no transaction,
while the failed transaction stays in ``chain_transactions`` and the failure goes to the
caller's audit record. The vault's once-per-order-id check stays the on-chain guard against a
second payment; ``paid_on_chain`` reads it first, so an order the vault already paid is refused
with a clear answer instead of being queued to fail again (or refunded on top of the USDC).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from eth_abi.abi import decode, encode
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import events
from onramp.chain.addresses import checksum, order_id_bytes32
from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.models import ChainTransaction, Payout, PayoutStatus
from onramp.core.outbox import emit
from onramp.core.wakeup import PAYOUTS_CHANNEL

IS_PAID = selector("isPaid(bytes32)")
# Payouts that ended without paying: what a retry or a refund may start from.
ENDED_UNPAID = frozenset({PayoutStatus.FAILED.value, PayoutStatus.CANCELLED.value})


@dataclass(frozen=True)
class EndedAttempt:
    """A payout attempt that paid nothing: how it ended and with which transaction."""

    status: str
    failure: str | None
    tx_hash: str | None


async def paid_on_chain(client: ChainClient, vault: str, order_id: uuid.UUID) -> bool:
    """The vault's own record (``isPaid``): true once any payout of this order id was mined."""
    raw = await client.call(
        checksum(vault), IS_PAID + encode(["bytes32"], [order_id_bytes32(order_id)])
    )
    (paid,) = decode(["bool"], raw)
    return bool(paid)


async def _ended(session: AsyncSession, order_id: uuid.UUID) -> tuple[Payout, EndedAttempt] | None:
    """The order's payout, locked, if its last attempt ended unpaid."""
    row = (
        await session.execute(
            select(Payout, ChainTransaction.tx_hash)
            .outerjoin(ChainTransaction, ChainTransaction.id == Payout.tx_id)
            .where(Payout.order_id == order_id)
            .with_for_update(of=Payout)
        )
    ).first()
    if row is None or row[0].status not in ENDED_UNPAID:
        return None
    payout, tx_hash = row
    return payout, EndedAttempt(
        payout.status, payout.failure, None if tx_hash is None else "0x" + bytes(tx_hash).hex()
    )


async def ended_unpaid(session: AsyncSession, order_id: uuid.UUID) -> EndedAttempt | None:
    """How the order's payout ended, if it ended unpaid (failed or cancelled); None if the
    order has no payout or one still live or confirmed."""
    found = await _ended(session, order_id)
    return None if found is None else found[1]


async def requeue_failed_payout(session: AsyncSession, order_id: uuid.UUID) -> EndedAttempt | None:
    """Queue the order's unpaid payout again as a new attempt (no transaction, no failure:
    the sender signs it afresh and the vault refuses it if the id was paid meanwhile) and wake
    the sender. Returns the attempt that ended, or None if there is nothing to requeue."""
    found = await _ended(session, order_id)
    if found is None:
        return None
    payout, previous = found
    payout.status, payout.tx_id, payout.failure = PayoutStatus.QUEUED.value, None, None
    await emit(
        session,
        events.PAYOUT_QUEUED,
        {
            "order_id": str(order_id),
            "retry_of": {"status": previous.status, "failure": previous.failure},
            "previous_tx_hash": previous.tx_hash,
        },
        source=events.SOURCE,
        entity_id=str(order_id),
        correlation_id=str(order_id),
    )
    await session.flush()
    # The insert trigger only fires on new rows: wake the sender for this one by hand.
    await session.execute(select(func.pg_notify(PAYOUTS_CHANNEL, "")))
    return previous


async def cancel_unpaid_payout(
    session: AsyncSession, order_id: uuid.UUID, *, reason: str
) -> EndedAttempt | None:
    """The order's unpaid payout will never be sent (its fiat is refunded instead). Returns
    the attempt that ended, or None if there is nothing unpaid to cancel."""
    found = await _ended(session, order_id)
    if found is None:
        return None
    payout, previous = found
    payout.status = PayoutStatus.CANCELLED.value
    payout.failure = reason[:300]
    await session.flush()
    return previous
