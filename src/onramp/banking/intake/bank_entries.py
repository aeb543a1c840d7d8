"""Bookings a bank reported, stored once per (bank, bank entry id) whichever way it reported
them first (webhook, camt.054, camt.053, MT940, BAI2), each new one announced for its worker."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.core.db import Base
from onramp.core.outbox import emit_many, make_event


async def insert_once(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    subject: str,
    id_field: str,
) -> list[uuid.UUID]:
    """Insert the rows not known yet (unique on bank and bank entry id) and announce each new
    one as ``subject`` with ``{id_field: id}``; returns the new ids (a known row is a
    duplicate)."""
    if not rows:
        return []
    inserted = await session.execute(
        insert(model)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=["bank", "bank_entry_id"])
        .returning(model.__table__.c.id)
    )
    new_ids = list(inserted.scalars().all())
    await emit_many(
        session,
        [
            make_event(subject, {id_field: str(i)}, source=events.SOURCE, entity_id=str(i))
            for i in new_ids
        ],
    )
    return new_ids
