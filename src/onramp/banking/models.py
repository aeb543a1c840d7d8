"""The banking tables: deposits, their reversals and statement files, what orders expect to
receive, standing references, customers' bank accounts and micro-deposits. The refund tables
are in :mod:`onramp.banking.refund_models` and the statement lines in
:mod:`onramp.banking.statement_models`, imported here so the metadata is complete for
Alembic (``onramp.core.db.schema``) and their names still import from here."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.banking.refund_models import Refund as Refund
from onramp.banking.refund_models import RefundChannel as RefundChannel
from onramp.banking.refund_models import RefundFile as RefundFile
from onramp.banking.refund_models import RefundReason as RefundReason
from onramp.banking.refund_models import RefundStatus as RefundStatus
from onramp.banking.statement_models import BankStatementBalance as BankStatementBalance
from onramp.banking.statement_models import BankStatementLine as BankStatementLine
from onramp.core.db import Base, MinorUnits
from onramp.core.keys import optional_sealed_str

# Blind-index domain of bank account numbers (IBANs, US account numbers), wherever they are kept.
ACCOUNT_NUMBER_INDEX = "bank_account_number"


class DepositStatus(StrEnum):
    RECEIVED = "received"
    MATCHED = "matched"
    UNMATCHED = "unmatched"  # held in suspense:<ccy> until an operator resolves it
    RETURNED = "returned"  # the bank took it back (a return or reversal): see deposit_reversals


class MatchMethod(StrEnum):
    """How a deposit was tied to its customer: what an operator sees and audits."""

    REFERENCE = "reference"  # the order's creditor reference, as issued
    REFERENCE_CORRECTED = "reference_corrected"  # one typo away from exactly one open order
    STANDING_REFERENCE = "standing_reference"  # the customer's permanent reference
    SENDER_ACCOUNT = "sender_account"  # a verified account of the customer, for the amount due
    OPERATOR = "operator"  # assigned from the suspense work queue


class DepositSource(StrEnum):
    """How the bank told us of a deposit first (later reports of it are duplicates)."""

    WEBHOOK = "webhook"
    CAMT_054 = "camt.054"
    CAMT_053 = "camt.053"
    CAMT_052 = "camt.052"
    MT940 = "mt940"
    BAI2 = "bai2"


class ExpectationStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    EXPIRED = "expired"  # the order expired unpaid: money arriving now is a late payment


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


REFERENCE_TEXT_MAX = 4000


class Deposit(Base):
    """A credit booked on a treasury account, once per bank entry id."""

    __tablename__ = "deposits"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(50))
    bank_entry_id: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    # The remittance text whole (banks split it over lines): an RF reference may come late.
    reference_text: Mapped[str] = mapped_column(String(REFERENCE_TEXT_MAX))
    creditor_reference: Mapped[str | None] = mapped_column(String(25), index=True)
    # Personal data, sealed; None once pseudonymised after the retention period. The IBAN's
    # blind index shares its domain with saved bank accounts, so a deposit can be matched to the
    # account it came from without decrypting either.
    sender_name = optional_sealed_str()
    sender_iban = optional_sealed_str(blind_index=ACCOUNT_NUMBER_INDEX, unique=False)
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default=DepositStatus.RECEIVED.value)
    unmatched_reason: Mapped[str | None] = mapped_column(String(50))
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # Whose money it is once matched (also before an order exists: a standing reference).
    customer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    match_method: Mapped[str | None] = mapped_column(String(30))
    # Held deposits: the order the money was most likely meant for (the work queue shows it).
    suggested_order_id: Mapped[uuid.UUID | None]
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    source: Mapped[str] = mapped_column(String(20), server_default=DepositSource.WEBHOOK.value)
    # The payer's end-to-end id (not SEPA's NOTPROVIDED): how a return names what it returns.
    end_to_end_id: Mapped[str | None] = mapped_column(String(140))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("bank", "bank_entry_id", name="uq_deposits_bank_entry"),
        # The suspense work queue: unmatched deposits, oldest first.
        Index(
            "ix_deposits_unmatched",
            "received_at",
            postgresql_where=text("status = 'unmatched'"),
        ),
        Index("ix_deposits_bank_end_to_end_id", "bank", "end_to_end_id"),
    )


class ReversalStatus(StrEnum):
    RECEIVED = "received"  # stored; settled by the importer or the deposits worker
    BOOKED = "booked"  # against the liability the deposit was credited to
    # Booked against suspense:<ccy> and raised to people: the order had moved past its funds,
    # the amounts differ, or the deposit was returned before.
    REVIEW = "review"
    UNKNOWN = "unknown"  # no deposit it could return: booked against suspense, reported


class DepositReversal(Base):
    """A booking that takes back an earlier credit (a returned or reversed deposit), once per
    bank entry: a webhook, a camt.054 and the camt.053 for the same return are one row."""

    __tablename__ = "deposit_reversals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(50))
    bank_entry_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(10))
    original_entry_id: Mapped[str | None] = mapped_column(String(200))
    end_to_end_id: Mapped[str | None] = mapped_column(String(140))
    return_reason: Mapped[str | None] = mapped_column(String(35))
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default=ReversalStatus.RECEIVED.value)
    deposit_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # Why it is not simply booked (review/unknown), and the ledger account it was debited to.
    outcome: Mapped[str | None] = mapped_column(String(50))
    debited_account: Mapped[str | None] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("bank", "bank_entry_id", name="uq_deposit_reversals_bank_entry"),
        CheckConstraint(
            "status IN ('received', 'booked', 'review', 'unknown')", name="status_known"
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


class BankFileSource(StrEnum):
    CLI = "cli"
    DROP_FOLDER = "drop_folder"


class BankFile(Base):
    """Every statement file imported, once per content (sha256): importing it again finds
    this row and changes nothing."""

    __tablename__ = "bank_files"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    bank: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    counts: Mapped[dict[str, int]] = mapped_column(JSONB)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("source IN ('cli', 'drop_folder')", name="source_known"),)


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


class StandingReference(Base):
    """A customer's permanent creditor reference: every deposit carrying it is converted and
    paid to ``destination_address`` at the rate of the day it arrives, with no order placed."""

    __tablename__ = "standing_references"

    creditor_reference: Mapped[str] = mapped_column(String(25), primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    destination_address: Mapped[str] = mapped_column(String(42))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # One active reference per customer; revoked ones stay for the deposits naming them.
        Index(
            "uq_standing_references_active",
            "customer_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class BankAccountStatus(StrEnum):
    UNVERIFIED = "unverified"  # as given by the customer
    VERIFIED = "verified"  # a deposit came from it in the holder's name (or micro-deposits)
    # The holder is not the customer's KYC name, or a deposit came from it in someone else's
    # name: deposits from it are held for review.
    NAME_MISMATCH = "name_mismatch"
    REMOVED = "removed"  # kept for the records that refer to it


class CustomerBankAccount(Base):
    """A bank account a customer says is theirs: where refunds go, and whose deposits are
    theirs. Holder name and account number are sealed; ``last4`` is for lists."""

    __tablename__ = "bank_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    scheme: Mapped[str] = mapped_column(String(10))  # iban | us_aba
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(10))
    # BIC or ABA routing number: identifies the bank, not the person.
    bank_code: Mapped[str | None] = mapped_column(String(11))
    # Optional only so the retention purge can drop them; always set when added.
    holder_name = optional_sealed_str()
    account_number = optional_sealed_str(blind_index=ACCOUNT_NUMBER_INDEX, unique=False)
    last4: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The proof: which deposit came from the account, and how well its sender's name matched
    # the holder's (0-100; see core/names.py).
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by_deposit_id: Mapped[uuid.UUID | None]
    holder_name_score: Mapped[float | None]
    # The holder given compared with the customer's verified KYC name when it was added (or
    # when micro-deposits were asked for): None while there was no KYC name to compare with.
    kyc_name_score: Mapped[float | None]
    holder_matches_kyc: Mapped[bool | None]


class MicroDepositStatus(StrEnum):
    REQUESTED = "requested"  # stored; the deposits worker sends the two payments
    SENT = "sent"  # the bank accepted both payments; the customer reads them on a statement
    CONFIRMED = "confirmed"
    LOCKED = "locked"  # too many wrong answers: a new challenge after the cool-down
    EXPIRED = "expired"  # closed when a new challenge is asked for after it expired


class MicroDepositChallenge(Base):
    """Two small random payments to a saved account; the customer proves control of the
    account by reading them back. Amounts are sealed (the worker must send them; the customer
    must not find them in a database dump); every answer counts."""

    __tablename__ = "micro_deposit_challenges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank_account_id: Mapped[uuid.UUID] = mapped_column(index=True)
    customer_id: Mapped[uuid.UUID]
    currency: Mapped[str] = mapped_column(String(10))
    amounts = optional_sealed_str()  # "12,47": minor units, comma separated
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The bank's ids of the two payments (their idempotency keys are <id>:1 and <id>:2).
    bank_payment_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)

    __table_args__ = (
        CheckConstraint(
            "status IN ('requested', 'sent', 'confirmed', 'locked', 'expired')",
            name="status_known",
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # One challenge in flight per account (an expired one is closed before the next).
        Index(
            "uq_micro_deposit_challenges_open",
            "bank_account_id",
            unique=True,
            postgresql_where=text("status IN ('requested', 'sent')"),
        ),
    )
