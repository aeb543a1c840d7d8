"""What a business submits for KYB (the company, its documents, its ultimate beneficial owners)
and the rules it must meet before any vendor sees it (pure).

A UBO is a natural person who owns or controls at least 25 % of the company (the FATF
recommendation 24/25 guidance and the EU's AMLD threshold), so a company has at most four; the
shares declared cannot add up to more than 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from onramp.kyc.adapters.base import DocumentData
from onramp.kyc.errors import KybSubmissionInvalid
from onramp.kyc.submission import IDENTITY_DOCUMENTS, PostalAddress
from onramp.kyc.tiers import BUSINESS_TIER

COMPANY_DOCUMENTS = frozenset({"certificate_of_incorporation", "register_extract"})
UBO_THRESHOLD_PERCENT = Decimal("25")
MAX_UBOS = 4  # 4 x 25 % = 100 %


@dataclass(frozen=True)
class BeneficialOwner:
    given_names: str
    surname: str
    date_of_birth: date
    nationality: str  # ISO 3166-1 alpha-2
    ownership_percent: Decimal
    documents: tuple[DocumentData, ...]

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.surname}"

    @property
    def document_types(self) -> list[str]:
        return sorted({d.type for d in self.documents})


@dataclass(frozen=True)
class BusinessSubmission:
    legal_name: str
    registration_number: str
    incorporation_country: str  # ISO 3166-1 alpha-2
    registered_address: PostalAddress
    ubos: tuple[BeneficialOwner, ...]
    documents: tuple[DocumentData, ...]

    tier = BUSINESS_TIER

    @property
    def document_types(self) -> list[str]:
        return sorted({d.type for d in self.documents})


def _ubo_problems(index: int, ubo: BeneficialOwner, today: date) -> list[str]:
    where = f"ubos[{index}]"
    problems: list[str] = []
    if ubo.ownership_percent < UBO_THRESHOLD_PERCENT:
        problems.append(
            f"{where}: a beneficial owner holds at least {UBO_THRESHOLD_PERCENT} % "
            "(list owners of 25 % or more only)"
        )
    if ubo.ownership_percent > 100:
        problems.append(f"{where}: ownership_percent cannot exceed 100")
    if ubo.date_of_birth >= today:
        problems.append(f"{where}: date_of_birth must be in the past")
    if not set(ubo.document_types) & IDENTITY_DOCUMENTS:
        problems.append(
            f"{where}: an identity document is needed ({', '.join(sorted(IDENTITY_DOCUMENTS))})"
        )
    return problems


def check_business_submission(submission: BusinessSubmission, *, now: datetime) -> None:
    """Raise KybSubmissionInvalid naming every rule broken (never echoing the values)."""
    problems: list[str] = []
    if not submission.registration_number.strip():
        problems.append("registration_number is required")
    if not submission.ubos:
        problems.append("at least one ultimate beneficial owner (ubos) is required")
    elif len(submission.ubos) > MAX_UBOS:
        problems.append(f"at most {MAX_UBOS} beneficial owners can each hold 25 % or more")
    today = now.date()
    for index, ubo in enumerate(submission.ubos):
        problems += _ubo_problems(index, ubo, today)
    total = sum((u.ownership_percent for u in submission.ubos), Decimal(0))
    if total > 100:
        problems.append(f"the owners' shares add up to {total} %, more than 100 %")
    missing = sorted(COMPANY_DOCUMENTS - set(submission.document_types))
    if missing:
        problems.append(f"company documents missing: {', '.join(missing)}")
    if problems:
        raise KybSubmissionInvalid("; ".join(problems), problems=problems)
