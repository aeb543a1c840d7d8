"""KYC tier limits on order volume, enforced atomically per customer.

Each order stores what it counts against the limits (``limit_eur``: its EUR-equivalent when
placed). A customer's volume is the sum over their orders that still hold or moved money (not
expired, rejected or refunded) in rolling windows: 24 hours ("daily") and 30 days ("monthly").
Rolling windows give no midnight at which a second full day's limit opens.

Atomic: the check and the order's insert run under a per-customer transaction lock, so two
concurrent orders that each fit but together exceed a limit cannot both pass. The same check runs
again when funds arrive (the tier may have lapsed; the customer may have sent more than ordered);
there the money is already here, so a breach holds the order for review instead of refusing it.
At funds receipt a batch takes its customers' locks in one statement and reads their use in one
query (``funding_limits``); each order is then checked in memory (``FundingLimits.check``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
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
    # The id's last four bytes: random in a uuid7 (and a uuid4). The first four, used before,
    # are a uuid7's creation time: every customer registered within the same ~65 s shared one
    # lock, so their orders queued behind each other (into the 15 s lock timeout under load).
    # A rolling deploy from that key to this one has old and new processes not serialising one
    # customer's checks for its few minutes: at most the orders placed in it are checked apart.
    return int.from_bytes(customer_id.bytes[12:], "big", signed=True)


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


async def lock_customers(session: AsyncSession, customer_ids: Collection[uuid.UUID]) -> None:
    """``lock_customer`` for several customers in one statement, in the order of their lock
    keys (``unnest`` yields an array in order), so two batches never wait on each other in a
    cycle."""
    keys = sorted({_lock_key(c) for c in customer_ids})
    if keys:
        await session.execute(
            text("SELECT count(pg_advisory_xact_lock(:ns, k)) FROM unnest(CAST(:keys AS int[])) k"),
            {"ns": LIMITS_LOCK_NAMESPACE, "keys": keys},
        )


class FundingLimits:
    """At funds receipt, for a batch: does each customer's tier still cover the order, at what
    arrived? Read once per batch (``funding_limits``); ``check`` then answers per order what a
    query of its own would: the batch's orders count as they were read (the session does not
    flush the batch's moves before the end, so a query of its own saw them so too), the
    customers' other orders as the one query summed them."""

    def __init__(
        self,
        *,
        batch: Collection[Order],
        others: dict[uuid.UUID, tuple[Decimal, Decimal]],
        cases: kyc.ApprovedCases,
        now: datetime,
        settings: KycSettings,
    ) -> None:
        # (id, created at, EUR), of the batch's orders that counted when read.
        self._batch: dict[uuid.UUID, list[tuple[uuid.UUID, datetime, Decimal]]] = {}
        for o in batch:
            counted = self._batch.setdefault(o.customer_id, [])
            if o.state not in NOT_COUNTED:
                counted.append((o.id, o.created_at, o.limit_eur))
        self._others = others
        self._cases = cases
        self._now = now
        self._settings = settings

    def usage(self, order: Order) -> Usage:
        """The customer's use, excluding this order."""
        day, month = self._others.get(order.customer_id, (Decimal(0), Decimal(0)))
        for order_id, created_at, eur in self._batch.get(order.customer_id, ()):
            if order_id == order.id:
                continue
            if created_at > self._now - MONTH:
                month += eur
            if created_at > self._now - DAY:
                day += eur
        tier = self._cases.tier(order.customer_id, self._now)
        return Usage(tier, kyc.limits_for(tier, self._settings), day, month)

    def check(self, order: Order, *, received_eur: Decimal) -> ScreeningResult:
        current = self.usage(order)
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


async def funding_limits(
    session: AsyncSession,
    customer_ids: Collection[uuid.UUID],
    *,
    batch: Collection[Order],
    cases: kyc.ApprovedCases,
    now: datetime,
    settings: KycSettings,
) -> FundingLimits:
    """Lock the customers whose orders the batch checks (``lock_customers``), then sum their
    orders' use per window in one query, except the batch's own orders (``batch``: every order
    it locked), which count as read. Call before the batch moves any of its orders."""
    customers = sorted(set(customer_ids))
    await lock_customers(session, customers)
    others: dict[uuid.UUID, tuple[Decimal, Decimal]] = {}
    if customers:
        zero = Decimal(0)
        rows = await session.execute(
            select(
                Order.customer_id,
                func.coalesce(func.sum(Order.limit_eur).filter(Order.created_at > now - DAY), zero),
                func.coalesce(func.sum(Order.limit_eur), zero),
            )
            .where(
                Order.customer_id.in_(customers),
                Order.created_at > now - MONTH,
                Order.state.not_in(NOT_COUNTED),
                Order.id.not_in(sorted(o.id for o in batch)),
            )
            .group_by(Order.customer_id)
        )
        others = {c: (Decimal(day), Decimal(month)) for c, day, month in rows}
    return FundingLimits(batch=batch, others=others, cases=cases, now=now, settings=settings)


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
