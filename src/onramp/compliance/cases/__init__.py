"""Compliance cases: alerts from screening, monitoring, KYC and bank-account checks gather in
the customer's open case, which compliance officers work and decide."""

from onramp.compliance.cases.alerts import ALERT_RAISED, AlertDraft, alerts_of_case, raise_alerts
from onramp.compliance.cases.errors import (
    AttachmentEmpty,
    AttachmentNotFound,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    CaseAlreadyDecided,
    CaseCursorInvalid,
    CaseDecisionPending,
    CaseNotFound,
)
from onramp.compliance.cases.listing import CaseFilter, CaseOrder, list_cases
from onramp.compliance.cases.models import (
    CaseAttachment,
    CaseComment,
    ComplianceAlert,
    ComplianceCase,
)
from onramp.compliance.cases.work import (
    CASE_ASSIGNED,
    CASE_DECIDED,
    EvidenceFile,
    add_comment,
    assign,
    attach,
    attachments_of,
    check_open,
    close_case,
    comments_of,
    get_case,
    held_order_ids,
    read_attachment,
    record_read,
)

__all__ = [
    "ALERT_RAISED",
    "CASE_ASSIGNED",
    "CASE_DECIDED",
    "AlertDraft",
    "AttachmentEmpty",
    "AttachmentNotFound",
    "AttachmentTooLarge",
    "AttachmentTypeRefused",
    "CaseAlreadyDecided",
    "CaseAttachment",
    "CaseComment",
    "CaseCursorInvalid",
    "CaseDecisionPending",
    "CaseFilter",
    "CaseNotFound",
    "CaseOrder",
    "ComplianceAlert",
    "ComplianceCase",
    "EvidenceFile",
    "add_comment",
    "alerts_of_case",
    "assign",
    "attach",
    "attachments_of",
    "check_open",
    "close_case",
    "comments_of",
    "get_case",
    "held_order_ids",
    "list_cases",
    "raise_alerts",
    "read_attachment",
    "record_read",
]
