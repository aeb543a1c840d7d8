"""KYC API payloads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from onramp.core.request_fields import Printable
from onramp.kyc.adapters.base import DocumentData
from onramp.kyc.business import BeneficialOwner, BusinessSubmission
from onramp.kyc.submission import PostalAddress, Submission
from onramp.kyc.tiers import TierLabel

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Printable()
]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$", max_length=2), Printable()]
DocumentType = Literal[
    "passport", "id_card", "driving_licence", "residence_permit", "proof_of_address", "selfie"
]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line1: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Printable()
    ]
    line2: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Printable()] | None
    ) = None
    city: Name
    postal_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20), Printable()
    ]
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 country of residence")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DocumentType
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200), Printable()]
    content_base64: Annotated[str, StringConstraints(max_length=90_000), Printable()] | None = (
        Field(default=None, description="optional small image (at most 64 KiB once decoded)")
    )


class UboIn(BaseModel):
    """An ultimate beneficial owner: a natural person holding 25 % or more of the company."""

    model_config = ConfigDict(extra="forbid")

    given_names: Name = Field(examples=["Grace"])
    surname: Name = Field(examples=["Hopper"])
    date_of_birth: date
    nationality: CountryCode = Field(examples=["US"])
    ownership_percent: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        examples=["60.00"],
        description="25.00 to 100.00",
    )
    documents: list[DocumentIn] = Field(
        min_length=1, max_length=3, description="the owner's identity document(s)"
    )


class CompanyDocumentIn(DocumentIn):
    type: Literal["certificate_of_incorporation", "register_extract"]  # type: ignore[assignment]


class KybSubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    legal_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Printable()
    ] = Field(examples=["Analytical Engines GmbH"])
    registration_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Printable()
    ] = Field(examples=["HRB 123456 B"])
    country_of_incorporation: CountryCode = Field(examples=["DE"])
    registered_address: AddressIn
    ubos: list[UboIn] = Field(
        max_length=10, description="every owner of 25 % or more (at least one, at most four)"
    )
    documents: list[CompanyDocumentIn] = Field(
        max_length=6, description="certificate_of_incorporation and register_extract"
    )

    def to_submission(self) -> BusinessSubmission:
        address = self.registered_address
        return BusinessSubmission(
            legal_name=self.legal_name,
            registration_number=self.registration_number,
            incorporation_country=self.country_of_incorporation,
            registered_address=PostalAddress(
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                postal_code=address.postal_code,
                country=address.country,
            ),
            ubos=tuple(
                BeneficialOwner(
                    given_names=u.given_names,
                    surname=u.surname,
                    date_of_birth=u.date_of_birth,
                    nationality=u.nationality,
                    ownership_percent=u.ownership_percent,
                    documents=_documents(u.documents),
                )
                for u in self.ubos
            ),
            documents=_documents(self.documents),
        )


def _documents(documents: Sequence[DocumentIn]) -> tuple[DocumentData, ...]:
    return tuple(
        DocumentData(type=d.type, filename=d.filename, content_base64=d.content_base64)
        for d in documents
    )


class KycSubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: Literal[1, 2] = Field(
        description="1: identity document; 2: identity document and proof of address"
    )
    given_names: Name = Field(examples=["Ada"])
    surname: Name = Field(examples=["Lovelace"])
    date_of_birth: date
    nationality: CountryCode = Field(examples=["GB"])
    address: AddressIn
    documents: list[DocumentIn] = Field(min_length=1, max_length=6)

    def to_submission(self) -> Submission:
        return Submission(
            tier=self.tier,
            given_names=self.given_names,
            surname=self.surname,
            date_of_birth=self.date_of_birth,
            nationality=self.nationality,
            address=PostalAddress(
                line1=self.address.line1,
                line2=self.address.line2,
                city=self.address.city,
                postal_code=self.address.postal_code,
                country=self.address.country,
            ),
            documents=tuple(
                DocumentData(type=d.type, filename=d.filename, content_base64=d.content_base64)
                for d in self.documents
            ),
        )


class KycLimitsOut(BaseModel):
    daily_eur: str = Field(examples=["1000.00"])
    monthly_eur: str = Field(examples=["5000.00"])


class KycCaseOut(BaseModel):
    id: uuid.UUID
    kind: Literal["individual", "business"] = "individual"
    status: Literal["pending", "approved", "rejected", "needs_more_info", "expired"]
    tier_requested: int
    tier_granted: int
    attempts: int
    reasons: list[str]
    document_types: list[str]
    submitted_at: datetime
    reviewed_at: datetime | None
    expires_at: datetime | None


class KycDecisionOut(BaseModel):
    """One step of a case's history: submitted, a vendor's verdict, a hold, compliance's
    decision, an expiry (codes only, never personal data)."""

    case_id: uuid.UUID
    at: datetime
    action: str = Field(examples=["kyc.case_approved", "kyc.case_held", "kyc.case_expired"])
    by: str = Field(description="the vendor (kyc_vendor:<name>), a person (user:<id>), system")
    verdict: str | None = Field(description="the vendor's verdict, when a vendor decided")
    reasons: list[str]
    tier_granted: int | None


class KycStatusOut(BaseModel):
    tier: int = Field(description="the tier held now (0: identity not verified; 3: business)")
    tier_label: TierLabel = "none"
    limits: KycLimitsOut
    next_step: Literal["submit", "wait", "resubmit", "refresh", "contact_support", "none"]
    refresh_due: bool
    case: KycCaseOut | None = Field(description="the latest case")


class KycCaseReviewOut(KycCaseOut):
    customer_id: uuid.UUID
    vendor: str
    applicant_id: str | None
    hold_reason: str | None = Field(
        default=None, description="why compliance holds the case, e.g. UBO_SANCTIONS_HIT"
    )
    ubo_count: int | None = Field(default=None, description="business cases: owners submitted")
    ubo_screening: list[str] | None = Field(
        default=None, description="business cases: each owner's latest screen (hit, clear ...)"
    )


class KycCaseList(BaseModel):
    data: list[KycCaseReviewOut]


class KycWebhookAck(BaseModel):
    outcome: Literal["applied", "duplicate", "stale", "ignored"]
