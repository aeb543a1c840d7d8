"""Alerts that reach a person: rules as data (``rules.yaml``), checks over the domains'
services, alert states with deduplication and silences, delivery to email, webhooks and Slack
with retries and dead letters (docs/alerts.md)."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.alerts.api import router as alerts_router
    from onramp.alerts.checks import CHECKS as CHECKS
    from onramp.alerts.delivery import deliver_due as deliver_due
    from onramp.alerts.errors import AlertNotFound as AlertNotFound
    from onramp.alerts.errors import AlertNotOpen as AlertNotOpen
    from onramp.alerts.errors import AlertRulesInvalid as AlertRulesInvalid
    from onramp.alerts.errors import SilenceInvalid as SilenceInvalid
    from onramp.alerts.models import Alert as Alert
    from onramp.alerts.models import AlertDelivery as AlertDelivery
    from onramp.alerts.models import AlertState as AlertState
    from onramp.alerts.rules import AlertRule as AlertRule
    from onramp.alerts.rules import RuleSet as RuleSet
    from onramp.alerts.rules import parse_rules as parse_rules
    from onramp.alerts.service import acknowledge as acknowledge_alert
    from onramp.alerts.service import active_silences as active_silences
    from onramp.alerts.service import configured_rules as configured_rules
    from onramp.alerts.service import evaluate as evaluate_alerts
    from onramp.alerts.service import list_alerts as list_alerts
    from onramp.alerts.service import resolve_by_hand as resolve_alert
    from onramp.alerts.service import silence as silence_alerts
    from onramp.alerts.worker import alerts_round as alerts_round
    from onramp.alerts.worker import run_alerts as run_alerts

_LAZY = {
    "alerts_router": ("onramp.alerts.api", "router"),
    "CHECKS": ("onramp.alerts.checks", "CHECKS"),
    "deliver_due": ("onramp.alerts.delivery", "deliver_due"),
    "AlertNotFound": ("onramp.alerts.errors", "AlertNotFound"),
    "AlertNotOpen": ("onramp.alerts.errors", "AlertNotOpen"),
    "AlertRulesInvalid": ("onramp.alerts.errors", "AlertRulesInvalid"),
    "SilenceInvalid": ("onramp.alerts.errors", "SilenceInvalid"),
    "Alert": ("onramp.alerts.models", "Alert"),
    "AlertDelivery": ("onramp.alerts.models", "AlertDelivery"),
    "AlertState": ("onramp.alerts.models", "AlertState"),
    "AlertRule": ("onramp.alerts.rules", "AlertRule"),
    "RuleSet": ("onramp.alerts.rules", "RuleSet"),
    "parse_rules": ("onramp.alerts.rules", "parse_rules"),
    "acknowledge_alert": ("onramp.alerts.service", "acknowledge"),
    "active_silences": ("onramp.alerts.service", "active_silences"),
    "configured_rules": ("onramp.alerts.service", "configured_rules"),
    "evaluate_alerts": ("onramp.alerts.service", "evaluate"),
    "list_alerts": ("onramp.alerts.service", "list_alerts"),
    "resolve_alert": ("onramp.alerts.service", "resolve_by_hand"),
    "silence_alerts": ("onramp.alerts.service", "silence"),
    "alerts_round": ("onramp.alerts.worker", "alerts_round"),
    "run_alerts": ("onramp.alerts.worker", "run_alerts"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "alerts_router",
    "CHECKS",
    "deliver_due",
    "AlertNotFound",
    "AlertNotOpen",
    "AlertRulesInvalid",
    "SilenceInvalid",
    "Alert",
    "AlertDelivery",
    "AlertState",
    "AlertRule",
    "RuleSet",
    "parse_rules",
    "acknowledge_alert",
    "active_silences",
    "configured_rules",
    "evaluate_alerts",
    "list_alerts",
    "resolve_alert",
    "silence_alerts",
    "alerts_round",
    "run_alerts",
]
