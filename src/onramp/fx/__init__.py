"""Rates, quotes, fees."""

from onramp.fx.errors import AmountOutOfRange, QuoteExpired, QuoteMismatch, QuoteNotFound
from onramp.fx.pricing import Pricing
from onramp.fx.service import FxDesk, create_quote, firm_quote, price_at_funds

__all__ = [
    "AmountOutOfRange",
    "FxDesk",
    "Pricing",
    "QuoteExpired",
    "QuoteMismatch",
    "QuoteNotFound",
    "create_quote",
    "firm_quote",
    "price_at_funds",
]
