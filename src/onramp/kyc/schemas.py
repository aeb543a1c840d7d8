"""KYC API payloads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from onramp.kyc.adapters.base import DocumentData
from onramp.kyc.submission import PostalAddress, Submission

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
DocumentType = Literal[
    "passport", "id_card", "driving_licence", "residence_permit", "proof_of_address", "selfie"
]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line1: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    line2: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    city: Text
    postal_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)
    ]
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 country of residence")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DocumentType
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    content_base64: Annotated[str, StringConstraints(max_length=90_000)] | None = Field(
        default=None, description="optional small image (at most 64 KiB once decoded)"
    )


class KycSubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: Literal[1, 2] = Field(
        description="1: identity document; 2: identity document and proof of address"
    )
    given_names: Text = Field(examples=["Ada"])
    surname: Text = Field(examples=["Lovelace"])
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


class LimitsOut(BaseModel):
    daily_eur: str = Field(examples=["1000.00"])
    monthly_eur: str = Field(examples=["5000.00"])


class KycCaseOut(BaseModel):
    id: uuid.UUID
    status: Literal["pending", "approved", "rejected", "needs_more_info", "expired"]
    tier_requested: int
    tier_granted: int
    attempts: int
    reasons: list[str]
    document_types: list[str]
    submitted_at: datetime
    reviewed_at: datetime | None
    expires_at: datetime | None


class KycStatusOut(BaseModel):
    tier: int = Field(description="the tier held now (0: identity not verified)")
    limits: LimitsOut
    next_step: Literal["submit", "wait", "resubmit", "refresh", "contact_support", "none"]
    refresh_due: bool
    case: KycCaseOut | None = Field(description="the latest case")


class KycCaseReviewOut(KycCaseOut):
    customer_id: uuid.UUID
    vendor: str
    applicant_id: str | None


class KycCaseList(BaseModel):
    data: list[KycCaseReviewOut]


class KycWebhookAck(BaseModel):
    outcome: Literal["applied", "duplicate", "stale", "ignored"]
