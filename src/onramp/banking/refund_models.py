"""The refund tables: money going back to the account a deposit came from, and the pain.001
files that pay refunds by file."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits
from onramp.core.keys import optional_sealed_str


class RefundReason(StrEnum):
    """Why money goes back to its sender: stable codes, shown to staff and in events."""

    ORDER_REJECTED = "order_rejected"  # screening or compliance refused the order
    UNMATCHED = "unmatched"  # no order could be found for the deposit
    EXCESS = "excess"  # paid more than the order asked for: the difference
    LATE_PAYMENT = "late_payment"  # arrived after the order expired
    ORDER_EXPIRED = "order_expired"
    OPERATOR_RETURN = "operator_return"  # staff sent a suspense deposit back


class RefundStatus(StrEnum):
    REQUESTED = "requested"  # booked to transit; waiting to be sent (retried until it is)
    SENT = "sent"  # the bank has the payment (accepted by API, or in an exported pain.001)
    COMPLETED = "completed"  # the bank booked it: the money left the treasury account
    FAILED = "failed"  # given up; its ledger entry reversed, the money back where it was


class RefundChannel(StrEnum):
    API = "api"  # the bank's payments API, one request per refund
    PAIN001_FILE = "pain001_file"  # a SEPA pain.001 file the operator hands to the bank


class Refund(Base):
    """Money going back to the account a deposit came from. The creditor is sealed at request
    time (the deposit's sender may be pseudonymised later; the refund must still be payable or
    explainable). ``holding_account`` is the ledger account the money was taken from, so a
    failed refund puts it back exactly there."""

    __tablename__ = "refunds"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deposit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    holding_account: Mapped[str] = mapped_column(String(200))
    bank: Mapped[str] = mapped_column(String(50))
    creditor_name = optional_sealed_str()
    creditor_iban = optional_sealed_str()
    remittance: Mapped[str] = mapped_column(String(140))
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Sending: retried with backoff while the bank refuses or cannot be reached.
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))
    channel: Mapped[str | None] = mapped_column(String(20))
    bank_payment_id: Mapped[str | None] = mapped_column(String(100))
    file_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "status IN ('requested', 'sent', 'completed', 'failed')", name="status_known"
        ),
        CheckConstraint(
            "reason IN ('order_rejected', 'unmatched', 'excess', 'late_payment', "
            "'order_expired', 'operator_return')",
            name="reason_known",
        ),
        CheckConstraint(
            "channel IS NULL OR channel IN ('api', 'pain001_file')", name="channel_known"
        ),
        Index("ix_refunds_due", "next_attempt_at", postgresql_where=text("status = 'requested'")),
    )


class RefundFile(Base):
    """A pain.001 file of refunds, stored before it is written out: a crash after the refunds
    were marked sent leaves the file to write again (``--message-id``), never a second file
    paying them twice. ``message_id`` is the file's GrpHdr/MsgId, which banks deduplicate on."""

    __tablename__ = "refund_files"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    schema: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(10))
    count: Mapped[int]
    total: Mapped[int] = mapped_column(MinorUnits)
    xml: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
