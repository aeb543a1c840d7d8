from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound, Unavailable


class UnsupportedCurrencyPair(InvalidInput):
    code = "unsupported_currency_pair"
    title = "This currency pair is not offered"


class AmountOutOfRange(InvalidInput):
    code = "amount_out_of_range"
    title = "Amount is below the minimum or above the maximum order size"


class QuoteAmountAmbiguous(InvalidInput):
    code = "quote_amount_ambiguous"
    title = "Give exactly one of source_amount and target_amount"


class QuoteNotFound(NotFound):
    code = "quote_not_found"
    title = "Quote not found"


class QuoteExpired(Conflict):
    code = "quote_expired"
    title = "The quote has expired; ask for a new one"


class QuoteAlreadyUsed(Conflict):
    """A firm quote backs one order: a second order on it (even with a new Idempotency-Key)
    is refused; the client asks for a new quote."""

    code = "quote_already_used"
    title = "This quote already backs an order; ask for a new one"


class QuoteMismatch(InvalidInput):
    code = "quote_mismatch"
    title = "The order does not match its quote"


class QuoteSignatureInvalid(InvalidInput):
    code = "quote_signature_invalid"
    title = "The quote's signature does not match its terms"


class FxRateUnavailable(Unavailable):
    """No configured source has a rate for the currency: pricing refuses rather than guess."""

    code = "fx_rate_unavailable"
    title = "No exchange rate is available for this currency; try again later"
    public_extra = frozenset({"currency"})


class FxRateStale(Unavailable):
    """Every source that has the currency is past its staleness limit."""

    code = "fx_rate_stale"
    title = "The exchange rates are out of date; try again later"
    public_extra = frozenset({"currency"})


class UsdcPegDeviation(Unavailable):
    """The USDC/USD market price left the configured band and the operator chose to stop
    pricing until it returns (``fx.usdc_peg.halt_pricing``)."""

    code = "usdc_peg_deviation"
    title = "USDC is trading away from its USD peg; pricing is paused"


class RateFeedMalformed(InvalidInput):
    code = "fx_rate_feed_malformed"
    title = "Malformed exchange-rate feed"
