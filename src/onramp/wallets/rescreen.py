"""The wallets side of a re-screen after a list update: every active saved wallet against the
latest lists. A newly listed saved address is blocked for new orders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import RescreenHit, RescreenSubject
from onramp.wallets.address_book import block_wallets
from onramp.wallets.models import DestinationWallet


class SavedWallets:
    name = "destination_wallets"

    async def subjects(
        self, session: AsyncSession, *, after: str | None, limit: int
    ) -> Sequence[RescreenSubject]:
        query = select(DestinationWallet).where(
            DestinationWallet.removed_at.is_(None), DestinationWallet.blocked_at.is_(None)
        )
        if after is not None:
            query = query.where(DestinationWallet.id > uuid.UUID(after))
        rows = await session.scalars(query.order_by(DestinationWallet.id).limit(limit))
        return [
            RescreenSubject(
                key=str(w.id),
                customer_id=w.customer_id,
                subject_type="destination_wallet",
                subject_id=str(w.id),
                address=w.address,
            )
            for w in rows
        ]

    async def on_hits(
        self, session: AsyncSession, hits: Sequence[RescreenHit], *, now: datetime
    ) -> None:
        for hit in hits:
            await block_wallets(
                session,
                wallet_ids=[uuid.UUID(hit.subject.subject_id)],
                reason=f"list update: {hit.finding.reason}",
                now=now,
            )
