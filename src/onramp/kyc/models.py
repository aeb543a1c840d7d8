"""KYC tables: cases (personal data sealed) and the vendor-webhook inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base
from onramp.core.keys import optional_sealed_str


class KycCase(Base):
    """One verification of one customer at one tier, from submission to the vendor's verdict and
    on to its expiry. Personal data is sealed (bound to the row id); optional only so an erasure
    or the retention purge can drop it."""

    __tablename__ = "kyc_cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # individual (tiers 1, 2) or business (KYB, tier 3: the company and its UBOs, kyc_ubos).
    kind: Mapped[str] = mapped_column(String(20), default="individual", server_default="individual")
    tier_requested: Mapped[int] = mapped_column(Integer)
    tier_granted: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    vendor: Mapped[str] = mapped_column(String(50))
    applicant_id: Mapped[str | None] = mapped_column(String(100))
    # The vendor check whose verdict is awaited: a verdict for any other check is stale.
    check_id: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The vendor's reason labels (e.g. DOCUMENT_UNREADABLE): codes, never personal data.
    reasons: Mapped[list[str]] = mapped_column(JSONB, default=list)
    document_types: Mapped[list[str]] = mapped_column(JSONB, default=list)
    given_names = optional_sealed_str()
    surname = optional_sealed_str()
    date_of_birth = optional_sealed_str()
    nationality = optional_sealed_str()
    address = optional_sealed_str()  # JSON of the postal (or registered company) address
    # Business cases: the company. Sealed like personal data (it names the customer).
    legal_name = optional_sealed_str()
    registration_number = optional_sealed_str()
    incorporation_country = optional_sealed_str()
    # Why the case cannot be approved automatically whatever the vendor says (e.g.
    # UBO_SANCTIONS_HIT): staff-only; the customer sees the case as under review.
    hold_reason: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'needs_more_info', 'expired')",
            name="status",
        ),
        CheckConstraint("kind IN ('individual', 'business')", name="kind"),
        CheckConstraint(
            "(kind = 'individual' AND tier_requested IN (1, 2))"
            " OR (kind = 'business' AND tier_requested = 3)",
            name="tier_requested",
        ),
        CheckConstraint("tier_granted BETWEEN 0 AND tier_requested", name="tier_granted"),
        # At most one open case per customer, whatever races the API sees.
        Index(
            "uq_kyc_cases_open_per_customer",
            "customer_id",
            unique=True,
            postgresql_where=text("status IN ('pending', 'needs_more_info')"),
        ),
        Index("ix_kyc_cases_status", "status", "submitted_at"),
    )


class KycUbo(Base):
    """An ultimate beneficial owner of a business case's company (>= 25 % of it), as submitted
    with the case's latest attempt, and how the UBO screened against the sanctions lists.
    Personal data sealed, bound to the row id."""

    __tablename__ = "kyc_ubos"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("kyc_cases.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    ownership_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    document_types: Mapped[list[str]] = mapped_column(JSONB, default=list)
    given_names = optional_sealed_str()
    surname = optional_sealed_str()
    date_of_birth = optional_sealed_str()
    nationality = optional_sealed_str()
    # hit | clear | not_screened (no list loaded): the latest screen of this UBO.
    screening_decision: Mapped[str] = mapped_column(String(20))
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("ownership_percent > 0 AND ownership_percent <= 100", name="ownership"),
        CheckConstraint(
            "screening_decision IN ('hit', 'clear', 'not_screened')", name="screening_decision"
        ),
        UniqueConstraint("case_id", "attempt", "position", name="uq_kyc_ubos_position"),
    )


class KycVendorEvent(Base):
    """Every signed notification a KYC vendor delivered, once per vendor event id (the inbox)."""

    __tablename__ = "kyc_vendor_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    vendor: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (UniqueConstraint("vendor", "external_id", name="uq_kyc_vendor_events_ext"),)
