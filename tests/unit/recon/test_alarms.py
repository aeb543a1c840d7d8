"""Which break trips the breaker under its type's rule: by amount in the currency's major units
(either sign), or by how long it has stayed open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from onramp.core.settings import Settings, TripRule
from onramp.recon.alarms import over
from onramp.recon.models import ReconBreak

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _break(amount: int, currency: str, age: timedelta = timedelta(0)) -> ReconBreak:
    return ReconBreak(amount=amount, currency=currency, created_at=NOW - age)


def test_an_amount_at_or_above_the_threshold_trips_in_major_units_either_sign() -> None:
    rule = TripRule(amount=Decimal("1000"))
    assert over(rule, _break(1000_00, "EUR"), NOW) is not None
    assert over(rule, _break(-1000_00, "EUR"), NOW) is not None
    assert over(rule, _break(999_99, "EUR"), NOW) is None
    assert over(rule, _break(1000 * 10**6, "USDC"), NOW) is not None
    assert over(rule, _break(999 * 10**6, "USDC"), NOW) is None


def test_a_break_open_long_enough_trips_and_no_rule_never_does() -> None:
    rule = TripRule(age_hours=48)
    assert over(rule, _break(1, "EUR", timedelta(hours=48)), NOW) is not None
    assert over(rule, _break(1, "EUR", timedelta(hours=47)), NOW) is None
    assert over(TripRule(), _break(10**12, "EUR", timedelta(days=99)), NOW) is None


def test_the_rules_are_read_from_onramp_recon_trip_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "ONRAMP_RECON__TRIP_ON", '{"balance_mismatch": {"amount": "1000", "age_hours": 48}}'
    )
    rules = Settings().recon.trip_on
    assert rules == {"balance_mismatch": TripRule(amount=Decimal("1000"), age_hours=48)}
