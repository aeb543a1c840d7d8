"""What each KYC tier may do: EUR-equivalent limits from configuration (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from onramp.core.settings import KycSettings

# Tier 3 is a verified business (KYB). It sits above the individual tiers so that ``tier_of``
# (the highest approved tier) and every ``tier >= n`` check read it as the most verified.
BUSINESS_TIER = 3
TIERS = (0, 1, 2, BUSINESS_TIER)
TierLabel = Literal["none", "basic", "full", "business"]
TIER_LABELS: dict[int, TierLabel] = {0: "none", 1: "basic", 2: "full", BUSINESS_TIER: "business"}


@dataclass(frozen=True)
class TierLimits:
    """Order volume a customer of ``tier`` may place, in EUR or the equivalent."""

    tier: int
    daily_eur: Decimal
    monthly_eur: Decimal

    @property
    def may_order(self) -> bool:
        return self.daily_eur > 0


def limits_for(tier: int, settings: KycSettings) -> TierLimits:
    if tier == 1:
        return TierLimits(1, settings.tier1_daily_eur, settings.tier1_monthly_eur)
    if tier == 2:
        return TierLimits(2, settings.tier2_daily_eur, settings.tier2_monthly_eur)
    if tier == BUSINESS_TIER:
        return TierLimits(BUSINESS_TIER, settings.business_daily_eur, settings.business_monthly_eur)
    if tier == 0:
        # Email verified, identity not: may look around and quote, not order.
        return TierLimits(0, Decimal("0.00"), Decimal("0.00"))
    raise ValueError(f"no KYC tier {tier}")
