"""Each monitoring rule fires on its pattern and stays quiet just short of it; the shipped rule
set loads; a bad rule set is refused with a clear error."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from onramp.compliance.monitoring import (
    Activity,
    ActivityKind,
    CustomerProfile,
    RuleSet,
    RuleSetInvalid,
)
from onramp.core.settings import REPO_ROOT

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SHIPPED = REPO_ROOT / "samples" / "config" / "monitoring_rules.json"
PROFILE = CustomerProfile(
    customer_id=uuid.uuid4(),
    registered_at=NOW - timedelta(days=90),
    name="Dr. José Álvarez",
    countries=frozenset({"ES"}),
)


def deposit(
    usd: str,
    hours_ago: float = 0,
    *,
    sender_name: str | None = None,
    sender_country: str | None = None,
) -> Activity:
    return Activity(
        id=uuid.uuid4(),
        kind=ActivityKind.DEPOSIT,
        at=NOW - timedelta(hours=hours_ago),
        amount_usd=Decimal(usd),
        sender_name=sender_name,
        sender_country=sender_country,
    )


def order(usd: str, destination: str, hours_ago: float = 0) -> Activity:
    return Activity(
        id=uuid.uuid4(),
        kind=ActivityKind.ORDER,
        at=NOW - timedelta(hours=hours_ago),
        amount_usd=Decimal(usd),
        destination=destination,
    )


def only(rule: dict[str, object]) -> RuleSet:
    return RuleSet.model_validate({"version": "t", "rules": [rule]})


def fired(rules: RuleSet, current: Activity, history: list[Activity] | None = None) -> list[str]:
    return [hit.rule for hit in rules.evaluate(current, history or [], PROFILE)]


def test_the_shipped_rule_set_loads() -> None:
    rules = RuleSet.from_file(SHIPPED)
    assert rules.version
    assert {r.type for r in rules.rules} == {
        "large_transaction",
        "structuring",
        "velocity",
        "sender_name_mismatch",
        "high_risk_jurisdiction",
        "new_account_large_first_deposit",
        "rapid_new_wallets",
    }


def test_large_transactions() -> None:
    rules = only({"type": "large_transaction", "name": "big", "threshold_usd": "10000"})
    assert fired(rules, deposit("10000.00")) == ["big"]
    assert fired(rules, deposit("9999.99")) == []


def test_structuring_several_deposits_just_under_the_threshold() -> None:
    rules = only(
        {
            "type": "structuring",
            "name": "smurf",
            "threshold_usd": "10000",
            "band_pct": "15",
            "min_count": 3,
            "window_hours": 24,
        }
    )
    earlier = [deposit("9500", hours_ago=20), deposit("9100", hours_ago=3)]
    hits = rules.evaluate(deposit("9900"), earlier, PROFILE)
    assert [h.rule for h in hits] == ["smurf"]
    assert len(hits[0].evidence["activities"]) == 3
    assert hits[0].evidence["total_usd"] == "28500"
    # One outside the window, or below the band, and it is two: no pattern.
    assert fired(rules, deposit("9900"), [deposit("9500", hours_ago=25), earlier[1]]) == []
    assert fired(rules, deposit("9900"), [deposit("8400", hours_ago=2), earlier[1]]) == []
    # A large deposit is not structuring (the large-transaction rule reports it).
    assert fired(rules, deposit("10000"), earlier) == []


def test_velocity_by_count_and_by_amount() -> None:
    rules = only(
        {
            "type": "velocity",
            "name": "fast",
            "kind": "deposit",
            "window_hours": 24,
            "max_count": 3,
            "max_amount_usd": "5000",
        }
    )
    three_small = [deposit("10", hours_ago=h) for h in (1, 2)]
    assert fired(rules, deposit("10"), three_small) == []
    assert fired(rules, deposit("10"), [*three_small, deposit("10", hours_ago=5)]) == ["fast"]
    assert fired(rules, deposit("4000"), [deposit("1001", hours_ago=1)]) == ["fast"]
    assert fired(rules, order("4000", "0xabc"), [deposit("1001", hours_ago=1)]) == []


def test_a_third_party_sender_is_flagged_and_spelling_differences_are_not() -> None:
    rules = only({"type": "sender_name_mismatch", "name": "third-party", "min_score": 80})
    assert fired(rules, deposit("100", sender_name="ALVAREZ JOSE")) == []
    assert fired(rules, deposit("100", sender_name="Jose Alvarez")) == []
    hits = rules.evaluate(deposit("100", sender_name="Acme Trading Ltd"), [], PROFILE)
    assert [h.rule for h in hits] == ["third-party"]
    assert hits[0].evidence["score"] < 80


def test_high_risk_jurisdictions_of_the_customer_or_the_sender() -> None:
    rules = only({"type": "high_risk_jurisdiction", "name": "fatf", "countries": ["IR", "KP"]})
    assert fired(rules, deposit("100", sender_country="DE")) == []
    hits = rules.evaluate(deposit("100", sender_country="IR"), [], PROFILE)
    assert hits[0].evidence["countries"] == ["IR"]
    resident = CustomerProfile(
        PROFILE.customer_id, PROFILE.registered_at, countries=frozenset({"KP"})
    )
    assert [h.rule for h in rules.evaluate(deposit("1"), [], resident)] == ["fatf"]


def test_a_new_accounts_large_first_deposit() -> None:
    rules = only(
        {
            "type": "new_account_large_first_deposit",
            "name": "new-and-large",
            "account_age_days": 7,
            "threshold_usd": "5000",
        }
    )
    new = CustomerProfile(PROFILE.customer_id, NOW - timedelta(days=2), name="X")
    assert [h.rule for h in rules.evaluate(deposit("6000"), [], new)] == ["new-and-large"]
    assert rules.evaluate(deposit("6000"), [deposit("10", hours_ago=1)], new) == []
    assert rules.evaluate(deposit("4999"), [], new) == []
    assert fired(rules, deposit("6000")) == []  # PROFILE registered 90 days ago


def test_rapid_payouts_to_new_wallets() -> None:
    rules = only(
        {"type": "rapid_new_wallets", "name": "spray", "max_new_wallets": 2, "window_hours": 24}
    )
    old = order("100", "0xOLD", hours_ago=100)
    recent = [order("100", "0xA", hours_ago=5), order("100", "0xB", hours_ago=4)]
    assert fired(rules, order("100", "0xold"), [old, *recent]) == []  # a known address
    hits = rules.evaluate(order("100", "0xC"), [old, *recent], PROFILE)
    assert [h.rule for h in hits] == ["spray"]
    assert hits[0].evidence["addresses"] == ["0xA", "0xB", "0xC"]


def test_disabled_rules_do_not_fire() -> None:
    rules = only(
        {"type": "large_transaction", "name": "big", "threshold_usd": "1", "enabled": False}
    )
    assert fired(rules, deposit("1000")) == []


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"version": "x", "rules": [{"type": "no_such_rule", "name": "n"}]}),
        json.dumps({"version": "x", "rules": [{"type": "large_transaction", "name": "n"}]}),
        json.dumps(
            {
                "version": "x",
                "rules": [{"type": "large_transaction", "name": "n", "threshold_usd": "-1"}],
            }
        ),
    ],
)
def test_a_bad_rule_set_is_refused_clearly(tmp_path: Path, content: str) -> None:
    path = tmp_path / "rules.json"
    path.write_text(content)
    with pytest.raises(RuleSetInvalid) as refused:
        RuleSet.from_file(path)
    assert refused.value.code == "monitoring_rules_invalid"
    assert str(path) in refused.value.detail
