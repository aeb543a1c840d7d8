from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class DepositStatus(StrEnum):
    RECEIVED = "received"
    MATCHED = "matched"
    UNMATCHED = "unmatched"  # held in suspense:<ccy> until an operator resolves it


class ExpectationStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"


class BankNotification(Base):
    """Every signed notification a bank delivered, once per bank event id (the webhook inbox)."""

    __tablename__ = "bank_notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (UniqueConstraint("bank", "external_id", name="uq_bank_notifications_ext"),)


class Deposit(Base):
    """A credit booked on a treasury account, once per bank entry id."""

    __tablename__ = "deposits"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(50))
    bank_entry_id: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    reference_text: Mapped[str] = mapped_column(String(300))
    creditor_reference: Mapped[str | None] = mapped_column(String(25), index=True)
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_iban: Mapped[str] = mapped_column(String(50))
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default=DepositStatus.RECEIVED.value)
    unmatched_reason: Mapped[str | None] = mapped_column(String(50))
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (UniqueConstraint("bank", "bank_entry_id", name="uq_deposits_bank_entry"),)


class DepositExpectation(Base):
    """What a customer was told to send: matched against incoming credits by creditor reference."""

    __tablename__ = "deposit_expectations"

    creditor_reference: Mapped[str] = mapped_column(String(25), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    customer_id: Mapped[uuid.UUID]
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=ExpectationStatus.OPEN.value)
    deposit_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
