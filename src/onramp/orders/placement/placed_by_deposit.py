"""Orders the money itself places: a deposit carrying a customer's standing reference, or a late
payment the operator's rules convert (``late_payment = price_received``).

There is no quote: the order is priced at the rate of the day the money arrived, and says so
(``origin``). It pays the standing reference's destination, or the expired order's. Everything
else is the saga every order goes through: limits, screening, the travel rule, pricing, payout.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking
from onramp.compliance import AlertDraft
from onramp.core.errors import OnrampError
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState
from onramp.orders.travel import policy as travel_rule
from onramp.wallets import payout_destination

Funded = tuple[uuid.UUID, uuid.UUID, Money, datetime]  # order, deposit, amount, booked at


@dataclass(frozen=True)
class DepositOrder:
    """A matched deposit that funds no order yet, and what its event says to place."""

    deposit_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    booked_at: datetime
    origin: str  # standing_reference | late_payment
    destination: str | None = None  # a standing reference's
    replaces: uuid.UUID | None = None  # the expired order of a late payment

    def funds(self, order_id: uuid.UUID) -> Funded:
        """The saga's input for the order this deposit funds."""
        return (order_id, self.deposit_id, self.amount, self.booked_at)


async def place_orders(
    session: AsyncSession,
    step: SagaStep,
    wanted: Sequence[DepositOrder],
    *,
    policy: travel_rule.TravelRulePolicy,
    now: datetime,
) -> list[Funded]:
    """Place the orders (once per deposit, however often asked) and return those funded and
    ready for the saga; one whose destination is no longer allowed waits for a person."""
    funded: list[Funded] = []
    for want in wanted:
        order_id = await banking.attach_order(session, deposit_id=want.deposit_id, order_id=uuid7())
        if await session.get(Order, order_id) is not None:  # a replay: placed before
            funded.append(want.funds(order_id))
            continue
        destination, problem = await _destination(session, want, policy)
        order = _new_order(order_id, want, destination, policy=policy, now=now)
        session.add(order)
        await session.flush()
        if problem is None:
            await _record_travel_rule(session, order, want, policy=policy, now=now)
        step.created(
            order,
            reason=f"placed by {want.origin.replace('_', ' ')}",
            audit={
                "origin": want.origin,
                "deposit_id": str(want.deposit_id),
                "replaces": str(want.replaces) if want.replaces else None,
            },
            origin=want.origin,
        )
        if problem is None:
            funded.append(want.funds(order_id))
        else:
            _hold_for_destination(step, order, want, problem)
    return funded


def _new_order(
    order_id: uuid.UUID,
    want: DepositOrder,
    destination: str,
    *,
    policy: travel_rule.TravelRulePolicy,
    now: datetime,
) -> Order:
    """The order row: no quote, priced when the saga gets to it; its limit is the deposit's EUR
    equivalent at the desk's rates."""
    return Order(
        id=order_id,
        customer_id=want.customer_id,
        quote_id=None,
        origin=want.origin,
        state=OrderState.AWAITING_FUNDS.value,
        source_currency=want.amount.currency,
        source_amount=want.amount.minor,
        target_currency="USDC",
        quoted_target_amount=None,
        destination_address=destination,
        creditor_reference=banking.creditor_reference_for_order(order_id),
        limit_eur=policy.desk.eur_equivalent(want.amount).quantize(Decimal("0.01")),
        created_at=now,
        updated_at=now,
    )


async def _record_travel_rule(
    session: AsyncSession,
    order: Order,
    want: DepositOrder,
    *,
    policy: travel_rule.TravelRulePolicy,
    now: datetime,
) -> None:
    try:
        await travel_rule.record_at_order(
            session,
            policy=policy,
            order_id=order.id,
            customer_id=want.customer_id,
            source=want.amount,
            destination=order.destination_address,
            now=now,
        )
    except OnrampError:
        pass  # no record: the travel-rule screen holds the order with an alert


def _hold_for_destination(step: SagaStep, order: Order, want: DepositOrder, problem: str) -> None:
    """The deposit funds the order, but its destination is not allowed: a person decides, with
    a holding alert in the customer's case."""
    destination = order.destination_address
    order.deposit_id = want.deposit_id
    step.move(order, OrderState.FUNDS_RECEIVED, deposit_id=str(want.deposit_id))
    step.move(order, OrderState.SCREENING)
    step.move(order, OrderState.MANUAL_REVIEW, reason=f"destination: {problem}")
    step.alerts.append(
        AlertDraft(
            customer_id=want.customer_id,
            source="orders",
            kind=problem,
            severity="medium",
            reason=f"the {want.origin.replace('_', ' ')} pays {destination or 'nowhere'}"
            f", which is not allowed: {problem}",
            subject_type="order",
            subject_id=str(order.id),
            dedupe_key=f"orders:destination:{order.id}",
            hold=True,
            order_id=order.id,
            evidence={"deposit_id": str(want.deposit_id), "destination": destination},
        )
    )


async def _destination(
    session: AsyncSession, want: DepositOrder, policy: travel_rule.TravelRulePolicy
) -> tuple[str, str | None]:
    """Where the order pays, and why it cannot go on by itself (None when it can): the address
    was chosen earlier, and may have left the address book or been blocked since."""
    requested = want.destination
    if want.replaces is not None:
        expired = await session.get(Order, want.replaces)
        requested = expired.destination_address if expired is not None else None
    try:
        return (
            await payout_destination(
                session,
                customer_id=want.customer_id,
                requested=requested,
                wallet_factory=policy.wallet_factory,
            ),
            None,
        )
    except OnrampError as exc:
        return requested or "", exc.code
