"""An order as its customer reads it (``GET /v1/orders/{id}`` and the dashboard's order page):
its terms, deposit instructions, payout, refunds and history, the history's reasons worded for
the customer (``customer_reason``)."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking as banking_service
from onramp import chain
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.core.settings import BankingSettings
from onramp.orders import queries
from onramp.orders.models import Order, OrderTransition
from onramp.orders.placement import placing
from onramp.orders.schemas import (
    OrderOut,
    PayoutOut,
    RefundOut,
    TransitionOut,
    instructions_out,
)
from onramp.orders.states import OrderState

# What the customer reads for the steps compliance takes: never the finding (a list entry, a
# rule, an officer's note), which would tip off the subject of a review (AMLD art. 39). Staff
# read the full reasons in the order history and the case.
_REVIEWED = "held for a compliance review"
_SCREENED_OUT = "rejected by our checks; the funds are returned"
_DECIDED = {
    OrderState.REJECTED.value: "rejected after a compliance review",
    OrderState.PAYOUT_QUEUED.value: "released after a compliance review",
}

# An operator's way out of a failed payout: the staff's note and the vault's revert stay inside.
_AFTER_FAILURE = {
    OrderState.PAYOUT_QUEUED.value: "the payout is being sent again",
    OrderState.REJECTED.value: "the payout could not be made; the funds are returned",
}


def customer_reason(from_state: str | None, to_state: str, reason: str | None) -> str | None:
    if from_state == OrderState.FAILED.value and to_state in _AFTER_FAILURE:
        return _AFTER_FAILURE[to_state]
    if to_state == OrderState.MANUAL_REVIEW.value:
        return _REVIEWED
    if from_state == OrderState.MANUAL_REVIEW.value and to_state in _DECIDED:
        return _DECIDED[to_state]  # the officer's reason stays with the case
    if to_state == OrderState.REJECTED.value:
        return _SCREENED_OUT  # a screening verdict names its finding as well
    return reason


async def order_out(
    session: AsyncSession, order: Order, request: Request, *, placed_now: bool = False
) -> OrderOut:
    """``placed_now``: the order was placed in this transaction, so nothing can have paid or
    refunded it yet (two reads fewer on the placement route)."""
    instructions = placing.instructions_for(order, settings=request.app.state.settings.banking)
    payout = None if placed_now else await chain.payout_for_order(session, order.id)
    history = await queries.history_of(session, order.id)
    refunds = (
        []
        if placed_now
        else (await banking_service.refunds_for_orders(session, [order.id])).get(order.id, [])
    )

    def usdc(minor: int | None) -> str | None:
        return None if minor is None else str(Money(as_int(minor), order.target_currency))

    return OrderOut(
        id=order.id,
        state=order.state,
        origin=order.origin,
        quote_id=order.quote_id,
        source_currency=order.source_currency,
        source_amount=str(Money(as_int(order.source_amount), order.source_currency)),
        target_currency=order.target_currency,
        quoted_target_amount=usdc(order.quoted_target_amount),
        quoted_rate=None if order.quoted_rate is None else str(order.quoted_rate.normalize()),
        target_amount=usdc(order.target_amount),
        fee=None
        if order.fee_amount is None
        else str(Money(as_int(order.fee_amount), order.source_currency)),
        rate=None if order.rate is None else str(order.rate.normalize()),
        pricing_rule=order.pricing_rule,
        pricing_note=order.pricing_note,
        price_difference=None
        if order.target_amount is None or order.quoted_target_amount is None
        else usdc(as_int(order.target_amount) - as_int(order.quoted_target_amount)),
        destination_address=order.destination_address,
        deposit_instructions=instructions_out(
            instructions.account, reference=instructions.reference, amount=instructions.amount
        ),
        payout=_payout_out(payout),
        refunds=[_refund_out(r) for r in refunds],
        history=[_transition_out(h) for h in history],
        created_at=order.created_at,
        updated_at=order.updated_at,
    )


def _payout_out(payout: chain.PayoutView | None) -> PayoutOut | None:
    if payout is None:
        return None
    return PayoutOut(
        tx_hash=payout.tx_hash,
        to=payout.to_address,
        amount=str(payout.amount),
        status=payout.status,
        block_number=payout.block_number,
    )


def _refund_out(refund: banking_service.Refund) -> RefundOut:
    return RefundOut(
        amount=str(Money(as_int(refund.amount), refund.currency)),
        currency=refund.currency,
        status=refund.status,
        requested_at=refund.requested_at,
        completed_at=refund.completed_at,
    )


def _transition_out(transition: OrderTransition) -> TransitionOut:
    """A history row as the customer reads it (``customer_reason``)."""
    return TransitionOut(
        from_state=transition.from_state,
        to_state=transition.to_state,
        reason=customer_reason(transition.from_state, transition.to_state, transition.reason),
        at=transition.at,
    )


def deposit_qr_payload(order: Order, *, settings: BankingSettings) -> str | None:
    """The EPC QR payload that pays the order's deposit as its instructions say (``None``
    where a SEPA credit transfer cannot: an account without an IBAN, a currency but EUR)."""
    instructions = placing.instructions_for(order, settings=settings)
    return banking_service.deposit_epc_payload(
        instructions.account, reference=instructions.reference, amount=instructions.amount
    )
