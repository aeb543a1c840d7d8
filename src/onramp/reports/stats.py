"""Screening statistics for a period: alerts by source, kind, severity and action; cases opened
and closed (by decision); sanctions screenings by decision and point (``screening_records``,
read by SQL as a plain table); and hit rates over the orders funded in the period (how many
raised at least one alert, how many were held)."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking
from onramp.compliance import ComplianceAlert, ComplianceCase
from onramp.reports.period import Period

FIELDS = ("metric", "key", "value")
SECTIONS = ("alerts", "cases", "screenings", "orders")
_SCREENINGS = text(
    "SELECT point, decision, count(*) FROM screening_records "
    "WHERE created_at >= :start AND created_at < :end GROUP BY point, decision"
)


def _rate(part: int, whole: int) -> str:
    if whole == 0:
        return "0.0000"
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN))


def _counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


async def screening_stats(session: AsyncSession, *, period: Period) -> dict[str, Any]:
    alerts = list(
        await session.scalars(
            select(ComplianceAlert).where(
                ComplianceAlert.created_at >= period.start, ComplianceAlert.created_at < period.end
            )
        )
    )
    opened = await session.scalars(
        select(ComplianceCase.id).where(
            ComplianceCase.opened_at >= period.start, ComplianceCase.opened_at < period.end
        )
    )
    closed = list(
        await session.scalars(
            select(ComplianceCase).where(
                ComplianceCase.closed_at >= period.start, ComplianceCase.closed_at < period.end
            )
        )
    )
    funded = [
        d
        for d in await banking.matched_deposits(
            session, since=period.start, until=period.end, senders=False
        )
        if d.booked_at < period.end and d.order_id is not None
    ]
    # An alert concerns a funded order through its subject (the order or its deposit).
    order_of = {str(d.id): str(d.order_id) for d in funded}
    order_of |= {str(d.order_id): str(d.order_id) for d in funded}
    touched: set[str] = set()
    held: set[str] = set()
    for a in await _alerts_about(session, list(order_of)):
        order = order_of[a.subject_id]
        touched.add(order)
        if a.action == "hold":
            held.add(order)
    return {
        "period": period.as_dict(),
        "alerts": {
            "total": len(alerts),
            "by_source": _counts([a.source for a in alerts]),
            "by_kind": _counts([a.kind for a in alerts]),
            "by_severity": _counts([a.severity for a in alerts]),
            "by_action": _counts([a.action for a in alerts]),
        },
        "cases": {
            "opened": len(list(opened)),
            "closed": len(closed),
            "closed_by_decision": _counts([c.decision or "none" for c in closed]),
        },
        "screenings": await _screened(session, period),
        "orders": {
            "funded": len(funded),
            "with_alerts": len(touched),
            "held": len(held),
            "hit_rate": _rate(len(touched), len(funded)),
            "hold_rate": _rate(len(held), len(funded)),
        },
    }


def _screenings(counted: list[tuple[str, str, int]]) -> dict[str, Any]:
    """Sanctions screenings from (point, decision, count): total, hits, by decision, by point."""
    by_decision: Counter[str] = Counter()
    by_point: Counter[str] = Counter()
    for point, decision, n in counted:
        by_decision[decision] += n
        by_point[point] += n
    return {
        "total": sum(by_decision.values()),
        "hits": by_decision["hit"],
        "by_decision": dict(sorted(by_decision.items())),
        "by_point": dict(sorted(by_point.items())),
    }


async def _screened(session: AsyncSession, period: Period) -> dict[str, Any]:
    counted = await session.execute(_SCREENINGS, {"start": period.start, "end": period.end})
    return _screenings([(str(p), str(d), int(n)) for p, d, n in counted])


async def _alerts_about(session: AsyncSession, subject_ids: list[str]) -> list[ComplianceAlert]:
    if not subject_ids:
        return []
    rows = await session.scalars(
        select(ComplianceAlert).where(
            ComplianceAlert.subject_type.in_(("order", "deposit")),
            ComplianceAlert.subject_id.in_(subject_ids),
        )
    )
    return list(rows)


def stats_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The statistics flattened to (metric, key, value) rows, for a template to render."""
    rows: list[dict[str, Any]] = []
    for section in SECTIONS:
        for metric, value in stats[section].items():
            if isinstance(value, dict):
                rows += [
                    {"metric": f"{section}.{metric}", "key": k, "value": v}
                    for k, v in value.items()
                ]
            else:
                rows.append({"metric": f"{section}.{metric}", "key": "", "value": value})
    return rows
