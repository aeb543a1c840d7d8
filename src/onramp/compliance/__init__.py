"""Compliance: sanctions lists (versioned), name and address screening; transaction-monitoring
rules (``compliance.monitoring``).

The public surface other domains use: load and read list versions, and the matchers.
"""

from typing import TYPE_CHECKING

from onramp.compliance.diff import ListDiff, diff_lists
from onramp.compliance.errors import (
    NoSanctionsListLoaded,
    SanctionsFormatUnknown,
    SanctionsListInvalid,
    SanctionsListUnavailable,
    ScreeningBatchInvalid,
)
from onramp.compliance.lists import ListEntry, SanctionsList, load_list
from onramp.compliance.matcher import (
    AddressHit,
    AddressMatcher,
    NameHit,
    NameMatcher,
)
from onramp.compliance.matching.settings import MatchSettings
from onramp.compliance.screening import combine
from onramp.compliance.service import (
    LoadedVersion,
    latest_lists,
    latest_version_ids,
    load_version,
)
from onramp.core.lazy import lazy_exports

if TYPE_CHECKING:
    from onramp.compliance.cases import AlertDraft as AlertDraft
    from onramp.compliance.cases import AttachmentTooLarge as AttachmentTooLarge
    from onramp.compliance.cases import CaseAttachment as CaseAttachment
    from onramp.compliance.cases import CaseDecisionPending as CaseDecisionPending
    from onramp.compliance.cases import CaseFilter as CaseFilter
    from onramp.compliance.cases import ComplianceAlert as ComplianceAlert
    from onramp.compliance.cases import ComplianceCase as ComplianceCase
    from onramp.compliance.cases import EvidenceFile as EvidenceFile
    from onramp.compliance.cases import add_comment as add_comment
    from onramp.compliance.cases import alerts_of_case as alerts_of_case
    from onramp.compliance.cases import assign as assign_case
    from onramp.compliance.cases import attach as attach_to_case
    from onramp.compliance.cases import attachments_of as attachments_of
    from onramp.compliance.cases import check_open as check_open
    from onramp.compliance.cases import close_case as close_case
    from onramp.compliance.cases import comments_of as comments_of
    from onramp.compliance.cases import get_case as get_case
    from onramp.compliance.cases import held_order_ids as held_order_ids
    from onramp.compliance.cases import list_cases as list_cases
    from onramp.compliance.cases import raise_alerts as raise_alerts
    from onramp.compliance.cases import read_attachment as read_attachment
    from onramp.compliance.cases import record_read as record_read
    from onramp.compliance.cases.sar_narrative import narrative as narrative
    from onramp.compliance.cases.sar_narrative import totals as totals
    from onramp.compliance.cases.sar_pdf import render_pdf as render_pdf
    from onramp.compliance.cases.sar_template import load_template as load_template
    from onramp.compliance.cases.sar_template import render_sections as render_sections
    from onramp.compliance.checkpoints import Finding as Finding
    from onramp.compliance.checkpoints import ListMatchers as ListMatchers
    from onramp.compliance.checkpoints import Matchers as Matchers
    from onramp.compliance.checkpoints import PayoutScreen as PayoutScreen
    from onramp.compliance.checkpoints import Screened as Screened
    from onramp.compliance.checkpoints import WithdrawalScreen as WithdrawalScreen
    from onramp.compliance.checkpoints import check_address as check_address
    from onramp.compliance.checkpoints import check_name as check_name
    from onramp.compliance.checkpoints import record_screens as record_screens
    from onramp.compliance.checkpoints import screen_address as screen_address
    from onramp.compliance.checkpoints import screen_name as screen_name
    from onramp.compliance.fetch import fetch_list as fetch_list
    from onramp.compliance.fetch import is_url as is_url
    from onramp.compliance.freshness import LIST_MISSING as LIST_MISSING
    from onramp.compliance.freshness import LIST_STALE as LIST_STALE
    from onramp.compliance.freshness import ListFreshness as ListFreshness
    from onramp.compliance.monitoring import Activity as Activity
    from onramp.compliance.monitoring import ActivityKind as ActivityKind
    from onramp.compliance.monitoring import CustomerProfile as CustomerProfile
    from onramp.compliance.monitoring import RuleSet as RuleSet
    from onramp.compliance.monitoring import alert_draft as alert_draft
    from onramp.compliance.monitoring import evaluate_funded_order as evaluate_funded_order
    from onramp.compliance.refresh import ListRefresher as ListRefresher
    from onramp.compliance.refresh import configured_sources as configured_sources
    from onramp.compliance.refresh import run_list_refresh as run_list_refresh
    from onramp.compliance.repository import rescreen_jobs as rescreen_jobs
    from onramp.compliance.repository import screening_records as screening_records
    from onramp.compliance.rescreen import RescreenHit as RescreenHit
    from onramp.compliance.rescreen import RescreenSubject as RescreenSubject
    from onramp.compliance.rescreen import run_rescreens as run_rescreens
    from onramp.compliance.screening import BatchRow as BatchRow
    from onramp.compliance.screening import parse_batch as parse_batch
    from onramp.compliance.screening import read_batch as read_batch
    from onramp.compliance.screening import screen_address as screen_batch_address
    from onramp.compliance.screening import screen_name as screen_batch_name
    from onramp.compliance.service import latest_checks as latest_list_checks
    from onramp.compliance.travel_rule import TransferDraft as TransferDraft
    from onramp.compliance.travel_rule import TravelRuleRecord as TravelRuleRecord
    from onramp.compliance.travel_rule import get_record as get_record
    from onramp.compliance.travel_rule import list_records as list_records
    from onramp.compliance.travel_rule import parties_of as parties_of
    from onramp.compliance.travel_rule import purge_parties as purge_parties
    from onramp.compliance.travel_rule import record_of_order as record_of_order
    from onramp.compliance.travel_rule import record_transfer as record_transfer
    from onramp.compliance.web import ListMatchersDep as ListMatchersDep
    from onramp.compliance.web import SessionFactoryDep as SessionFactoryDep

