"""Settings of pricing: the rate chain, the fee table, the USDC peg and firm quotes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from onramp.core.settings.base import REPO_ROOT, Section

SAMPLE_RATES_FILE = REPO_ROOT / "samples" / "rates" / "eurofxref-daily.xml"


class RateSourceSettings(Section):
    """One link of the rate chain (docs/pricing.md). ``kind``: ``ecb_xml`` / ``ecb_csv`` (an
    ECB file at ``path``; unset: ``fx.rates_file``), ``http_json`` (a feed at ``url``),
    ``static`` (``rates``, units per 1 EUR, set at ``as_of``). ``staleness``: ``ecb_business_day``
    (current until the next TARGET business day's publication plus ``grace_minutes``),
    ``max_age`` (``max_age_seconds`` after the rates' time), ``none`` (frozen samples only)."""

    name: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    kind: Literal["ecb_xml", "ecb_csv", "http_json", "static"]
    path: Path | None = None
    url: str = ""
    rates: dict[str, Decimal] = {}
    as_of: datetime | None = None
    staleness: Literal["ecb_business_day", "max_age", "none"] = "max_age"
    max_age_seconds: int = Field(default=300, ge=1)
    grace_minutes: int = Field(default=120, ge=0, le=24 * 60)
    timeout_seconds: float = Field(default=5.0, gt=0)
    refresh_seconds: float = Field(default=30.0, ge=0)


class FeeTierSettings(Section):
    """A row of the pricing table: spread and fee. Fixed, minimum and maximum fees are in EUR,
    charged as the source currency's equivalent at the reference rate."""

    spread_bps: int = Field(default=20, ge=0, le=1000)
    fee_bps: int = Field(default=50, ge=0, le=1000)
    fee_fixed_eur: Decimal = Field(default=Decimal("0"), ge=0)
    fee_min_eur: Decimal = Field(default=Decimal("1.00"), ge=0)
    fee_max_eur: Decimal | None = Field(default=None, gt=0)


class UsdcPegSettings(Section):
    """USDC is priced at par with USD. ``market_source`` names a rate source whose rates include
    USD and USDC (per EUR); when USDC's USD price from it moves more than ``max_deviation_bps``
    from 1, an operator alarm is raised and, with ``halt_pricing``, no quote or order is priced
    until it returns. Unset: no peg check."""

    market_source: str = ""
    max_deviation_bps: int = Field(default=50, ge=1, le=5000)
    halt_pricing: bool = True


class FxSettings(Section):
    # The default ECB file: the sample in the repository (frozen, hence staleness "none" in the
    # default chain below); production points this at the scheduled download and sets the
    # chain's ECB staleness to "ecb_business_day".
    rates_file: Path = SAMPLE_RATES_FILE
    sources: tuple[RateSourceSettings, ...] = (
        RateSourceSettings(name="ecb", kind="ecb_xml", staleness="none"),
        # BHD is not published by the ECB: sample static rate (BHD is pegged at 0.376 per USD).
        RateSourceSettings(
            name="static", kind="static", rates={"BHD": Decimal("0.42308")}, staleness="none"
        ),
    )
    # Source currencies customers may pay in (ISO 4217; exponents from core.money).
    offered_currencies: tuple[str, ...] = ("EUR", "USD", "GBP", "CHF", "JPY", "SEK", "CAD", "BHD")
    # USDC is priced as USD 1:1; the operator's margin is the spread, its charge the fee.
    usdc_reference_currency: str = "USD"
    usdc_peg: UsdcPegSettings = UsdcPegSettings()
    # The pricing table: `pricing` for every KYC tier not in `tier_pricing`.
    pricing: FeeTierSettings = FeeTierSettings()
    tier_pricing: dict[int, FeeTierSettings] = {
        3: FeeTierSettings(spread_bps=15, fee_bps=30, fee_max_eur=Decimal("2500.00")),
    }
    # Extra spread for a source currency on top of the tier's (thin markets).
    currency_spread_bps: dict[str, int] = {"BHD": 30}
    # Firm quotes: the longest a quote may be firm (a client may ask for less), and the key
    # that signs their terms (HMAC-SHA256).
    quote_ttl_seconds: int = Field(default=900, ge=10)
    quote_min_ttl_seconds: int = Field(default=10, ge=1)
    quote_signing_key: SecretStr = SecretStr("dev-only-quote-signing-key-change-me")
    min_order: Decimal = Decimal("10.00")
    # Below the vault's on-chain per-payout cap (1,000,000 USDC in the dev stack) at any sane rate.
    max_order: Decimal = Decimal("500000.00")
