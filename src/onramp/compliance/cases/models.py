"""Compliance cases and the alerts they group.

An alert is one reason to look: a sanctions hit, a monitoring rule that fired, a KYC or bank
account finding. Alerts of a customer gather in that customer's one open case, which a compliance
officer works and decides. Alerts carry codes, scores and row ids as evidence, never a customer's
personal data in clear: who the subject is stays in the sealed rows the ids point at.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base
from onramp.core.keys import sealed_str


class ComplianceCase(Base):
    __tablename__ = "compliance_cases"
    __table_args__ = (
        # One open case per customer: new alerts join it rather than scatter.
        Index(
            "uq_compliance_cases_open_per_customer",
            "customer_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("severity IN ('low', 'medium', 'high')", name="severity"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20))
    # The highest severity among its alerts: what the officers' queue sorts by.
    severity: Mapped[str] = mapped_column(String(10))
    assignee_id: Mapped[uuid.UUID | None]
    decision: Mapped[str | None] = mapped_column(String(30))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    # What the decision did: the orders it released or rejected, the approval it waited for.
    decision_data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # A release above the four-eyes threshold waits here for a second officer's approval;
    # meanwhile no other decision may be taken (unless that approval was rejected).
    pending_approval_id: Mapped[uuid.UUID | None]
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ComplianceAlert(Base):
    __tablename__ = "compliance_alerts"
    __table_args__ = (
        CheckConstraint("severity IN ('low', 'medium', 'high')", name="severity"),
        CheckConstraint("action IN ('hold', 'alert')", name="action"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compliance_cases.id"), index=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # Where it came from (screening, monitoring, kyc, bank_account, travel_rule) and what fired
    # (a rule name, sanctions_address, sanctions_name ...).
    source: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(10))
    # hold: money is stopped until the case is decided; alert: recorded for review only.
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # What it is about: order, deposit, customer, destination_wallet, bank_account.
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # the order it holds
    # Replays of the same finding (a redelivered event, a re-run screen) raise it once.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseComment(Base):
    """An officer's note on a case. Free text may name people, so it is sealed."""

    __tablename__ = "compliance_case_comments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compliance_cases.id"), index=True)
    author_id: Mapped[uuid.UUID]
    body = sealed_str()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseAttachment(Base):
    """Evidence an officer attached (a bank statement, a screenshot). The bytes are sealed like
    personal data (``content_sealed``, bound to the row id); the digest proves what was filed."""

    __tablename__ = "compliance_case_attachments"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_bytes"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("compliance_cases.id"), index=True)
    uploaded_by: Mapped[uuid.UUID]
    filename = sealed_str()
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
