"""What every KYC vendor adapter gives the KYC domain, shaped like Sumsub, Onfido and Persona:
an applicant per person, documents attached to it, a check requested at a level whose verdict
arrives later by signed webhook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from onramp.kyc.states import KycStatus


@dataclass(frozen=True)
class ApplicantData:
    """The person as the vendor needs them. ``external_id`` is our case id: no personal data
    comes back in the vendor's webhooks, only this."""

    external_id: str
    given_names: str
    surname: str
    date_of_birth: date
    country: str  # of residence, ISO 3166-1 alpha-2
    nationality: str


@dataclass(frozen=True)
class BeneficiaryData:
    """A company's ultimate beneficial owner, as the vendor checks them (Sumsub's company
    ``beneficiaries``, Onfido's associated persons)."""

    given_names: str
    surname: str
    date_of_birth: date
    nationality: str
    ownership_percent: str  # decimal string, e.g. "60.00"


@dataclass(frozen=True)
class CompanyData:
    """A company applicant (KYB). ``external_id`` is our case id, as for a person."""

    external_id: str
    legal_name: str
    registration_number: str
    country: str  # of incorporation, ISO 3166-1 alpha-2
    address: dict[str, str | None]
    beneficiaries: tuple[BeneficiaryData, ...]


@dataclass(frozen=True)
class DocumentData:
    type: str
    filename: str
    content_base64: str | None = None


@dataclass(frozen=True)
class VendorVerdict:
    """A verified ``applicant.reviewed``-style notification."""

    event_id: str
    external_id: str  # our case id
    applicant_id: str
    check_id: str
    status: KycStatus  # approved | rejected | needs_more_info | expired
    reasons: tuple[str, ...]
    reviewed_at: datetime


@dataclass(frozen=True)
class VendorNotice:
    """Any verified notification: ``verdict`` is None for event types we do not act on."""

    event_id: str
    payload: dict[str, Any]
    verdict: VendorVerdict | None


class KycVendor(Protocol):
    name: str

    async def upsert_applicant(self, applicant: ApplicantData) -> str:
        """The vendor's applicant id; the same ``external_id`` again updates that applicant."""
        ...

    async def upsert_company(self, company: CompanyData) -> str:
        """A company applicant (KYB) with its beneficial owners; same ``external_id``, same
        applicant. Its documents and check go through ``add_document`` / ``request_check``
        (``tier=3``), its verdict comes by the same webhook as a person's."""
        ...

    async def add_document(
        self, applicant_id: str, document: DocumentData, *, beneficiary: int | None = None
    ) -> str:
        """Attach a document; ``beneficiary`` (an index into the company's beneficiaries)
        says whose identity document it is."""
        ...

    async def request_check(self, applicant_id: str, *, tier: int) -> str:
        """Start a check; the vendor answers at once with its id, the verdict comes later."""
        ...

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, now: datetime
    ) -> VendorNotice:
        """Verify the signature over the raw body, then parse. Raises
        InvalidKycWebhookSignature or MalformedKycNotification; nothing is stored before."""
        ...
