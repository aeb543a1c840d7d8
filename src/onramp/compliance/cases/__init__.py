"""Compliance cases: alerts from screening, monitoring, KYC and bank-account checks gather in
the customer's open case, which compliance officers work and decide."""

from onramp.compliance.cases.alerts import ALERT_RAISED, AlertDraft, alerts_of_case, raise_alerts
from onramp.compliance.cases.models import ComplianceAlert, ComplianceCase

__all__ = [
    "ALERT_RAISED",
    "AlertDraft",
    "ComplianceAlert",
    "ComplianceCase",
    "alerts_of_case",
    "raise_alerts",
]
