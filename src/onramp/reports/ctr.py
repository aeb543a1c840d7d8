"""CTR-style report: per customer and UTC day, the matched deposits whose USD-equivalent sum
reaches the threshold (10,000 by default), reported together. Several deposits of one customer
on one day are aggregated, whatever each one's size; customers and days are never mixed.

Amounts are converted at the fx desk's reference rates, whose day each row names.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, fx
from onramp.core.money import Money
from onramp.reports.period import Period

FIELDS = (
    "customer_id",
    "day",
    "total_usd",
    "deposit_count",
    "deposit_ids",
    "order_ids",
    "amounts",
    "first_booked_at",
    "last_booked_at",
    "threshold_usd",
    "rates_day",
)


@dataclass(frozen=True)
class CtrRow:
    customer_id: uuid.UUID
    day: date
    total_usd: Decimal
    deposits: tuple[banking.DepositFact, ...]
    threshold_usd: Decimal
    rates_day: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "day": self.day,
            "total_usd": self.total_usd,
            "deposit_count": len(self.deposits),
            "deposit_ids": [d.id for d in self.deposits],
            "order_ids": [d.order_id for d in self.deposits if d.order_id],
            "amounts": [f"{d.amount} {d.amount.currency}" for d in self.deposits],
            "first_booked_at": self.deposits[0].booked_at,
            "last_booked_at": self.deposits[-1].booked_at,
            "threshold_usd": self.threshold_usd,
            "rates_day": self.rates_day,
        }


def aggregate(
    deposits: Sequence[banking.DepositFact],
    *,
    to_usd: Callable[[Money], Decimal],
    threshold_usd: Decimal,
    rates_day: str,
) -> list[CtrRow]:
    """Pure: group by (customer, UTC booking day), keep the groups at or above the threshold,
    ordered by day then customer."""
    groups: dict[tuple[uuid.UUID, date], list[banking.DepositFact]] = defaultdict(list)
    for d in deposits:
        groups[(d.customer_id, d.booked_at.astimezone(UTC).date())].append(d)
    rows = []
    for (customer_id, day), members in groups.items():
        members.sort(key=lambda d: (d.booked_at, d.id.bytes))
        total = sum((to_usd(d.amount) for d in members), Decimal(0))
        if total >= threshold_usd:
            rows.append(CtrRow(customer_id, day, total, tuple(members), threshold_usd, rates_day))
    rows.sort(key=lambda r: (r.day, str(r.customer_id)))
    return rows


async def ctr_report(
    session: AsyncSession, *, desk: fx.FxDesk, period: Period, threshold_usd: Decimal
) -> list[CtrRow]:
    deposits = await banking.matched_deposits(
        session, since=period.start, until=period.end, senders=False
    )
    # The end is exclusive: a deposit booked exactly at midnight belongs to the next day.
    deposits = [d for d in deposits if d.booked_at < period.end]
    rates_day = desk.rates.latest().day.isoformat()
    return aggregate(
        deposits,
        to_usd=lambda m: desk.usd_equivalent(m)[0],
        threshold_usd=threshold_usd,
        rates_day=rates_day,
    )
