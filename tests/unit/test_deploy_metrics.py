"""deploy/: the Prometheus rules and the Grafana dashboards name only metrics the code exports
(the process registry of core/metrics.py, which the API's own metrics join), and only recording
rules the rules file defines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

# The process registry (core/metrics.py), with the API's own metrics registered in it.
from onramp.api.metrics import REGISTRY

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "rules.yml"
DASHBOARDS = sorted((DEPLOY / "grafana").glob("*.json"))
# Prometheus' own series: whether a scrape answered.
BUILT_IN = frozenset({"up"})
_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "summary": ()}
_NAME = re.compile(r"(?<![\w:])(onramp[_:][a-zA-Z0-9_:]*|process_[a-z_]+|up)(?![\w:(])")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _exported() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        names |= {family.name + s for s in _SUFFIXES.get(family.type, ("",))}
    return names


def _names(expr: str) -> set[str]:
    """The series an expression reads (label values and Grafana's variables left out)."""
    return set(_NAME.findall(_QUOTED.sub('""', expr)))


def _rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def _recorded() -> set[str]:
    return {rule["record"] for rule in _rules() if "record" in rule}


def _check(expressions: list[str], where: str) -> None:
    exported, recorded = _exported(), _recorded()
    named = set().union(*(_names(e) for e in expressions))
    assert named, f"{where} names no metric"
    unknown = {n for n in named if n not in exported | recorded | BUILT_IN}
    assert not unknown, f"{where} names metrics the code does not export: {sorted(unknown)}"


def test_the_rules_name_only_exported_metrics() -> None:
    rules = _rules()
    assert {r["alert"] for r in rules if "alert" in r} >= {
        "OnrampPayoutStuck",
        "OnrampOrderQueueAge",
        "OnrampHttpErrorRateHigh",
        "OnrampHttpLatencyHigh",
        "OnrampCircuitBreakerTripped",
        "OnrampReconBreaksOpen",
        "OnrampConsumerLag",
        "OnrampWorkerDown",
    }
    _check([r["expr"] for r in rules], str(RULES))


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_each_dashboard_queries_only_exported_metrics(path: Path) -> None:
    board = json.loads(path.read_text())
    panels = board["panels"]
    assert panels, path
    assert all(p["targets"] for p in panels), path
    _check([t["expr"] for p in panels for t in p["targets"]], str(path))


def test_there_is_a_dashboard_for_each_area() -> None:
    assert [p.stem for p in DASHBOARDS] == ["api", "compliance", "money_path", "treasury"]


def test_the_name_finder_skips_label_values_and_functions() -> None:
    expr = 'sum by (le) (rate(onramp_x_bucket{route="onramp_not_a_metric"}[5m])) / onramp:rec'
    assert _names(expr) == {"onramp_x_bucket", "onramp:rec"}
