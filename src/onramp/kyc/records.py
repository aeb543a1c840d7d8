"""The person's KYC data as a data subject sees it (export) and as retention ends it (purge).

KYC records are AML records: an erasure request does not remove them; the retention purge
(``onramp.privacy.purge_expired``) drops their personal data once the retention period is over,
keeping the decisions (status, tiers, reasons, dates) for the books.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.keys import opened_row, sealed_column_keys
from onramp.kyc.models import KycCase


async def export_cases(session: AsyncSession, *, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(KycCase).where(KycCase.customer_id == customer_id).order_by(KycCase.id)
    )
    return [opened_row(r) for r in rows]


async def purge_personal_data(session: AsyncSession, *, customer_ids: list[uuid.UUID]) -> int:
    """Drop the sealed personal data of these customers' cases; return how many changed."""
    if not customer_ids:
        return 0
    result = await session.execute(
        update(KycCase)
        .where(KycCase.customer_id.in_(customer_ids), KycCase.surname.sealed_column.is_not(None))
        .values(dict.fromkeys(sorted(sealed_column_keys(KycCase))))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
