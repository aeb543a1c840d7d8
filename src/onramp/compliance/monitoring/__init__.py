"""Transaction monitoring: configurable rules over deposits and orders (see docs/compliance.md)."""

from onramp.compliance.monitoring.activity import Activity, ActivityKind, CustomerProfile
from onramp.compliance.monitoring.rules import RuleHit
from onramp.compliance.monitoring.ruleset import RuleSet, RuleSetInvalid

__all__ = ["Activity", "ActivityKind", "CustomerProfile", "RuleHit", "RuleSet", "RuleSetInvalid"]
