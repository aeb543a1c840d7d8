"""The reversal inbox: bookings that take back an earlier credit, stored once per bank entry
whichever way the bank reported them (webhook, camt.054, camt.053, MT940, BAI2), and announced
for settlement (``banking.returns``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.adapters.base import BankReversal
from onramp.banking.models import DepositReversal, ReversalStatus
from onramp.core.clock import utcnow
from onramp.core.ids import uuid7
from onramp.core.outbox import emit_many, make_event


async def insert_reversals(
    session: AsyncSession,
    *,
    bank: str,
    reversals: Sequence[BankReversal],
    source: str,
    now: datetime | None = None,
) -> list[uuid.UUID]:
    """Store each reversal once per (bank, entry id); returns the ids of the new ones."""
    if not reversals:
        return []
    recorded = now or utcnow()
    rows = [
        {
            "id": uuid7(),
            "bank": bank,
            "bank_entry_id": r.entry_id,
            "source": source,
            "amount": r.amount.minor,
            "currency": r.amount.currency,
            "original_entry_id": r.original_entry_id,
            "end_to_end_id": r.end_to_end_id,
            "return_reason": r.return_reason,
            "booked_at": r.booked_at,
            "status": ReversalStatus.RECEIVED.value,
            "recorded_at": recorded,
        }
        for r in reversals
    ]
    inserted = await session.execute(
        insert(DepositReversal)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["bank", "bank_entry_id"])
        .returning(DepositReversal.id)
    )
    new_ids = list(inserted.scalars().all())
    await emit_many(
        session,
        [
            make_event(
                events.DEPOSIT_REVERSAL_RECEIVED,
                {"reversal_id": str(i)},
                source=events.SOURCE,
                entity_id=str(i),
            )
            for i in new_ids
        ],
    )
    return new_ids
