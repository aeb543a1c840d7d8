"""Placing an order once per ``Idempotency-Key`` (``POST /v1/orders`` and the dashboard's quote
page): the verified email, the step-up for a large order, the key's stored answer replayed, else
the order placed and its answer stored under the key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Principal, require_step_up
from onramp.core import idempotency
from onramp.core.clock import Clock
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.fx import FxDesk
from onramp.identity import require_verified_email
from onramp.orders.customer_view import order_out
from onramp.orders.placement import placing
from onramp.orders.schemas import OrderRequest
from onramp.orders.travel.policy import TravelRulePolicy


@dataclass(frozen=True)
class PlacedOrder:
    """The answer to a placement: the order as its customer reads it (``OrderOut`` as JSON),
    ``replayed`` when the key had placed it before."""

    status_code: int
    body: dict[str, Any]
    replayed: bool


async def place_order_once(
    session: AsyncSession,
    request: Request,
    *,
    principal: Principal,
    body: OrderRequest,
    idempotency_key: str | None,
) -> PlacedOrder:
    """The app's settings and clock are the request's (``request.app.state``), as the routes'
    dependencies read them."""
    settings: Settings = request.app.state.settings
    clock: Clock = request.app.state.clock
    key = idempotency.check_key(idempotency_key)
    # Held while the order is placed: the session's identity map keeps only rows something
    # refers to, and the placement's freeze check then reads this one without a query.
    customer = await require_verified_email(session, user_id=principal.user_id)
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
        return PlacedOrder(stored.status_code, stored.body, replayed=True)
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
    out = (await order_out(session, order, request, placed_now=True)).model_dump(mode="json")
    await idempotency.finish(session, scope=scope, key=key, status_code=201, body=out)
    del customer
    return PlacedOrder(201, out, replayed=False)
