"""The operator's daily figures, per UTC day and source currency: the order funnel (created,
funded, priced, completed, rejected, expired, failed), the volume completed (fiat in, USDC out),
the revenue of the orders priced (fee and FX spread) and the money path's stage latencies.

Each event counts on the day it happened (an order created on Monday and completed on Tuesday
counts as created on Monday and completed on Tuesday), so a day's funnel is that day's activity,
not a cohort. Latencies are the medians over the orders completed that day: placed → funded
(the customer's bank transfer), funded → priced (screening and pricing), priced → completed
(the payout), and funded → completed (what the operator controls), in seconds. Three queries
whatever the period's length: the orders created, the transitions, the completions' stages.

``order_transitions`` is read by SQL as a plain table: the orders domain keeps its model to itself.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, String, cast, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Date

from onramp.core.money import Money
from onramp.orders import Order
from onramp.reports.period import Period

COUNTED = ("funds_received", "priced", "completed", "rejected", "expired", "failed")
FIELDS = (
    "date", "currency", "created", "funded", "priced", "completed", "rejected", "expired",
    "failed", "volume", "volume_usdc", "fees", "spread", "revenue", "median_to_funded_s",
    "median_to_priced_s", "median_to_paid_s", "median_funded_to_completed_s",
)  # fmt: skip

_transitions = table(
    "order_transitions",
    column("order_id"),
    column("to_state", String),
    column("at", DateTime(timezone=True)),
)


class Grain(StrEnum):
    """A row per UTC day, or per UTC month (its ``date`` the month's first day)."""

    DAY = "day"
    MONTH = "month"


def _utc_day(at: Any, grain: Grain = Grain.DAY) -> Any:
    # Months are counted in SQL, not added up from days: a month's median is not one of days'.
    return cast(func.date_trunc(grain.value, func.timezone("UTC", at)), Date)


def _stage(state: str) -> Any:
    """When the order first reached ``state`` (a subquery per order)."""
    t = _transitions.alias(f"t_{state}")
    return (
        select(func.min(t.c.at))
        .where(t.c.order_id == Order.id, t.c.to_state == state)
        .scalar_subquery()
    )


def _median(later: Any, earlier: Any) -> Any:
    return func.percentile_cont(0.5).within_group(func.extract("epoch", later - earlier))


async def _created(session: AsyncSession, period: Period, grain: Grain) -> Any:
    day = _utc_day(Order.created_at, grain)
    return await session.execute(
        select(day, Order.source_currency, func.count())
        .where(Order.created_at >= period.start, Order.created_at < period.end)
        .group_by(day, Order.source_currency)
    )


async def _moved(session: AsyncSession, period: Period, grain: Grain) -> Any:
    t = _transitions
    day = _utc_day(t.c.at, grain)
    return await session.execute(
        select(
            day, Order.source_currency, t.c.to_state, func.count(),
            func.sum(Order.source_amount), func.sum(Order.target_amount),
            func.sum(Order.fee_amount), func.sum(Order.spread_amount),
        )
        .join(Order, Order.id == t.c.order_id)
        .where(t.c.at >= period.start, t.c.at < period.end, t.c.to_state.in_(COUNTED))
        .group_by(day, Order.source_currency, t.c.to_state)
    )  # fmt: skip


async def _latencies(session: AsyncSession, period: Period, grain: Grain) -> Any:
    stages = (
        select(
            Order.source_currency.label("currency"),
            Order.created_at.label("created"),
            _stage("funds_received").label("funded"),
            _stage("priced").label("priced"),
            _stage("completed").label("completed"),
        )
        .where(Order.state == "completed")
        .subquery()
    )
    s = stages.c
    day = _utc_day(s.completed, grain)
    return await session.execute(
        select(
            day, s.currency, _median(s.funded, s.created), _median(s.priced, s.funded),
            _median(s.completed, s.priced), _median(s.completed, s.funded),
        )
        .where(s.completed >= period.start, s.completed < period.end)
        .group_by(day, s.currency)
    )  # fmt: skip


def _amount(minor: Any, currency: str) -> str:
    return str(Money(int(minor or 0), currency))


def _seconds(value: Any) -> str:
    return "" if value is None else str(round(float(value)))


async def operations_rows(
    session: AsyncSession, *, period: Period, grain: Grain = Grain.DAY
) -> list[dict[str, Any]]:
    """One row per day (or month: only the period's days of it) and currency."""
    rows: defaultdict[tuple[date, str], dict[str, Any]] = defaultdict(dict)
    for day, currency, n in await _created(session, period, grain):
        rows[(day, currency)]["created"] = int(n)
    for day, currency, state, n, source, target, fee, spread in await _moved(
        session, period, grain
    ):
        row = rows[(day, currency)]
        row["funded" if state == "funds_received" else state] = int(n)
        if state == "completed":
            row["volume"], row["volume_usdc"] = int(source or 0), int(target or 0)
        if state == "priced":
            row["fees"], row["spread"] = int(fee or 0), int(spread or 0)
    for day, currency, *medians in await _latencies(session, period, grain):
        names = ("median_to_funded_s", "median_to_priced_s", "median_to_paid_s",
                 "median_funded_to_completed_s")  # fmt: skip
        rows[(day, currency)] |= {n: _seconds(m) for n, m in zip(names, medians, strict=True)}
    out = []
    for (day, currency), row in sorted(rows.items()):
        fees, spread = row.get("fees", 0), row.get("spread", 0)
        out.append(
            {name: row.get(name, "") for name in FIELDS if name.startswith("median")}
            | {name: row.get(name, 0) for name in COUNTED[1:] + ("created",)}
            | {
                "date": day.isoformat(), "currency": currency, "funded": row.get("funded", 0),
                "volume": _amount(row.get("volume"), currency),
                "volume_usdc": _amount(row.get("volume_usdc"), "USDC"),
                "fees": _amount(fees, currency), "spread": _amount(spread, currency),
                "revenue": _amount(fees + spread, currency),
            }
        )  # fmt: skip
    return out
