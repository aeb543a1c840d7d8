from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound


class UnsupportedCurrencyPair(InvalidInput):
    code = "unsupported_currency_pair"
    title = "This currency pair is not offered"


class AmountOutOfRange(InvalidInput):
    code = "amount_out_of_range"
    title = "Amount is below the minimum or above the maximum order size"


class QuoteNotFound(NotFound):
    code = "quote_not_found"
    title = "Quote not found"


class QuoteExpired(Conflict):
    code = "quote_expired"
    title = "The quote has expired; ask for a new one"


class QuoteMismatch(InvalidInput):
    code = "quote_mismatch"
    title = "The order does not match its quote"
