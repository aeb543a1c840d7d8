"""Pricing report: each order priced in the period, the rule that priced it (``firm_quote`` or
``market_at_funds``), the quote's rate and USDC beside the settled ones, and the difference."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import orders
from onramp.reports.period import Period

FIELDS = (
    "order_id",
    "priced_at",
    "pricing_rule",
    "source_currency",
    "source_amount",
    "quoted_rate",
    "rate",
    "quoted_target_amount",
    "target_amount",
    "difference",
    "pricing_note",
)


def _row(order: orders.PricedOrder) -> dict[str, Any]:
    return {
        "order_id": str(order.order_id),
        "priced_at": order.priced_at.isoformat(),
        "pricing_rule": order.pricing_rule,
        "source_currency": order.source.currency,
        "source_amount": str(order.source),
        "quoted_rate": "" if order.quoted_rate is None else str(order.quoted_rate.normalize()),
        "rate": str(order.rate.normalize()),
        "quoted_target_amount": "" if order.quoted_target is None else str(order.quoted_target),
        "target_amount": str(order.target),
        "difference": "" if order.difference is None else str(order.difference),
        "pricing_note": order.pricing_note,
    }


async def pricing_rows(session: AsyncSession, *, period: Period) -> list[dict[str, Any]]:
    priced = await orders.priced_between(session, start=period.start, end=period.end)
    return [_row(o) for o in priced]
