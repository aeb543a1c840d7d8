from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status

from onramp.auth import Permission, Principal, require
from onramp.core.money import Money
from onramp.core.web import ClockDep, SessionDep, rate_limited
from onramp.fx import service
from onramp.fx.errors import QuoteAmountAmbiguous
from onramp.fx.models import Quote
from onramp.fx.schemas import QuoteOut, QuoteRequest

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


def quote_out(quote: Quote) -> QuoteOut:
    pricing = service.pricing_of(quote)
    assert quote.signature is not None  # every quote made here is signed
    return QuoteOut(
        id=quote.id,
        side=quote.side,
        source_currency=quote.source_currency,
        source_amount=str(pricing.source),
        target_currency=quote.target_currency,
        target_amount=str(pricing.target),
        mid_rate=str(quote.mid_rate.normalize()),
        rate=str(quote.rate.normalize()),
        spread_bps=pricing.spread_bps,
        fee=str(pricing.fee),
        fee_currency=quote.source_currency,
        tier=quote.tier,
        rates_date=quote.rates_day,
        rates_source=quote.rates_source,
        created_at=quote.created_at,
        expires_at=quote.expires_at,
        signature=quote.signature,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[rate_limited("quote")],
    summary="Quote a conversion of a fiat amount to USDC, by source or by target amount",
    description=(
        "Give `source_amount` (the customer pays exactly this) or `target_amount` (the USDC "
        "the customer wants; the quote asks for the least source amount that delivers at least "
        "this). Priced at the reference mid rate less the spread of the customer's KYC tier "
        "and currency, with the tier's fee (docs/pricing.md). The quote is firm until "
        "`expires_at` (at most `fx.quote_ttl_seconds`; `ttl_seconds` may ask for less) for an "
        "order funded in full before then, and signed: send `signature` back with the order. "
        "Funds arriving later, or another amount, are priced at the market when they arrive."
    ),
    responses={
        422: {
            "description": "invalid_amount, unknown_currency, amount_out_of_range, "
            "unsupported_currency_pair (not an offered currency), quote_amount_ambiguous"
        },
        503: {
            "description": "fx_rate_unavailable (no source has the rate), fx_rate_stale (every "
            "source that has it is past its staleness limit), usdc_peg_deviation (USDC is off "
            "its USD peg and the operator paused pricing); retry later"
        },
    },
)
async def create_quote(
    body: QuoteRequest,
    request: Request,
    principal: Annotated[Principal, require(Permission.QUOTES_CREATE, rate="quote")],
    session: SessionDep,
    clock: ClockDep,
) -> QuoteOut:
    if (body.source_amount is None) == (body.target_amount is None):
        raise QuoteAmountAmbiguous()
    quote = await service.create_quote(
        session,
        desk=request.app.state.fx_desk,
        customer_id=principal.user_id,
        source=None
        if body.source_amount is None
        else Money.parse(body.source_amount, body.source_currency),
        target=None
        if body.target_amount is None
        else Money.parse(body.target_amount, body.target_currency),
        source_currency=body.source_currency,
        target_currency=body.target_currency,
        now=clock.now(),
        ttl_seconds=body.ttl_seconds,
    )
    return quote_out(quote)
