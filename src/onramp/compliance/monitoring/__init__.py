"""Transaction monitoring: configurable rules over deposits and orders (see
docs/monitoring-rules.md)."""

from onramp.compliance.monitoring.activity import Activity, ActivityKind, CustomerProfile
from onramp.compliance.monitoring.findings import (
    activity_record,
    alert_draft,
    evaluate_funded_order,
    replay,
)
from onramp.compliance.monitoring.rules import RuleHit
from onramp.compliance.monitoring.ruleset import RuleSet, RuleSetInvalid

__all__ = [
    "Activity",
    "ActivityKind",
    "CustomerProfile",
    "RuleHit",
    "RuleSet",
    "RuleSetInvalid",
    "activity_record",
    "alert_draft",
    "evaluate_funded_order",
    "replay",
]
