"""Reconciliation's tables: each run (per date, as often as asked) and each break, kept once by
its key across runs so a break found again is the same break, and one no longer found clears."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class BreakType(StrEnum):
    MISSING_IN_LEDGER = "missing_in_ledger"  # the bank (or chain) has it, the books do not
    MISSING_AT_BANK = "missing_at_bank"  # the books have it; the bank files covering the day do not
    MISSING_ON_CHAIN = "missing_on_chain"
    AMOUNT_MISMATCH = "amount_mismatch"
    DUPLICATE = "duplicate"
    TIMING = "timing"  # not there yet: the other side has not reported the day, or is booking it
    BALANCE_MISMATCH = "balance_mismatch"  # the bank's closing balance is not the ledger's
    # A statement's opening balance is not the previous statement's close (a gap between them).
    OPENING_MISMATCH = "opening_mismatch"
    # What the books owe customers is not what deposits, orders and refunds say (obligations.py).
    OBLIGATION_MISMATCH = "obligation_mismatch"
    BANK_FEE_UNBOOKED = "bank_fee_unbooked"  # a charge the bank took that the books do not hold


class BreakSource(StrEnum):
    BANK = "bank"
    LEDGER = "ledger"
    CHAIN = "chain"


class BreakState(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"  # a later run no longer found it (later data arrived)
    RESOLVED = "resolved"  # an operator resolved it with a reason (and, four-eyes, an entry)


class ReconRun(Base):
    __tablename__ = "recon_runs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    run_date: Mapped[date] = mapped_column(Date, index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Per source: {"lines": n, "amounts": {"EUR": minor units}}.
    matched: Mapped[dict[str, Any]] = mapped_column(JSONB)
    open_breaks: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(100))


class ReconBreak(Base):
    __tablename__ = "recon_breaks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # type:source:bank:reference
    run_date: Mapped[date] = mapped_column(Date, index=True)
    type: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(10), index=True)
    first_run_id: Mapped[uuid.UUID]
    last_run_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bank: Mapped[str | None] = mapped_column(String(50))  # the bank (or wallet) of the key
    # The queue: who works it, and how it was resolved.
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(String(500))  # the reason given
    # A resolution with an adjusting entry: the four-eyes request, then the entry it posted.
    approval_id: Mapped[uuid.UUID | None]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    adjusting_entry_id: Mapped[uuid.UUID | None]
    # When it tripped the payouts' circuit breaker (above its type's threshold): once only.
    tripped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReconBreakComment(Base):
    """A note on a break, by the staff member working it."""

    __tablename__ = "recon_break_comments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    break_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recon_breaks.id"), index=True)
    author_id: Mapped[uuid.UUID]
    body: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChainCursor(Base):
    """How far the chain reader has read one stream (a contract's events, or one wallet's USDC
    transfers): the last block read and its hash, so a reorg under it is seen and re-read."""

    __tablename__ = "recon_chain_cursors"

    stream: Mapped[str] = mapped_column(String(100), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[bytes] = mapped_column(LargeBinary)
    block_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChainEvent(Base):
    """One event of a treasury wallet read from the chain, past the confirmation depth: a
    vault's ``Payout`` or ``Swept``, or a USDC ``Transfer`` into or out of the wallet (a mint
    comes from, a burn goes to, the zero address). ``amount`` is what left the wallet (negative)
    or reached it, in USDC base units."""

    __tablename__ = "recon_chain_events"

    stream: Mapped[str] = mapped_column(String(100), primary_key=True)
    tx_hash: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    block_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # A treasury wallet's name, or a customer's hosted wallet's address (``kind`` withdrawal).
    wallet: Mapped[str] = mapped_column(String(42))
    kind: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    counterparty: Mapped[str] = mapped_column(String(42))
    amount: Mapped[int] = mapped_column(MinorUnits)


class ChainBalance(Base):
    """A wallet's USDC balance on the chain at the block the reader stopped at."""

    __tablename__ = "recon_chain_balances"

    wallet: Mapped[str] = mapped_column(String(40), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    block_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    balance: Mapped[int] = mapped_column(MinorUnits)
