"""Every booking a bank file reported, one row per (bank, booking key) whichever files listed it:
what reconciliation (``onramp.recon``) holds the books against, line by line. Deposits and
reversals are what the bookings did; these rows are what the bank said."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class BankStatementLine(Base):
    __tablename__ = "bank_statement_lines"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(50))
    entry_key: Mapped[str] = mapped_column(String(200))  # the deposit's bank_entry_id
    account: Mapped[str | None] = mapped_column(String(50))
    booking_date: Mapped[date | None] = mapped_column(Date, index=True)
    direction: Mapped[str] = mapped_column(String(6))  # credit | debit
    reversal: Mapped[bool]
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    end_to_end_id: Mapped[str | None] = mapped_column(String(140))
    first_file_id: Mapped[uuid.UUID]  # the file that reported it first
    bank_tx_code: Mapped[str | None] = mapped_column(String(40))  # e.g. ACMT/MDOP/CHRG, NCHG
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (UniqueConstraint("bank", "entry_key", name="uq_bank_statement_lines_key"),)


class BankStatementBalance(Base):
    """A booked balance a bank file stated (camt.053 OPBD/CLBD, MT940 :60F:/:62F:), one row per
    (bank, account, currency, day, kind): the latest file stating it wins, a re-issued statement
    correcting the one before. Reconciliation holds the closing one against the ledger's bank
    account at the end of the day."""

    __tablename__ = "bank_statement_balances"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(50))
    account: Mapped[str] = mapped_column(String(50))  # "" when the file names none
    currency: Mapped[str] = mapped_column(String(10))
    balance_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # opening | closing
    amount: Mapped[int] = mapped_column(MinorUnits)  # negative: overdrawn
    file_id: Mapped[uuid.UUID]  # the file that stated it last
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint(
            "bank", "account", "currency", "balance_date", "kind",
            name="uq_bank_statement_balances_key",
        ),
    )  # fmt: skip
