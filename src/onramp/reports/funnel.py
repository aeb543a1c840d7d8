"""The customer funnel before and up to the first order, per UTC day: customers registered,
email addresses verified, KYC started (a customer's first case) and approved (a customer's
first case granting a tier), quotes asked (and by how many customers), orders created, and
first orders; with the median conversion times of the customers who converted that day:
registered → KYC approved, and KYC approved → first order, in seconds.

Each step counts on the day it happened, as in the operations report (``operations.py``,
which carries the funnel on from the order: funded, priced, completed): a day's row is that
day's activity, not a cohort. The tables of identity, KYC, FX and orders are read by SQL as
plain tables (each domain keeps its models to itself); one grouped query per step, whatever
the period's length.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.reports.period import Period

FIELDS = (
    "date", "registered", "email_verified", "kyc_started", "kyc_approved", "quotes",
    "quoting_customers", "orders", "first_orders", "median_registered_to_approved_s",
    "median_approved_to_first_order_s",
)  # fmt: skip

_DAY = "(({at}) AT TIME ZONE 'UTC')::date"
_IN = "{at} >= :start AND {at} < :end"
# Each customer's first approval: the first case that granted a tier (reviewed then).
_APPROVED = (
    "(SELECT customer_id, min(reviewed_at) AS at FROM kyc_cases "
    "WHERE tier_granted > 0 AND reviewed_at IS NOT NULL GROUP BY customer_id) a"
)
_FIRST_ORDERS = "(SELECT customer_id, min(created_at) AS at FROM orders GROUP BY customer_id) f"
_MEDIAN = "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM {later} - {earlier}))"


def _counted(table: str, at: str, where: str = "TRUE", extra: str = "") -> str:
    day, within = _DAY.format(at=at), _IN.format(at=at)
    # Every piece is a constant of this module, never a value from a request.
    query = f"SELECT {day}, count(*){extra} FROM {table} WHERE {within} AND {where} GROUP BY 1"  # noqa: S608  # nosec B608
    return query


STEPS: dict[str, str] = {
    "registered": _counted("users", "created_at", "role = 'customer'"),
    "email_verified": _counted("users", "email_verified_at", "role = 'customer'"),
    "kyc_started": _counted(
        "(SELECT customer_id, min(created_at) AS at FROM kyc_cases GROUP BY customer_id) s", "at"
    ),
    "kyc_approved": _counted(
        f"{_APPROVED} JOIN users u ON u.id = a.customer_id", "a.at",
        extra=", " + _MEDIAN.format(later="a.at", earlier="u.created_at"),
    ),
    "quotes": _counted("quotes", "created_at", extra=", count(DISTINCT customer_id)"),
    "orders": _counted("orders", "created_at"),
    "first_orders": _counted(
        f"{_FIRST_ORDERS} LEFT JOIN {_APPROVED} USING (customer_id)", "f.at",
        extra=", " + _MEDIAN.format(later="f.at", earlier="a.at"),
    ),
}  # fmt: skip
# The step's extra column, where it has one.
SECOND = {
    "kyc_approved": "median_registered_to_approved_s",
    "quotes": "quoting_customers",
    "first_orders": "median_approved_to_first_order_s",
}


def _value(name: str, value: Any) -> Any:
    if name.startswith("median"):
        return "" if value is None else str(round(float(value)))
    return int(value or 0)


async def funnel_rows(session: AsyncSession, *, period: Period) -> list[dict[str, Any]]:
    rows: defaultdict[date, dict[str, Any]] = defaultdict(dict)
    bounds = {"start": period.start, "end": period.end}
    for step, sql in STEPS.items():
        for day, count, *more in await session.execute(text(sql), bounds):
            rows[day][step] = int(count)
            if more:
                rows[day][SECOND[step]] = _value(SECOND[step], more[0])
    return [
        {name: row.get(name, _value(name, None)) for name in FIELDS[1:]} | {"date": day.isoformat()}
        for day, row in sorted(rows.items())
    ]
