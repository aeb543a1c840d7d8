"""What a customer submits for KYC, and the rules it must meet before any vendor sees it (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import orjson

from onramp.kyc.adapters.base import DocumentData
from onramp.kyc.errors import KycSubmissionInvalid

IDENTITY_DOCUMENTS = frozenset({"passport", "id_card", "driving_licence", "residence_permit"})
PROOF_OF_ADDRESS = "proof_of_address"
MINIMUM_AGE = 18


@dataclass(frozen=True)
class PostalAddress:
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    line2: str | None = None

    def to_json(self) -> str:
        return orjson.dumps(
            {
                "line1": self.line1,
                "line2": self.line2,
                "city": self.city,
                "postal_code": self.postal_code,
                "country": self.country,
            }
        ).decode()


@dataclass(frozen=True)
class Submission:
    tier: int
    given_names: str
    surname: str
    date_of_birth: date
    nationality: str
    address: PostalAddress
    documents: tuple[DocumentData, ...]

    @property
    def document_types(self) -> list[str]:
        return sorted({d.type for d in self.documents})


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_submission(submission: Submission, *, now: datetime) -> None:
    """Raise KycSubmissionInvalid naming what is missing or wrong (never echoing the values)."""
    problems: list[str] = []
    if submission.tier not in (1, 2):
        problems.append("tier must be 1 or 2")
    today = now.date()
    if submission.date_of_birth >= today:
        problems.append("date_of_birth must be in the past")
    elif age_on(submission.date_of_birth, today) < MINIMUM_AGE:
        problems.append(f"the customer must be at least {MINIMUM_AGE}")
    types = set(submission.document_types)
    if not types & IDENTITY_DOCUMENTS:
        problems.append(f"an identity document is needed ({', '.join(sorted(IDENTITY_DOCUMENTS))})")
    if submission.tier == 2 and PROOF_OF_ADDRESS not in types:
        problems.append("tier 2 needs a proof_of_address document")
    if problems:
        raise KycSubmissionInvalid("; ".join(problems), problems=problems)
