"""Rates, quotes, fees."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
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
    pricing_of,
)

if TYPE_CHECKING:
    from onramp.fx.alarms import USDC_PEG_DEVIATION as USDC_PEG_DEVIATION
    from onramp.fx.alarms import peg_alarm_recorder as peg_alarm_recorder
    from onramp.fx.api import router as fx_router
    from onramp.fx.service import export_quotes as export_quotes

_LAZY = {
    "USDC_PEG_DEVIATION": ("onramp.fx.alarms", "USDC_PEG_DEVIATION"),
    "export_quotes": ("onramp.fx.service", "export_quotes"),
    "fx_router": ("onramp.fx.api", "router"),
    "peg_alarm_recorder": ("onramp.fx.alarms", "peg_alarm_recorder"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "AmountOutOfRange",
    "ConversionSplit",
    "FIRM_QUOTE",
    "FundsPricing",
    "FxDesk",
    "FxRateStale",
    "FxRateUnavailable",
    "MARKET_AT_FUNDS",
    "PegReading",
    "Pricing",
    "QuoteExpired",
    "QuoteMismatch",
    "QuoteNotFound",
    "QuoteSignatureInvalid",
    "ReferenceRates",
    "USDC_PEG_DEVIATION",
    "UsdcPegDeviation",
    "conversion_split",
    "create_quote",
    "eur_rate",
    "export_quotes",
    "firm_quote",
    "fx_router",
    "peg_alarm_recorder",
    "price_at_funds",
    "price_funds",
    "pricing_of",
]
