from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking as banking_service
from onramp import chain
from onramp.auth import Permission, Principal, require, require_step_up
from onramp.core import idempotency
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.fx import FxDesk
from onramp.identity import require_verified_email
from onramp.orders import queries
from onramp.orders.models import Order, OrderTransition
from onramp.orders.placement import placing
from onramp.orders.schemas import (
    OrderList,
    OrderOut,
    OrderRequest,
    PayoutOut,
    RefundOut,
    TransitionOut,
    instructions_out,
)
from onramp.orders.states import OrderState
from onramp.orders.travel.policy import TravelRulePolicy

router = APIRouter(prefix="/v1/orders", tags=["orders"])


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


async def order_out(session: AsyncSession, order: Order, request: Request) -> OrderOut:
    instructions = placing.instructions_for(order, settings=request.app.state.settings.banking)
    payout = await chain.payout_for_order(session, order.id)
    history = await queries.history_of(session, order.id)
    refunds = (await banking_service.refunds_for_orders(session, [order.id])).get(order.id, [])

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


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[rate_limited("order")],
    summary="Create an order against a quote; returns the deposit instructions",
    description=(
        "Needs an `Idempotency-Key` header: the same key with the same body returns the stored "
        "response; the same key with another body is refused with `idempotency_key_reused`. "
        "The quote must be the caller's, unexpired, for exactly `source_amount`, and its signed "
        "terms intact (send its `signature` as `quote_signature`). Once funds arrive the order "
        "says how it was priced: `pricing_rule`, `pricing_note`, `rate` against `quoted_rate`, "
        "and `price_difference` (docs/pricing.md)."
    ),
    responses={
        400: {"description": "idempotency_key_required"},
        404: {"description": "quote_not_found"},
        403: {
            "description": "email_not_verified; kyc_required (identity not verified: tier 0); "
            "step_up_required, mfa_enrollment_required (large orders)"
        },
        409: {
            "description": "quote_expired, quote_already_used (a quote backs one order), "
            "idempotency_key_reused, wallet_ownership_unproven "
            "(travel rule: prove the self-hosted wallet first)"
        },
        503: {"description": "fx_rate_unavailable, fx_rate_stale (the EUR equivalent for limits)"},
        422: {
            "description": "invalid_amount, quote_mismatch, quote_signature_invalid (the quote's "
            "terms or the `quote_signature` sent do not match its signature), invalid_address, "
            "destination_not_in_address_book, destination_not_allowed (an address of the "
            "operator or the system, the zero address, a precompile); "
            "order_limit_exceeded (the tier's 24-hour or 30-day EUR-equivalent limit; the "
            "problem's `window`, `limit_eur`, `used_eur` and `remaining_eur` say which and how "
            "much is left)"
        },
    },
)
async def create_order(
    body: OrderRequest,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_CREATE, rate="order")],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    idempotency_key: Annotated[
        Text | None, Header(alias="Idempotency-Key", max_length=idempotency.MAX_KEY_LENGTH)
    ] = None,
) -> JSONResponse:
    key = idempotency.check_key(idempotency_key)
    await require_verified_email(session, user_id=principal.user_id)
    scope = f"user:{principal.user_id}"
    fingerprint = idempotency.request_fingerprint(
        "POST", "/v1/orders", body.model_dump(mode="json")
    )
    source = Money.parse(body.source_amount, body.source_currency)
    desk: FxDesk = request.app.state.fx_desk
    amount_eur = desk.eur_equivalent(source)
    if amount_eur > settings.auth.step_up_order_eur:
        await require_step_up(
            session,
            principal=principal,
            now=clock.now(),
            max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
        )
    stored = await idempotency.begin(session, scope=scope, key=key, request_hash=fingerprint)
    if stored is not None:
        return JSONResponse(
            stored.body, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"}
        )
    order = await placing.create_order(
        session,
        customer_id=principal.user_id,
        quote_id=body.quote_id,
        source=source,
        destination_address=body.destination_address,
        wallet_factory=settings.chain.wallet_factory_address,
        amount_eur=amount_eur,
        kyc_settings=settings.kyc,
        now=clock.now(),
        quote_signature=body.quote_signature,
        signing_key=desk.signing_key,
        travel_rule_policy=TravelRulePolicy(
            threshold_usd=settings.compliance.travel_rule_threshold_usd,
            desk=desk,
            wallet_factory=settings.chain.wallet_factory_address,
            operator=settings.auth.issuer,
        ),
    )
    out = (await order_out(session, order, request)).model_dump(mode="json")
    await idempotency.finish(session, scope=scope, key=key, status_code=201, body=out)
    return JSONResponse(out, status_code=201)


@router.get("/{order_id}", summary="An order of the caller's, with its history and payout")
async def get_order(
    order_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
) -> OrderOut:
    order = await queries.get_order(session, order_id=order_id, customer_id=principal.user_id)
    return await order_out(session, order, request)


@router.get("", summary="The caller's orders, newest first")
async def list_orders(
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: uuid.UUID | None = None,
) -> OrderList:
    orders = await queries.list_orders(
        session, customer_id=principal.user_id, limit=limit, before=before
    )
    data = [await order_out(session, o, request) for o in orders]
    return OrderList(data=data, next_before=orders[-1].id if len(orders) == limit else None)
