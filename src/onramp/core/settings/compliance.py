"""Settings of compliance: identity verification (KYC), screening and cases, privacy."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import EmailStr, Field, SecretStr

from onramp.core.settings.base import REPO_ROOT, Section

# The reports that may be emailed daily: those made of the day alone (no FX desk to ask).
MailedReport = Literal["operations", "funnel", "pricing", "screening-stats", "recon-summary"]


def _daily_reports() -> list[MailedReport]:
    return ["operations", "funnel"]


class KycSettings(Section):
    """Identity verification: the vendor, its webhooks, the review period and the limits of each
    tier (EUR or the equivalent; tier 0 may not order at all)."""

    vendor: str = "sandbox"
    # The vendor's API; the dev stack fills it with its KYC sandbox's address.
    vendor_url: str = ""
    webhook_secret: SecretStr = SecretStr("sandbox-kyc-webhook-secret-change-me")
    webhook_tolerance_seconds: int = Field(default=300, ge=1)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # An approval lasts this long; the customer is asked to refresh `refresh_notice_days` before.
    review_period_days: int = Field(default=365, ge=1)
    refresh_notice_days: int = Field(default=30, ge=0)
    # How often `onramp worker kyc_review` looks for approvals past their review date.
    review_interval_seconds: float = Field(default=60.0, gt=0)
    tier1_daily_eur: Decimal = Decimal("1000.00")
    tier1_monthly_eur: Decimal = Decimal("5000.00")
    tier2_daily_eur: Decimal = Decimal("15000.00")
    tier2_monthly_eur: Decimal = Decimal("100000.00")
    # Tier 3, a verified business (KYB: the company and each beneficial owner).
    business_daily_eur: Decimal = Decimal("250000.00")
    business_monthly_eur: Decimal = Decimal("2000000.00")


class ComplianceSettings(Section):
    # Where `onramp screen load` fetches the list when given no file (e.g. OFAC's
    # sdn_advanced.xml); empty: a file must be given.
    list_url: str = ""
    list_format: str = ""  # empty: detected from the file name
    # Name screening: a score at or above this is a hit (see docs/compliance.md).
    name_threshold: float = Field(default=88.0, ge=0, le=100)
    # ONRAMP_ENV=production holds every funded order while no list is loaded or any source's
    # latest version was last checked against its publisher longer ago than this.
    max_list_age_hours: float = Field(default=48.0, gt=0)
    # Lists `onramp worker rescreen` loads on a schedule: URLs or paths (files or folders),
    # each optionally prefixed with its format ("ofac-advanced-xml=https://…"); list_url is
    # refreshed as well when set. Empty: lists are loaded only with `onramp screen load`.
    list_sources: tuple[str, ...] = ()
    # How often they are fetched and compared with the latest version (seconds).
    list_refresh_seconds: float = Field(default=3600.0, gt=0)
    # Travel rule: orders worth this much or more (USD or the equivalent, gross) record the
    # originator and beneficiary, and a self-hosted destination must have proven ownership.
    travel_rule_threshold_usd: Decimal = Field(default=Decimal("3000.00"), ge=0)
    # How long a wallet-ownership challenge may be signed (time to reach a hardware wallet).
    wallet_proof_ttl_seconds: int = Field(default=900, ge=30, le=24 * 3600)
    # How often `onramp worker rescreen` looks for a re-screen job when idle (seconds).
    rescreen_poll_seconds: float = Field(default=2.0, gt=0)
    # Releasing held funds above this (EUR-equivalent, summed over the case's held orders)
    # needs a second officer's approval (docs/compliance-cases.md).
    release_four_eyes_eur: Decimal = Field(default=Decimal("1000"), ge=0)
    # Evidence officers attach to a case: stored sealed in PostgreSQL, so kept small.
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1, le=50 * 1024 * 1024)
    attachment_types: tuple[str, ...] = (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
        "text/csv",
        "application/json",
    )
    # The filing institution named on SAR drafts, and the template that lays the report out.
    institution_name: str = "onramp operator (set ONRAMP_COMPLIANCE__INSTITUTION_NAME)"
    institution_id: str = ""  # e.g. the FIU's reporting-entity number or the LEI
    institution_country: str = ""
    sar_template: Path = REPO_ROOT / "samples" / "config" / "reports" / "sar_template.json"
    # Transaction-monitoring rules (docs/monitoring-rules.md), validated when the orders worker
    # starts; the shipped sample is the default.
    monitoring_rules_file: Path = REPO_ROOT / "samples" / "config" / "monitoring_rules.json"
    # Reports (docs/reports.md): the CTR threshold in USD-equivalent and the report templates.
    ctr_threshold_usd: Decimal = Field(default=Decimal("10000"), gt=0)
    report_templates_dir: Path = REPO_ROOT / "samples" / "config" / "reports"
    # Reports emailed to staff once a day, the day before as CSV (reports/mailing.py, run by
    # the recon worker): ``ONRAMP_COMPLIANCE__REPORT_EMAIL_TO='["ops@example.com"]'``; none by
    # default. Which reports: ``ONRAMP_COMPLIANCE__REPORT_EMAIL_REPORTS``.
    report_email_to: list[EmailStr] = Field(default_factory=list)
    report_email_reports: list[MailedReport] = Field(default_factory=_daily_reports, min_length=1)


class PrivacySettings(Section):
    # How long financial records keep a person's bank details after erasure (AML: 5 years).
    retention_days: int = Field(default=5 * 365, ge=0)
