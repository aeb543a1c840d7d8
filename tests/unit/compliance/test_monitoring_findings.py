"""From rule hits to alert drafts: one alert per rule per funded order, holds only where the
rule says so, a dedupe key per rule and activity, evidence without names that replays to the
same hit."""

from __future__ import annotations

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
    alert_draft,
    evaluate_funded_order,
    replay,
)
from onramp.compliance.monitoring.findings import before
from onramp.core.ids import uuid7

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PROFILE = CustomerProfile(
    customer_id=uuid.uuid4(),
    registered_at=NOW - timedelta(days=90),
    name="Ada Lovelace",
    countries=frozenset({"GB"}),
)
RULES = RuleSet.model_validate(
    {
        "version": "v-test",
        "rules": [
            {
                "type": "large_transaction",
                "name": "large",
                "threshold_usd": "10000",
                "action": "hold",
            },
            {
                "type": "structuring",
                "name": "structuring",
                "severity": "high",
                "action": "hold",
                "threshold_usd": "10000",
                "band_pct": "15",
                "min_count": 3,
                "window_hours": 24,
            },
            {"type": "sender_name_mismatch", "name": "third-party", "min_score": 80},
            {"type": "high_risk_jurisdiction", "name": "listed", "countries": ["GB"]},
        ],
    }
)


def deposit(usd: str, hours_ago: float = 0, sender: str = "Ada Lovelace") -> Activity:
    return Activity(
        uuid7(), ActivityKind.DEPOSIT, NOW - timedelta(hours=hours_ago), Decimal(usd), sender, "DE"
    )


def order(usd: str, hours_ago: float = 0) -> Activity:
    return Activity(
        uuid7(),
        ActivityKind.ORDER,
        NOW - timedelta(hours=hours_ago),
        Decimal(usd),
        destination="0x" + "ab" * 20,
    )


def test_action_defaults_to_alert_and_is_validated(tmp_path: Path) -> None:
    rules = RuleSet.model_validate(
        {"version": "x", "rules": [{"type": "large_transaction", "name": "n", "threshold_usd": 1}]}
    )
    assert rules.rules[0].action == "alert"
    bad = tmp_path / "rules.json"
    bad.write_text(
        '{"version": "x", "rules": [{"type": "large_transaction", "name": "n",'
        ' "threshold_usd": 1, "action": "block"}]}'
    )
    with pytest.raises(RuleSetInvalid) as refused:
        RuleSet.from_file(bad)
    assert "action" in refused.value.detail


def test_lookback_is_the_longest_window_of_the_enabled_rules() -> None:
    assert RULES.lookback == timedelta(hours=24)
    empty = RuleSet.model_validate({"version": "x", "rules": []})
    assert empty.lookback == timedelta(0)


def test_a_rule_firing_on_deposit_and_order_is_reported_once_on_the_deposit() -> None:
    d, o = deposit("12000"), order("12000", hours_ago=1)
    found = evaluate_funded_order(RULES, deposit=d, order=o, activities=[d, o], profile=PROFILE)
    by_rule = {hit.rule: current for current, hit, _ in found}
    assert by_rule == {"large": d, "listed": d}


def test_history_is_what_came_before_whatever_the_processing_order() -> None:
    first, second = deposit("9000", hours_ago=2), deposit("9100", hours_ago=1)
    third = deposit("9200")
    o = order("9200", hours_ago=3)
    everything = [third, o, second, first]
    found = evaluate_funded_order(
        RULES, deposit=third, order=o, activities=everything, profile=PROFILE
    )
    structuring = [(c, h, hist) for c, h, hist in found if h.rule == "structuring"]
    ((current, hit, history),) = structuring
    assert current is third
    assert history == [o, first, second]
    # The second deposit, evaluated later or earlier, never sees the third.
    found = evaluate_funded_order(
        RULES, deposit=second, order=o, activities=everything, profile=PROFILE
    )
    assert "structuring" not in {h.rule for _, h, _ in found}
    # Same instant: the smaller (earlier-created) id comes first.
    a, b = sorted([uuid7(), uuid7()], key=lambda u: u.bytes)
    x = Activity(a, ActivityKind.DEPOSIT, NOW, Decimal(1))
    y = Activity(b, ActivityKind.DEPOSIT, NOW, Decimal(1))
    assert before(x, y)
    assert not before(y, x)


def test_a_draft_holds_only_for_hold_rules_and_carries_replayable_evidence() -> None:
    history = [deposit("9000", hours_ago=5), deposit("9100", hours_ago=3)]
    current = deposit("9200", sender="Somebody Else")
    order_id = uuid7()
    drafts = {}
    for hit in RULES.evaluate(current, history, PROFILE):
        drafts[hit.rule] = alert_draft(
            RULES,
            current=current,
            hit=hit,
            history=history,
            profile=PROFILE,
            order_id=order_id,
            rates_day="2025-05-09",
        )
    assert set(drafts) == {"structuring", "third-party", "listed"}
    held = drafts["structuring"]
    assert (held.source, held.kind, held.severity, held.hold, held.order_id) == (
        "monitoring",
        "structuring",
        "high",
        True,
        order_id,
    )
    assert held.dedupe_key == f"monitoring:structuring:deposit:{current.id}"
    assert (held.subject_type, held.subject_id) == ("deposit", str(current.id))
    alert_only = drafts["third-party"]
    assert (alert_only.hold, alert_only.order_id) == (False, None)
    assert alert_only.evidence["order_id"] == str(order_id)
    # No names anywhere in the evidence: the score stands for the comparison.
    text = str([d.evidence for d in drafts.values()])
    assert "Somebody" not in text
    assert "Lovelace" not in text
    assert "score" in alert_only.evidence["figures"]
    evidence = held.evidence
    assert evidence["rule_set_version"] == "v-test"
    assert evidence["rates_day"] == "2025-05-09"
    assert evidence["figures"]["total_usd"] == "27300"
    # Replayed from the evidence alone, the rule fires again with the same figures.
    again = {h.rule: h for h in replay(RULES, evidence)}
    assert again["structuring"].evidence == held.evidence["figures"]
    assert again["structuring"].reason == held.reason
