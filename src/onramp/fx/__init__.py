"""Rates, quotes, fees."""

from onramp.fx.desk import FxDesk
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import (
    AmountOutOfRange,
    FxRateStale,
    FxRateUnavailable,
    QuoteExpired,
    QuoteMismatch,
    QuoteNotFound,
    QuoteSignatureInvalid,
    UsdcPegDeviation,
)
from onramp.fx.peg import PegReading
from onramp.fx.pricing import ConversionSplit, Pricing, conversion_split, eur_rate
from onramp.fx.service import (
    FIRM_QUOTE,
    MARKET_AT_FUNDS,
    FundsPricing,
    create_quote,
    firm_quote,
    price_at_funds,
    price_funds,
)

__all__ = [
    "FIRM_QUOTE",
    "MARKET_AT_FUNDS",
    "AmountOutOfRange",
    "ConversionSplit",
    "FundsPricing",
    "FxDesk",
    "FxRateStale",
    "FxRateUnavailable",
    "PegReading",
    "Pricing",
    "QuoteExpired",
    "QuoteMismatch",
    "QuoteNotFound",
    "QuoteSignatureInvalid",
    "ReferenceRates",
    "UsdcPegDeviation",
    "conversion_split",
    "create_quote",
    "eur_rate",
    "firm_quote",
    "price_at_funds",
    "price_funds",
]
