"""The checks the rules name: each a set-based query or a call to a domain's own service,
answering what is wrong now, one ``Breach`` per group (a wallet, a status, a type). A check
that finds nothing wrong answers an empty list; the evaluator then resolves its open alerts.

Units: seconds for ages, a count for counts, the wallet's own policy for balances (their
threshold is unused: the minimum is set per wallet in the treasury)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select

from onramp.alerts.checks_infra import (
    certificate_expiry,
    data_key_age,
    gas_wallet_low,
    hsm_unreachable,
    jetstream_consumer_lag,
    vault_below_minimum,
)
from onramp.alerts.context import Breach, CheckContext
from onramp.banking import deposit_backlog, refund_backlog
from onramp.chain import payout_backlog
from onramp.compliance import latest_list_checks
from onramp.core.backlog import Backlog
from onramp.core.events import subject_for
from onramp.core.ids import uuid7_floor
from onramp.core.outbox import OutboxMessage, outbox_backlog
from onramp.recon import break_backlog, major_units, open_break_amounts
from onramp.treasury import breaker_state

Check = Callable[[CheckContext], Awaitable[list[Breach]]]
PEG_ALARM = subject_for("fx", "usdc_peg_deviation")
PAYOUT_WAITING = ("queued", "signed", "broadcast")  # held: a person decides, not a stuck queue


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def _aged(rows: Sequence[Backlog], ctx: CheckContext, what: str) -> list[Breach]:
    """Each group whose oldest has waited longer than the threshold (seconds)."""
    out = []
    for row in rows:
        age = _age(row.oldest, ctx.now)
        if row.count and age > ctx.rule.threshold:
            summary = f"{row.count} {what} {row.label}, the oldest for {age / 60:.0f} min"
            out.append(Breach(row.label, summary, f"{age:.0f}"))
    return out


async def payout_stuck(ctx: CheckContext) -> list[Breach]:
    rows = [r for r in await payout_backlog(ctx.session) if r.label in PAYOUT_WAITING]
    return _aged(rows, ctx, "payouts")


async def unmatched_deposits(ctx: CheckContext) -> list[Breach]:
    rows = [r for r in await deposit_backlog(ctx.session) if r.label == "unmatched"]
    return _aged(rows, ctx, "deposits")


async def refund_unanswered(ctx: CheckContext) -> list[Breach]:
    """Refunds whose sends the bank has not taken (refused for now, 5xx, no answer): retried
    at the capped backoff for ever, so a person must look (docs/refunds.md)."""
    return _aged(await refund_backlog(ctx.session), ctx, "refunds")


async def outbox_lag(ctx: CheckContext) -> list[Breach]:
    return _aged([await outbox_backlog(ctx.session)], ctx, "events")


async def recon_break_open(ctx: CheckContext) -> list[Breach]:
    return [
        Breach(
            row.label, f"{row.count} open reconciliation breaks of type {row.label}", str(row.count)
        )
        for row in await break_backlog(ctx.session)
        if row.count and row.count >= ctx.rule.threshold
    ]


async def recon_break_age(ctx: CheckContext) -> list[Breach]:
    """Each break type whose oldest open break was first found longer ago than the threshold."""
    return _aged(await break_backlog(ctx.session), ctx, "open reconciliation breaks of type")


async def recon_break_amount(ctx: CheckContext) -> list[Breach]:
    """Each currency whose open breaks' amounts, summed regardless of sign, reach its
    threshold in ``ONRAMP_RECON__ALERT_AMOUNTS`` (major units; the rule's own threshold is
    unused: a euro and a USDC limit differ). Grouped by currency."""
    limits = ctx.settings.recon.alert_amounts
    out = []
    for row in await open_break_amounts(ctx.session):
        limit = limits.get(row.currency)
        total = major_units(row.total, row.currency)
        if limit is None or total < limit:
            continue
        largest = major_units(row.largest, row.currency)
        summary = (
            f"{row.count} open reconciliation breaks in {row.currency} amount to {total} "
            f"(limit {limit}; the largest {largest})"
        )
        out.append(Breach(row.currency, summary, str(total)))
    return out


async def circuit_breaker_tripped(ctx: CheckContext) -> list[Breach]:
    row = await breaker_state(ctx.session)
    if row.state == "closed":
        return []
    why = f": {row.reason}" if row.reason else ""
    return [Breach("payouts", f"the payouts' circuit breaker is {row.state}{why}", row.state)]


async def peg_deviation(ctx: CheckContext) -> list[Breach]:
    """Peg alarms (``onramp.fx.usdc_peg_deviation.v1`` events) within the rule's window: the
    outbox's ids are UUIDv7, so the window is a primary-key range."""
    since = ctx.now - timedelta(seconds=ctx.rule.window_seconds)
    count = await ctx.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.id >= uuid7_floor(since), OutboxMessage.subject == PEG_ALARM)
    )
    found = int(count or 0)
    if not found or found < ctx.rule.threshold:
        return []
    minutes = ctx.rule.window_seconds // 60
    return [Breach("usdc", f"{found} USDC peg alarms in the last {minutes} min", str(found))]


async def sanctions_list_stale(ctx: CheckContext) -> list[Breach]:
    checks = await latest_list_checks(session=ctx.session)
    if not checks:
        return [Breach("none", "no sanctions list is loaded", "missing")]
    out = []
    for check in checks:
        age = _age(check.checked_at, ctx.now)
        if age > ctx.rule.threshold:
            summary = f"sanctions list {check.source} last checked {age / 3600:.0f} h ago"
            out.append(Breach(check.source, summary, f"{age:.0f}"))
    return out


CHECKS: dict[str, Check] = {
    "vault_below_minimum": vault_below_minimum,
    "gas_wallet_low": gas_wallet_low,
    "payout_stuck": payout_stuck,
    "unmatched_deposits": unmatched_deposits,
    "refund_unanswered": refund_unanswered,
    "recon_break_open": recon_break_open,
    "recon_break_amount": recon_break_amount,
    "recon_break_age": recon_break_age,
    "circuit_breaker_tripped": circuit_breaker_tripped,
    "peg_deviation": peg_deviation,
    "hsm_unreachable": hsm_unreachable,
    "sanctions_list_stale": sanctions_list_stale,
    "jetstream_consumer_lag": jetstream_consumer_lag,
    "outbox_lag": outbox_lag,
    "data_key_age": data_key_age,
    "certificate_expiry": certificate_expiry,
}