_LAZY = {
    "Activity": ("onramp.compliance.monitoring", "Activity"),
    "ActivityKind": ("onramp.compliance.monitoring", "ActivityKind"),
    "AlertDraft": ("onramp.compliance.cases", "AlertDraft"),
    "AttachmentTooLarge": ("onramp.compliance.cases", "AttachmentTooLarge"),
    "BatchRow": ("onramp.compliance.screening", "BatchRow"),
    "CaseAttachment": ("onramp.compliance.cases", "CaseAttachment"),
    "CaseDecisionPending": ("onramp.compliance.cases", "CaseDecisionPending"),
    "CaseFilter": ("onramp.compliance.cases", "CaseFilter"),
    "ComplianceAlert": ("onramp.compliance.cases", "ComplianceAlert"),
    "ComplianceCase": ("onramp.compliance.cases", "ComplianceCase"),
    "CustomerProfile": ("onramp.compliance.monitoring", "CustomerProfile"),
    "EvidenceFile": ("onramp.compliance.cases", "EvidenceFile"),
    "Finding": ("onramp.compliance.checkpoints", "Finding"),
    "LIST_MISSING": ("onramp.compliance.freshness", "LIST_MISSING"),
    "LIST_STALE": ("onramp.compliance.freshness", "LIST_STALE"),
    "ListFreshness": ("onramp.compliance.freshness", "ListFreshness"),
    "latest_list_checks": ("onramp.compliance.service", "latest_checks"),
    "ListMatchers": ("onramp.compliance.checkpoints", "ListMatchers"),
    "ListMatchersDep": ("onramp.compliance.web", "ListMatchersDep"),
    "ListRefresher": ("onramp.compliance.refresh", "ListRefresher"),
    "Matchers": ("onramp.compliance.checkpoints", "Matchers"),
    "PayoutScreen": ("onramp.compliance.checkpoints", "PayoutScreen"),
    "RescreenHit": ("onramp.compliance.rescreen", "RescreenHit"),
    "RescreenSubject": ("onramp.compliance.rescreen", "RescreenSubject"),
    "RuleSet": ("onramp.compliance.monitoring", "RuleSet"),
    "Screened": ("onramp.compliance.checkpoints", "Screened"),
    "SessionFactoryDep": ("onramp.compliance.web", "SessionFactoryDep"),
    "TransferDraft": ("onramp.compliance.travel_rule", "TransferDraft"),
    "TravelRuleRecord": ("onramp.compliance.travel_rule", "TravelRuleRecord"),
    "WithdrawalScreen": ("onramp.compliance.checkpoints", "WithdrawalScreen"),
    "add_comment": ("onramp.compliance.cases", "add_comment"),
    "alert_draft": ("onramp.compliance.monitoring", "alert_draft"),
    "alerts_of_case": ("onramp.compliance.cases", "alerts_of_case"),
    "assign_case": ("onramp.compliance.cases", "assign"),
    "attach_to_case": ("onramp.compliance.cases", "attach"),
    "attachments_of": ("onramp.compliance.cases", "attachments_of"),
    "check_address": ("onramp.compliance.checkpoints", "check_address"),
    "check_name": ("onramp.compliance.checkpoints", "check_name"),
    "check_open": ("onramp.compliance.cases", "check_open"),
    "close_case": ("onramp.compliance.cases", "close_case"),
    "comments_of": ("onramp.compliance.cases", "comments_of"),
    "configured_sources": ("onramp.compliance.refresh", "configured_sources"),
    "evaluate_funded_order": ("onramp.compliance.monitoring", "evaluate_funded_order"),
    "fetch_list": ("onramp.compliance.fetch", "fetch_list"),
    "get_case": ("onramp.compliance.cases", "get_case"),
    "get_record": ("onramp.compliance.travel_rule", "get_record"),
    "held_order_ids": ("onramp.compliance.cases", "held_order_ids"),
    "is_url": ("onramp.compliance.fetch", "is_url"),
    "list_cases": ("onramp.compliance.cases", "list_cases"),
    "list_records": ("onramp.compliance.travel_rule", "list_records"),
    "load_template": ("onramp.compliance.cases.sar_template", "load_template"),
    "narrative": ("onramp.compliance.cases.sar_narrative", "narrative"),
    "parse_batch": ("onramp.compliance.screening", "parse_batch"),
    "parties_of": ("onramp.compliance.travel_rule", "parties_of"),
    "purge_parties": ("onramp.compliance.travel_rule", "purge_parties"),
    "raise_alerts": ("onramp.compliance.cases", "raise_alerts"),
    "read_attachment": ("onramp.compliance.cases", "read_attachment"),
    "read_batch": ("onramp.compliance.screening", "read_batch"),
    "record_of_order": ("onramp.compliance.travel_rule", "record_of_order"),
    "record_read": ("onramp.compliance.cases", "record_read"),
    "record_screens": ("onramp.compliance.checkpoints", "record_screens"),
    "record_transfer": ("onramp.compliance.travel_rule", "record_transfer"),
    "render_pdf": ("onramp.compliance.cases.sar_pdf", "render_pdf"),
    "render_sections": ("onramp.compliance.cases.sar_template", "render_sections"),
    "rescreen_jobs": ("onramp.compliance.repository", "rescreen_jobs"),
    "run_list_refresh": ("onramp.compliance.refresh", "run_list_refresh"),
    "run_rescreens": ("onramp.compliance.rescreen", "run_rescreens"),
    "screen_address": ("onramp.compliance.checkpoints", "screen_address"),
    "screen_batch_address": ("onramp.compliance.screening", "screen_address"),
    "screen_batch_name": ("onramp.compliance.screening", "screen_name"),
    "screen_name": ("onramp.compliance.checkpoints", "screen_name"),
    "screening_records": ("onramp.compliance.repository", "screening_records"),
    "totals": ("onramp.compliance.cases.sar_narrative", "totals"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "Activity",
    "ActivityKind",
    "AddressHit",
    "AddressMatcher",
    "AlertDraft",
    "AttachmentTooLarge",
    "BatchRow",
    "CaseAttachment",
    "CaseDecisionPending",
    "CaseFilter",
    "ComplianceAlert",
    "ComplianceCase",
    "CustomerProfile",
    "EvidenceFile",
    "Finding",
    "LIST_MISSING",
    "LIST_STALE",
    "ListDiff",
    "ListEntry",
    "ListFreshness",
    "latest_list_checks",
    "ListMatchers",
    "ListMatchersDep",
    "ListRefresher",
    "LoadedVersion",
    "MatchSettings",
    "Matchers",
    "NameHit",
    "NameMatcher",
    "NoSanctionsListLoaded",
    "PayoutScreen",
    "RescreenHit",
    "RescreenSubject",
    "RuleSet",
    "SanctionsFormatUnknown",
    "SanctionsList",
    "SanctionsListInvalid",
    "SanctionsListUnavailable",
    "Screened",
    "ScreeningBatchInvalid",
    "SessionFactoryDep",
    "TransferDraft",
    "TravelRuleRecord",
    "WithdrawalScreen",
    "add_comment",
    "alert_draft",
    "alerts_of_case",
    "assign_case",
    "attach_to_case",
    "attachments_of",
    "check_address",
    "check_name",
    "check_open",
    "close_case",
    "combine",
    "comments_of",
    "configured_sources",
    "diff_lists",
    "evaluate_funded_order",
    "fetch_list",
    "get_case",
    "get_record",
    "held_order_ids",
    "is_url",
    "latest_lists",
    "latest_version_ids",
    "list_cases",
    "list_records",
    "load_list",
    "load_template",
    "load_version",
    "narrative",
    "parse_batch",
    "parties_of",
    "purge_parties",
    "raise_alerts",
    "read_attachment",
    "read_batch",
    "record_of_order",
    "record_read",
    "record_screens",
    "record_transfer",
    "render_pdf",
    "render_sections",
    "rescreen_jobs",
    "run_list_refresh",
    "run_rescreens",
    "screen_address",
    "screen_batch_address",
    "screen_batch_name",
    "screen_name",
    "screening_records",
    "totals",
]
