"""The invariants of the flow: every deposit went somewhere, every order ends or is moving.
One query each, however many rows (set-based, so they stay fast on 10,000 orders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.runtime.checks.results import EXAMPLES, InvariantResult, Scope, result

# A matched deposit's order, once it is in one of these states, has used or given back the
# money (priced: converted; the refund path; a person holding it).
_DEPOSIT_USED = [
    "priced", "payout_queued", "payout_broadcast", "completed",
    "rejected", "refund_pending", "refunded", "manual_review", "failed",
]  # fmt: skip

_UNACCOUNTED_DEPOSITS = text(
    "SELECT d.id, d.status, COALESCE(o.state, a.state) AS state, count(*) OVER () AS n "
    "FROM deposits d "
    "LEFT JOIN orders o ON o.id = d.order_id "
    "LEFT JOIN orders a ON d.order_id IS NULL AND a.deposit_id = d.id "
    "WHERE (CAST(:since AS timestamptz) IS NULL OR d.received_at >= :since) "
    "AND d.received_at < :settled "
    "AND d.status NOT IN ('unmatched', 'returned') "
    "AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.deposit_id = d.id "
    "AND r.status <> 'failed') "
    "AND NOT (d.status = 'matched' AND COALESCE(o.state, a.state) = ANY(:used)) "
    "ORDER BY d.received_at LIMIT :k"
)


async def _offenders(
    session: AsyncSession, query: TextClause, scope: Scope, **more: object
) -> list[Row[Any]]:
    """The first ``EXAMPLES`` rows ``query`` finds in ``scope``, each with the count (``n``)."""
    params = {"since": scope.since, "settled": scope.settled_before, "k": EXAMPLES, **more}
    return list((await session.execute(query, params)).all())


async def deposits_accounted_for(session: AsyncSession, scope: Scope) -> InvariantResult:
    """Every deposit is priced (its order converted it), refunded, returned or in suspense."""
    rows = await _offenders(session, _UNACCOUNTED_DEPOSITS, scope, used=_DEPOSIT_USED)
    return result(
        "deposits_accounted_for", [f"{r.id} {r.status} order {r.state}" for r in rows],
        int(rows[0].n) if rows else 0,
        "every deposit priced, refunded, returned or in suspense",
        "{count} deposits neither priced, refunded, returned nor in suspense",
    )  # fmt: skip


# Orders a worker moves on its own (a person moves manual_review and failed; completed,
# refunded and expired are final). Each is stuck once it has not moved for the grace period,
# unless the work that moves it is still open: an awaiting order's expectation (the expiry job
# closes it), a refund the bank has not booked yet.
_STUCK_ORDERS = text(
    "SELECT o.id, o.state, o.updated_at, count(*) OVER () AS n FROM orders o "
    "WHERE (CAST(:since AS timestamptz) IS NULL OR o.created_at >= :since) "
    "AND o.updated_at < :settled "
    "AND o.state IN ('awaiting_funds', 'funds_received', 'screening', 'priced', "
    "'payout_queued', 'payout_broadcast', 'rejected', 'refund_pending') "
    "AND NOT (o.state = 'awaiting_funds' AND EXISTS (SELECT 1 FROM deposit_expectations e "
    "WHERE e.order_id = o.id AND e.status = 'open')) "
    "AND NOT (o.state = 'refund_pending' AND EXISTS (SELECT 1 FROM refunds r "
    "WHERE r.order_id = o.id AND r.status IN ('requested', 'sent'))) "
    "AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.order_id = o.id AND p.status = 'held') "
    "ORDER BY o.updated_at LIMIT :k"
)


async def orders_can_progress(session: AsyncSession, scope: Scope) -> InvariantResult:
    """Every order is final, waits on a person, or is moving (changed within the grace)."""
    rows = await _offenders(session, _STUCK_ORDERS, scope)
    return result(
        "orders_can_progress", [f"{r.id} {r.state} since {r.updated_at:%H:%M:%S}" for r in rows],
        int(rows[0].n) if rows else 0,
        f"no order unmoved for {int(scope.grace.total_seconds())} s without work open",
        "{count} orders stuck",
    )  # fmt: skip
