from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status

from onramp.core.money import Money
from onramp.core.web import ClockDep, SessionDep, rate_limited
from onramp.fx import service
from onramp.fx.models import Quote
from onramp.fx.schemas import QuoteOut, QuoteRequest
from onramp.identity.access import require
from onramp.identity.permissions import Permission
from onramp.identity.tokens import Principal

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


def quote_out(quote: Quote) -> QuoteOut:
    pricing = service.pricing_of(quote)
    return QuoteOut(
        id=quote.id,
        source_currency=quote.source_currency,
        source_amount=str(pricing.source),
        target_currency=quote.target_currency,
        target_amount=str(pricing.target),
        rate=str(quote.rate.normalize()),
        fee=str(pricing.fee),
        fee_currency=quote.source_currency,
        rates_date=quote.rates_day,
        created_at=quote.created_at,
        expires_at=quote.expires_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[rate_limited("quote")],
    summary="Quote a conversion of a fiat amount to USDC",
    description=(
        "The quote is firm until `expires_at` for an order funded in full before then; funds "
        "arriving later are priced at the rate of the day they arrive."
    ),
    responses={422: {"description": "invalid_amount, unknown_currency, amount_out_of_range"}},
)
async def create_quote(
    body: QuoteRequest,
    request: Request,
    principal: Annotated[Principal, require(Permission.QUOTES_CREATE, rate="quote")],
    session: SessionDep,
    clock: ClockDep,
) -> QuoteOut:
    source = Money.parse(body.source_amount, body.source_currency)
    quote = await service.create_quote(
        session,
        desk=request.app.state.fx_desk,
        customer_id=principal.user_id,
        source=source,
        target_currency=body.target_currency,
        now=clock.now(),
    )
    return quote_out(quote)
