"""The treasury's own payout limits, checked again right before a payout is signed.

These are not the customer's KYC-tier limits (``orders.tier_limits.limits``, checked when an order
is placed and when its money arrives): they bound what the hot key may send, whoever the customers
are.

- per payout: one payout above it waits for a person;
- per customer, rolling 24 h: the payouts let through to one customer's orders;
- all payouts, rolling 24 h: what the hot key may send in a day;
- hot exposure: USDC the hot key has signed away that the chain has not confirmed yet (signed
  or broadcast payouts) plus the batch being signed. It drains as blocks confirm, so a payout
  that would overflow it is *deferred* (stays queued for a later batch), not held; one larger
  than the whole limit is held.

A payout over one of the first three is *held* (with the limit, the amount and the usage as
evidence, announced as ``payout_held``: the order waits in manual review with an alert). A person
who releases it has decided: a released payout is not held by these limits again, though it
still counts and still waits for exposure room. The gate runs in the sender's transaction and
records each payout it lets through (``PayoutAllowance``), so the sums are the gate's own memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import GateItem, GateVerdict, in_flight_total
from onramp.core.clock import utcnow
from onramp.core.db import as_int
from onramp.core.logging import get_logger
from onramp.core.money import Money
from onramp.core.settings import TreasuryRiskSettings
from onramp.treasury.circuit_breaker import current_state
from onramp.treasury.risk_models import BreakerState, PayoutAllowance

log = get_logger(__name__)

DAY = timedelta(hours=24)
USDC_UNIT = 10**6


def usdc_units(amount: Decimal) -> int:
    """Whole USDC (as configured) in base units; sub-micro digits are refused."""
    units = amount * USDC_UNIT
    if units != units.to_integral_value():
        raise ValueError(f"{amount} USDC has more than 6 decimals")
    return int(units)


def usdc_text(units: int) -> str:
    return str(Money(units, "USDC"))


@dataclass(frozen=True)
class RiskLimits:
    """USDC base units."""

    max_per_payout: int
    max_per_customer_24h: int
    max_total_24h: int
    max_hot_exposure: int

    @classmethod
    def from_settings(cls, s: TreasuryRiskSettings) -> RiskLimits:
        return cls(
            max_per_payout=usdc_units(s.max_per_payout_usdc),
            max_per_customer_24h=usdc_units(s.max_per_customer_24h_usdc),
            max_total_24h=usdc_units(s.max_total_24h_usdc),
            max_hot_exposure=usdc_units(s.max_hot_exposure_usdc),
        )


@dataclass(frozen=True)
class Candidate:
    order_id: uuid.UUID
    customer_id: uuid.UUID | None  # None: queued without one (never limited per customer)
    amount: int
    released: bool = False


@dataclass(frozen=True)
class Usage:
    total_24h: int
    per_customer_24h: Mapping[uuid.UUID, int]
    in_flight: int


@dataclass
class Evaluation:
    allowed: list[Candidate] = field(default_factory=list)
    held: dict[uuid.UUID, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    deferred: set[uuid.UUID] = field(default_factory=set)


def _breach(limit: str, cap: int, used: int, amount: int) -> tuple[str, dict[str, Any]]:
    words = {
        "per_payout": "the treasury's per-payout limit",
        "per_customer_24h": "the treasury's 24 h limit per customer",
        "total_24h": "the treasury's 24 h limit on all payouts",
        "hot_exposure": "the treasury's hot-exposure limit",
    }[limit]
    reason = f"{usdc_text(amount)} USDC would exceed {words} ({usdc_text(cap)} USDC"
    reason += f", {usdc_text(used)} used)" if limit != "per_payout" else ")"
    evidence = {
        "kind": "treasury_limit",
        "limit": limit,
        "limit_usdc": usdc_text(cap),
        "used_usdc": usdc_text(used),
        "amount_usdc": usdc_text(amount),
    }
    return reason, evidence


def _first_breach(
    limits: RiskLimits, c: Candidate, *, total: int, customer: int
) -> tuple[str, dict[str, Any]] | None:
    if c.released:
        return None
    if c.amount > limits.max_per_payout:
        return _breach("per_payout", limits.max_per_payout, 0, c.amount)
    if c.customer_id is not None and customer + c.amount > limits.max_per_customer_24h:
        return _breach("per_customer_24h", limits.max_per_customer_24h, customer, c.amount)
    if total + c.amount > limits.max_total_24h:
        return _breach("total_24h", limits.max_total_24h, total, c.amount)
    if c.amount > limits.max_hot_exposure:
        return _breach("hot_exposure", limits.max_hot_exposure, 0, c.amount)
    return None


def evaluate(limits: RiskLimits, usage: Usage, candidates: Sequence[Candidate]) -> Evaluation:
    """Decide a batch in queue order: each payout let through counts against the next."""
    out = Evaluation()
    total, exposure = usage.total_24h, usage.in_flight
    per_customer = dict(usage.per_customer_24h)
    for c in candidates:
        customer = per_customer.get(c.customer_id, 0) if c.customer_id else 0
        breach = _first_breach(limits, c, total=total, customer=customer)
        if breach is not None:
            out.held[c.order_id] = breach
            continue
        if exposure + c.amount > limits.max_hot_exposure:
            out.deferred.add(c.order_id)
            continue
        out.allowed.append(c)
        total += c.amount
        exposure += c.amount
        if c.customer_id is not None:
            per_customer[c.customer_id] = customer + c.amount
    return out


async def usage_since(
    session: AsyncSession, since: datetime, customers: Sequence[uuid.UUID]
) -> tuple[int, dict[uuid.UUID, int]]:
    """The day's allowances in one read: a row per customer of the batch, and one (None) for
    everyone else; the total is their sum."""
    who = case((PayoutAllowance.customer_id.in_(customers), PayoutAllowance.customer_id))
    rows = await session.execute(
        select(who, func.sum(PayoutAllowance.amount))
        .where(PayoutAllowance.allowed_at > since)
        .group_by(who)
    )
    per_customer: dict[uuid.UUID, int] = {}
    total = 0
    for customer, amount in rows:
        total += as_int(amount)
        if customer is not None:
            per_customer[customer] = as_int(amount)
    return total, per_customer


class RiskGate:
    """The ``PayoutGate`` the payout sender asks before signing: the circuit breaker first
    (anything but closed signs nothing), then the limits."""

    def __init__(self, limits: RiskLimits) -> None:
        self._limits = limits

    async def __call__(self, session: AsyncSession, items: Sequence[GateItem]) -> GateVerdict:
        breaker = await current_state(session)
        if breaker.state != BreakerState.CLOSED.value:
            return GateVerdict(paused=f"circuit breaker {breaker.state}: {breaker.reason or '-'}")
        now = utcnow()
        # The payout carries its customer (queued with it): nothing is read back from orders.
        customers = list({i.customer_id for i in items if i.customer_id is not None})
        total, per_customer = await usage_since(session, now - DAY, customers)
        usage = Usage(total, per_customer, await in_flight_total(session))
        candidates = [Candidate(i.order_id, i.customer_id, i.amount, i.released) for i in items]
        result = evaluate(self._limits, usage, candidates)
        if result.allowed:
            await session.execute(
                insert(PayoutAllowance)
                .values(
                    [
                        {
                            "order_id": c.order_id,
                            "customer_id": c.customer_id,
                            "amount": c.amount,
                            "allowed_at": now,
                        }
                        for c in result.allowed
                    ]
                )
                .on_conflict_do_nothing(index_elements=["order_id"])
            )
        for order_id, (reason, _) in result.held.items():
            log.warning("risk.payout_held", order_id=str(order_id), reason=reason)
        return GateVerdict(held=result.held, deferred=frozenset(result.deferred))
