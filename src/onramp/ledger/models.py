"""Ledger tables. Postings are append-only and every entry balances per currency; both rules are
enforced by database triggers (see the initial migration) as well as by the service."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class AccountKind(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    REVENUE = "revenue"
    FX_POSITION = "fx_position"
    EXPENSE = "expense"


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(10))
    # Debits positive, credits negative. Kept by the service in the same statement batch as the
    # postings; the trial balance checks it against the postings.
    balance: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("id", "currency", name="uq_ledger_accounts_id_currency"),
        CheckConstraint(
            "kind IN ('asset', 'liability', 'revenue', 'fx_position', 'expense')",
            name="kind_known",
        ),
    )


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    # What caused the entry (an order id, a deposit id); unique with kind so an entry is
    # written once however often its cause is replayed.
    reference: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (UniqueConstraint("kind", "reference", name="uq_journal_entries_kind_ref"),)


class Posting(Base):
    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(index=True)
    currency: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MinorUnits)

    __table_args__ = (
        # A posting's currency is its account's currency, checked by the database.
        ForeignKeyConstraint(
            ["account_id", "currency"],
            ["ledger_accounts.id", "ledger_accounts.currency"],
            name="fk_postings_account_currency",
        ),
        CheckConstraint("amount <> 0", name="amount_nonzero"),
    )
