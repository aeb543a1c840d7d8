"""Issuer operations: every mint and redeem, stored before the first request to the issuer, so a
crash loses nothing and a retried request resumes the same operation instead of minting again."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class IssuerOperationKind(StrEnum):
    MINT = "mint"  # fiat wired to the issuer, USDC minted to a treasury address
    REDEEM = "redeem"  # USDC sent back to the issuer (burned), fiat wired out to our bank


class IssuerOperationStatus(StrEnum):
    REQUESTED = "requested"
    WIRE_SENT = "wire_sent"  # mint: our wire is on its way; waiting for the issuer's credit
    TRANSFER_PENDING = "transfer_pending"  # mint: the issuer is minting on-chain
    USDC_SENDING = "usdc_sending"  # redeem: USDC is being sent to the issuer's deposit address
    USDC_SENT = "usdc_sent"  # redeem: sent (tx_hash); waiting for the issuer to credit it
    PAYOUT_PENDING = "payout_pending"  # redeem: the issuer is wiring the fiat out
    COMPLETED = "completed"
    FAILED = "failed"
    # A crash while USDC was being sent: it may or may not have left. A person looks (the
    # chain and the issuer's deposits) rather than the system sending it a second time.
    NEEDS_REVIEW = "needs_review"


TERMINAL = frozenset(
    {
        IssuerOperationStatus.COMPLETED,
        IssuerOperationStatus.FAILED,
        IssuerOperationStatus.NEEDS_REVIEW,
    }
)


class IssuerOperation(Base):
    __tablename__ = "issuer_operations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    # The caller's key (e.g. a rebalancing run's): the same key is the same operation.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    issuer: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(MinorUnits)  # USDC base units, whole cents
    destination: Mapped[str] = mapped_column(String(100))  # mint: the address minted to
    status: Mapped[str] = mapped_column(String(20), index=True)
    bank_account_id: Mapped[str | None] = mapped_column(String(100))  # issuer's wire account
    tracking_ref: Mapped[str | None] = mapped_column(String(50))
    recipient_id: Mapped[str | None] = mapped_column(String(100))
    deposit_address: Mapped[str | None] = mapped_column(String(100))
    transfer_id: Mapped[str | None] = mapped_column(String(100))
    payout_id: Mapped[str | None] = mapped_column(String(100))
    tx_hash: Mapped[str | None] = mapped_column(String(66))  # the mint, or our USDC sent back
    error_code: Mapped[str | None] = mapped_column(String(100))
    requested_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("kind IN ('mint', 'redeem')", name="kind_known"),
        CheckConstraint(
            "status IN ('requested', 'wire_sent', 'transfer_pending', 'usdc_sending', "
            "'usdc_sent', 'payout_pending', 'completed', 'failed', 'needs_review')",
            name="status_known",
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(
            "ix_issuer_operations_open",
            "created_at",
            postgresql_where=text("status NOT IN ('completed', 'failed', 'needs_review')"),
        ),
    )
