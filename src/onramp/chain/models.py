from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class PayoutStatus(StrEnum):
    QUEUED = "queued"
    SIGNED = "signed"  # in a signed, stored transaction that may not have reached the node
    BROADCAST = "broadcast"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    # Not sent: the destination hit the sanctions check right before signing; a person decides.
    HELD = "held"
    CANCELLED = "cancelled"  # a held payout whose order compliance rejected: never sent


class TxStatus(StrEnum):
    SIGNED = "signed"
    BROADCAST = "broadcast"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    # Stuck, and superseded by a copy with the same nonce and higher fees (``replaces_id`` on the
    # copy). Either may still be mined; the confirmation watcher settles whichever is.
    REPLACED = "replaced"
    # Never mined: the chain used its nonce for a transaction not stored here (the reconciler
    # found none of the stored hashes at that nonce mined, and the nonce spent). Final; what it
    # carried is handed back to its sender's rule (payouts: queued again).
    SUPERSEDED = "superseded"


# Not final: the reconciler (``tx_reconciler``) watches every stored transaction in these.
OPEN_TX = (TxStatus.SIGNED.value, TxStatus.BROADCAST.value)


class ChainTransaction(Base):
    """A signed transaction, stored before it is broadcast: a restart re-sends these bytes."""

    __tablename__ = "chain_transactions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(42))
    nonce: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20))
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    block_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    failure: Mapped[str | None] = mapped_column(String(300))
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chain_transactions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    broadcast_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # One live transaction per nonce; replaced ones stay for the record (and may still win).
        Index(
            "uq_chain_transactions_sender_nonce_live",
            "sender",
            "nonce",
            unique=True,
            postgresql_where=text("status <> 'replaced'"),
        ),
        Index(
            "ix_chain_transactions_open",
            "sender",
            "nonce",
            postgresql_where=text("status IN ('signed', 'broadcast')"),
        ),
    )


class Payout(Base):
    """USDC owed to an address for an order; paid once (unique here and in the vault)."""

    __tablename__ = "payouts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    # The order's customer, carried by the request: the treasury's gate needs it per payout.
    customer_id: Mapped[uuid.UUID | None] = mapped_column()
    to_address: Mapped[str] = mapped_column(String(42))
    amount: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(String(20))
    tx_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chain_transactions.id"), index=True)
    failure: Mapped[str | None] = mapped_column(String(300))
    # A compliance officer released this payout after its destination hit the pre-sign check
    # (a false positive, decided on a case): that check does not hold it again.
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the orders worker posted its ledger entry (after the confirmation): until then the
    # vault's books still hold what the chain already paid (``unbooked_total``).
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The W3C trace context of the order that queued it: the batch that pays it links that trace.
    traceparent: Mapped[str | None] = mapped_column(String(55))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_payouts_queued", "created_at", postgresql_where=text("status = 'queued'")),
        Index(
            "ix_payouts_confirmed_unbooked",
            "created_at",
            postgresql_where=text("status = 'confirmed' AND booked_at IS NULL"),
        ),
    )


class WithdrawalStatus(StrEnum):
    REQUESTED = "requested"
    SIGNED = "signed"  # its transaction(s) signed and stored, maybe not yet at the node
    BROADCAST = "broadcast"
    CONFIRMED = "confirmed"  # N blocks deep, with the wallet's matching TokenTransferred event
    FAILED = "failed"


class WalletWithdrawal(Base):
    """USDC a customer moves out of their custodial UserWallet, sent by the factory's operator
    key: ``deploy_tx_id`` deploys the wallet first when it has no code yet, ``tx_id`` calls its
    ``transferToken``. One per (customer, Idempotency-Key)."""

    __tablename__ = "wallet_withdrawals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column()
    wallet_address: Mapped[str] = mapped_column(String(42))
    to_address: Mapped[str] = mapped_column(String(42))
    amount: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    deploy_tx_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chain_transactions.id"))
    tx_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chain_transactions.id"))
    tx_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    failure: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("customer_id", "idempotency_key"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "status IN ('requested', 'signed', 'broadcast', 'confirmed', 'failed')",
            name="status_known",
        ),
        Index(
            "ix_wallet_withdrawals_open",
            "created_at",
            postgresql_where=text("status IN ('requested', 'signed', 'broadcast')"),
        ),
    )


class ControlledAddress(Base):
    """An address the operator controls or a contract of the system (the vault, USDC, the wallet
    factory, the Safes, the HSM keys): never a customer's payout or withdrawal destination."""

    __tablename__ = "controlled_addresses"

    address: Mapped[str] = mapped_column(String(42), primary_key=True)
    label: Mapped[str] = mapped_column(String(60))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
