"""KYC tier limits on order volume, enforced atomically per customer.

Each order stores what it counts against the limits (``limit_eur``: its EUR-equivalent when
placed). A customer's volume is the sum over their orders that still hold or moved money (not
expired, rejected or refunded) in rolling windows: 24 hours ("daily") and 30 days ("monthly").
Rolling windows give no midnight at which a second full day's limit opens.

Atomic: the check and the order's insert run under a per-customer transaction lock, so two
concurrent orders that each fit but together exceed a limit cannot both pass. The same check runs
again when funds arrive (the tier may have lapsed; the customer may have sent more than ordered);
there the money is already here, so a breach holds the order for review instead of refusing it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from onramp import kyc
from onramp.compliance import AlertDraft
from onramp.core.settings import KycSettings
from onramp.orders.errors import IdentityNotVerified, OrderLimitExceeded
from onramp.orders.models import Order
from onramp.orders.screens.screening import ScreeningResult, Verdict
from onramp.orders.states import OrderState

DAY = timedelta(hours=24)
MONTH = timedelta(days=30)
# Orders that no longer hold or move the customer's money count nowhere.
NOT_COUNTED = (
    OrderState.EXPIRED.value,
    OrderState.REJECTED.value,
    OrderState.REFUND_PENDING.value,
    OrderState.REFUNDED.value,
)
# pg_advisory_xact_lock(namespace, key): this namespace is the per-customer limits lock.
LIMITS_LOCK_NAMESPACE = 0x4C494D  # "LIM"


@dataclass(frozen=True)
class Usage:
    tier: int
    limits: kyc.TierLimits
    day_eur: Decimal
    month_eur: Decimal

    @property
    def day_remaining(self) -> Decimal:
        return max(Decimal(0), self.limits.daily_eur - self.day_eur)

    @property
    def month_remaining(self) -> Decimal:
        return max(Decimal(0), self.limits.monthly_eur - self.month_eur)

    def breach(self, amount_eur: Decimal) -> tuple[str, Decimal, Decimal] | None:
        """The first window ``amount_eur`` more would exceed: (window, limit, used), or None."""
        if self.day_eur + amount_eur > self.limits.daily_eur:
            return "day", self.limits.daily_eur, self.day_eur
        if self.month_eur + amount_eur > self.limits.monthly_eur:
            return "month", self.limits.monthly_eur, self.month_eur
        return None


def _lock_key(customer_id: uuid.UUID) -> int:
    return int.from_bytes(customer_id.bytes[:4], "big", signed=True)


async def lock_customer(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Serialise limit decisions of one customer until the transaction ends."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:ns, :key)"),
        {"ns": LIMITS_LOCK_NAMESPACE, "key": _lock_key(customer_id)},
    )


async def usage(
    session: AsyncSession,
    customer_id: uuid.UUID,
    *,
    now: datetime,
    settings: KycSettings,
    excluding: uuid.UUID | None = None,
) -> Usage:
    tier = await kyc.tier_of(session, customer_id, now)

    def total(since: datetime) -> ScalarSelect[Decimal]:
        query = select(func.coalesce(func.sum(Order.limit_eur), Decimal(0))).where(
            Order.customer_id == customer_id,
            Order.created_at > since,
            Order.state.not_in(NOT_COUNTED),
        )
        if excluding is not None:
            query = query.where(Order.id != excluding)
        return query.scalar_subquery()

    day, month = (await session.execute(select(total(now - DAY), total(now - MONTH)))).one()
    return Usage(tier, kyc.limits_for(tier, settings), Decimal(day), Decimal(month))


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


async def check_new_order(
    session: AsyncSession,
    customer_id: uuid.UUID,
    *,
    amount_eur: Decimal,
    now: datetime,
    settings: KycSettings,
) -> Usage:
    """Refuse the order unless the customer's tier allows it; holds the customer's lock, so the
    caller inserts the order in the same transaction before anyone else is checked."""
    await lock_customer(session, customer_id)
    current = await usage(session, customer_id, now=now, settings=settings)
    if not current.limits.may_order:
        raise IdentityNotVerified(tier=current.tier)
    breach = current.breach(amount_eur)
    if breach is not None:
        window, limit, used = breach
        raise OrderLimitExceeded(
            f"tier {current.tier} allows EUR {_money(limit)} per {window} "
            f"({'24 hours' if window == 'day' else '30 days'}, rolling); "
            f"EUR {_money(used)} is used and this order is EUR {_money(amount_eur)}",
            tier=current.tier,
            window=window,
            limit_eur=_money(limit),
            used_eur=_money(used),
            remaining_eur=_money(max(Decimal(0), limit - used)),
        )
    return current


async def check_funding(
    session: AsyncSession,
    order: Order,
    *,
    received_eur: Decimal,
    now: datetime,
    settings: KycSettings,
) -> ScreeningResult:
    """At funds receipt: does the customer's tier still cover this order, at what arrived?"""
    await lock_customer(session, order.customer_id)
    current = await usage(
        session, order.customer_id, now=now, settings=settings, excluding=order.id
    )
    counted = max(order.limit_eur, received_eur)
    if not current.limits.may_order:
        reason = f"identity verification no longer valid at funds receipt (tier {current.tier})"
        return _hold(order, "kyc_tier_lapsed", reason, {"tier": current.tier})
    breach = current.breach(counted)
    if breach is None:
        return ScreeningResult(
            Verdict.CLEAR,
            f"within tier {current.tier} limits "
            f"(EUR {_money(current.day_remaining)} left today before this order)",
        )
    window, limit, used = breach
    reason = (
        f"funds of EUR {_money(counted)} exceed the tier {current.tier} {window} limit of "
        f"EUR {_money(limit)} (EUR {_money(used)} already used)"
    )
    evidence = {
        "tier": current.tier,
        "window": window,
        "limit_eur": _money(limit),
        "used_eur": _money(used),
        "order_eur": _money(order.limit_eur),
        "received_eur": _money(received_eur),
    }
    return _hold(order, "limit_exceeded_at_funding", reason, evidence)


def _hold(order: Order, kind: str, reason: str, evidence: dict[str, object]) -> ScreeningResult:
    alert = AlertDraft.holding_order(
        customer_id=order.customer_id,
        order_id=order.id,
        source="kyc",
        kind=kind,
        severity="medium",
        reason=reason,
        evidence=evidence,
    )
    return ScreeningResult(Verdict.HOLD, reason, (alert,))
