"""The travel-rule threshold is in USD: amounts in other currencies cross through EUR."""

from __future__ import annotations

import uuid
from decimal import Decimal

from onramp.core.money import Money
from onramp.core.settings import FxSettings
from onramp.fx import FxDesk
from onramp.orders.travel.policy import TravelRulePolicy


def _policy(wallet_factory: str = "") -> TravelRulePolicy:
    desk = FxDesk.from_settings(FxSettings())
    return TravelRulePolicy(
        threshold_usd=Decimal("3000"), desk=desk, wallet_factory=wallet_factory, operator="onramp"
    )


def test_usd_is_itself_and_eur_crosses_at_the_reference_rate() -> None:
    policy = _policy()
    assert policy.usd_equivalent(Money.parse("3000.00", "USD")) == Decimal("3000.00")
    usd_per_eur = policy.desk.rates.latest().rates["USD"]
    assert policy.usd_equivalent(Money.parse("1000.00", "EUR")) == Decimal("1000.00") * usd_per_eur
    gbp = policy.usd_equivalent(Money.parse("100.00", "GBP"))
    assert gbp > Decimal("100")  # a pound buys more than a dollar


def test_without_a_wallet_factory_no_address_is_the_customers_own() -> None:
    assert _policy().own_wallet(uuid.uuid4()) is None
    own = _policy("0x5FbDB2315678afecb367f032d93F642f64180aa3").own_wallet(uuid.uuid4())
    assert own is not None
    assert own.startswith("0x")
