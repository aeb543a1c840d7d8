"""Settings of reconciliation: which breaks trip the payouts' circuit breaker."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from onramp.core.settings.base import Section


class TripRule(Section):
    """A break of its type trips the breaker when its amount (in major units of its currency,
    either sign) reaches ``amount``, or when it has stayed open ``age_hours``; unset: never by
    that measure."""

    amount: Decimal | None = Field(default=None, ge=0)
    age_hours: float | None = Field(default=None, ge=0)


class ReconSettings(Section):
    """``ONRAMP_RECON__TRIP_ON='{"balance_mismatch": {"amount": "1000"}, "missing_in_ledger":
    {"amount": "10000", "age_hours": 48}}'`` (docs/reconciliation.md); none by default."""

    trip_on: dict[str, TripRule] = Field(default_factory=dict)
    # The ``recon_break_amount`` alert fires for a currency when its open breaks' amounts,
    # summed regardless of sign, reach this (major units): ``ONRAMP_RECON__ALERT_AMOUNTS=
    # '{"EUR": "500", "USDC": "1000"}'``. A currency not named here alerts by count only.
    alert_amounts: dict[str, Decimal] = Field(default_factory=dict)
