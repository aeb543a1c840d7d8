"""How much work waits in each state, and since when: what the operators' metrics show for the
queues of the money path (orders by state, payouts, unmatched deposits, open breaks, the
outbox). Each domain counts its own table with :func:`backlog_of`; ``api/metrics.py`` turns the
rows into gauges at each scrape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


@dataclass(frozen=True)
class Backlog:
    label: str  # a state, a status or a type: a closed set, never an id
    count: int
    oldest: datetime | None  # when the longest-waiting one entered it; None when empty


async def backlog_of(
    session: AsyncSession,
    label: InstrumentedAttribute[str],
    since: InstrumentedAttribute[datetime],
    labels: Sequence[str],
    *,
    where: ColumnElement[bool] | None = None,
) -> list[Backlog]:
    """One grouped query: each of ``labels`` (all of them, empty ones at zero)."""
    query: Any = select(label, func.count(), func.min(since)).where(label.in_(labels))
    if where is not None:
        query = query.where(where)
    found = {
        row[0]: Backlog(row[0], int(row[1]), row[2])
        for row in await session.execute(query.group_by(label))
    }
    return [found.get(name, Backlog(name, 0, None)) for name in labels]
