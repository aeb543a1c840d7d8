"""The reversal inbox: bookings that take back an earlier credit, stored once per bank entry
whichever way the bank reported them (webhook, camt.054, camt.053, MT940, BAI2), and announced
for settlement (``banking.booking.returns``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.adapters.base import BankReversal
from onramp.banking.intake.bank_entries import insert_once
from onramp.banking.models import DepositReversal, ReversalStatus
from onramp.core.clock import utcnow
from onramp.core.ids import uuid7


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
    return await insert_once(
        session,
        DepositReversal,
        rows,
        subject=events.DEPOSIT_REVERSAL_RECEIVED,
        id_field="reversal_id",
    )
