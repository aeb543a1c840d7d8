"""The alert rules as data: the shipped file is valid and names a check for every rule; a bad
file is a configuration error naming the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.alerts import CHECKS, AlertRulesInvalid, parse_rules
from onramp.core.settings import Settings
from onramp.runtime.app import create_app
from onramp.runtime.workers import check_config

GOOD = """
rules:
  - name: payout_stuck
    check: payout_stuck
    threshold: 900
    severity: critical
    runbook: docs/alerts.md#payout-stuck
"""


def test_the_shipped_rules_cover_every_check_and_point_at_a_runbook() -> None:
    rules = parse_rules(Path("src/onramp/alerts/rules.yaml").read_text(), CHECKS)
    assert {r.check for r in rules.rules} == set(CHECKS)
    docs = Path("docs/alerts.md").read_text()
    for rule in rules.rules:
        anchor = rule.runbook.partition("#")[2]
        assert rule.runbook.startswith("docs/alerts.md#")
        assert f"### {anchor.replace('-', ' ')}" in docs.lower(), rule.name


def test_a_good_file_reads() -> None:
    rules = parse_rules(GOOD, CHECKS)
    rule = rules.rule("payout_stuck")
    assert rule is not None
    assert rule.threshold == 900
    assert rule.for_seconds == 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            GOOD.replace("check: payout_stuck", "check: nothing_like_it"),
            "'payout_stuck': unknown check 'nothing_like_it'",
        ),
        (GOOD.replace("severity: critical", "severity: dire"), "'payout_stuck': severity"),
        (GOOD.replace("threshold: 900", "threshold: -1"), "'payout_stuck': threshold"),
        (GOOD + "    colour: red\n", "'payout_stuck': colour"),
        (GOOD + GOOD.replace("rules:\n", ""), "'payout_stuck': named twice"),
        ("rules: {}", "a list under `rules:`"),
        ("rules: [", "not YAML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_rule(text: str, says: str) -> None:
    with pytest.raises(AlertRulesInvalid, match=None) as caught:
        parse_rules(text, CHECKS)
    assert says in str(caught.value)


def test_the_worker_refuses_to_start_on_a_bad_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(GOOD.replace("check: payout_stuck", "check: typo"))
    with pytest.raises(AlertRulesInvalid, match="'payout_stuck'"):
        check_config("alerts", Settings(alerts={"rules_path": bad}))  # type: ignore[arg-type]


def test_the_api_refuses_to_start_on_a_bad_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(GOOD.replace("check: payout_stuck", "check: typo"))
    with pytest.raises(AlertRulesInvalid, match="'payout_stuck'"):
        create_app(Settings(alerts={"rules_path": bad}))  # type: ignore[arg-type]
