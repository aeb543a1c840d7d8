"""The deposits worker: matches received deposits in batches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.service import match_deposits
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent


def deposits_consumer(*, min_holder_score: float) -> Consumer:
    async def handle(session: AsyncSession, batch: Sequence[CloudEvent]) -> None:
        await match_deposits(
            session,
            deposit_ids=[uuid.UUID(e.data["deposit_id"]) for e in batch],
            min_holder_score=min_holder_score,
        )

    return Consumer(name="deposits", subjects=(events.DEPOSIT_RECEIVED,), handle=handle)
