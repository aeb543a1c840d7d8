"""Consumer inbox: each consumer handles an event id once, however often it is delivered."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class HandledEvent(Base):
    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


async def claim_events(
    session: AsyncSession, *, consumer: str, event_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Record the ids as handled by ``consumer``; return those not handled before.

    Runs inside the unit of work that applies the events' effects, so a rollback releases them.
    """
    if not event_ids:
        return set()
    stmt = (
        insert(HandledEvent)
        .values([{"consumer": consumer, "event_id": eid} for eid in event_ids])
        .on_conflict_do_nothing()
        .returning(HandledEvent.event_id)
    )
    result = await session.execute(stmt)
    return set(result.scalars().all())
