"""The reconciliation summary, per UTC day: the runs of that day's books (``run_date``) and
what the day's last run matched and left open; the breaks opened, cleared (a later run no longer
found them) and resolved (by an operator) that day, by break type; and the breaks still open at
the day's end, their count and amount per currency.

``recon_runs`` and ``recon_breaks`` are read by SQL as plain tables: reconciliation keeps its
models to itself. A break's close is its current state's time (``cleared_at`` or
``resolved_at``): one found again after clearing is open again, and counts as open throughout.
Three queries whatever the period's length.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.money import Money, UnknownCurrency
from onramp.reports.period import Period

FIELDS = (
    "date", "runs", "matched_bank", "matched_chain", "open_breaks_after_run", "opened",
    "cleared", "resolved", "opened_by_type", "cleared_by_type", "resolved_by_type",
    "open_at_end", "open_amount",
)  # fmt: skip

# The day's last run: what it matched (bank credits and debits, chain events) and left open.
_RUNS = text(
    "SELECT DISTINCT ON (run_date) run_date, count(*) OVER (PARTITION BY run_date), "
    "matched, open_breaks FROM recon_runs WHERE run_date BETWEEN :first AND :last "
    "ORDER BY run_date, finished_at DESC"
)
_MOVES = text(
    "SELECT (at AT TIME ZONE 'UTC')::date AS day, move, type, count(*) FROM ("
    " SELECT created_at AS at, 'opened' AS move, type FROM recon_breaks"
    " UNION ALL SELECT cleared_at, 'cleared', type FROM recon_breaks WHERE state = 'cleared'"
    " UNION ALL SELECT resolved_at, 'resolved', type FROM recon_breaks WHERE state = 'resolved'"
    ") m WHERE at >= :start AND at < :end GROUP BY day, move, type"
)
_OPEN_AT_END = text(
    "SELECT d::date, b.currency, count(*), sum(b.amount) "
    "FROM generate_series(CAST(:first AS timestamp), CAST(:last AS timestamp), interval '1 day') d "
    "JOIN recon_breaks b ON b.created_at < (d + interval '1 day') AT TIME ZONE 'UTC' "
    "AND coalesce(CASE b.state WHEN 'cleared' THEN b.cleared_at "
    "WHEN 'resolved' THEN b.resolved_at END, 'infinity') >= (d + interval '1 day') "
    "AT TIME ZONE 'UTC' GROUP BY d, b.currency"
)
MOVES = ("opened", "cleared", "resolved")


def _matched(matched: dict[str, Any]) -> tuple[int, int]:
    bank = sum(matched.get(source, {}).get("lines", 0) for source in ("bank", "bank_debits"))
    return int(bank), int(matched.get("chain", {}).get("events", 0))


def _amount(minor: Any, currency: str) -> str:
    try:
        return str(Money(int(minor), currency))
    except UnknownCurrency:  # a currency the money module does not know: its minor units
        return f"{int(minor)} {currency} (minor units)"


async def recon_summary_rows(session: AsyncSession, *, period: Period) -> list[dict[str, Any]]:
    days = {"first": period.first_day, "last": period.last_day}
    times = {"start": period.start, "end": period.end}
    rows: dict[date, dict[str, Any]] = {}

    def row(day: date) -> dict[str, Any]:
        return rows.setdefault(day, {"runs": 0, "matched_bank": 0, "matched_chain": 0,
                                     "open_breaks_after_run": "", "open_at_end": 0,
                                     "open_amount": {}}
                               | {m: 0 for m in MOVES}
                               | {f"{m}_by_type": defaultdict(int) for m in MOVES})  # fmt: skip

    for day, runs, matched, open_breaks in await session.execute(_RUNS, days):
        bank, chain = _matched(matched)
        row(day).update(runs=int(runs), matched_bank=bank, matched_chain=chain,
                        open_breaks_after_run=int(open_breaks))  # fmt: skip
    for day, move, kind, n in await session.execute(_MOVES, times):
        row(day)[move] += int(n)
        row(day)[f"{move}_by_type"][kind] += int(n)
    for day, currency, n, minor in await session.execute(_OPEN_AT_END, days):
        row(day)["open_at_end"] += int(n)
        row(day)["open_amount"][currency] = _amount(minor, currency)
    out = []
    for day in sorted(rows):
        r = rows[day] | {"date": day.isoformat()}
        for m in MOVES:
            r[f"{m}_by_type"] = dict(sorted(r[f"{m}_by_type"].items()))
        r["open_amount"] = dict(sorted(r["open_amount"].items()))
        out.append(r)
    return out
