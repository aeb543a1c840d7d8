from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    quote_id: Mapped[uuid.UUID]
    state: Mapped[str] = mapped_column(String(30), index=True)
    source_currency: Mapped[str] = mapped_column(String(10))
    source_amount: Mapped[int] = mapped_column(MinorUnits)
    target_currency: Mapped[str] = mapped_column(String(10))
    quoted_target_amount: Mapped[int] = mapped_column(MinorUnits)
    # Set when priced: what the customer actually gets, at which rate, for which fee.
    target_amount: Mapped[int | None] = mapped_column(MinorUnits)
    fee_amount: Mapped[int | None] = mapped_column(MinorUnits)
    rate: Mapped[Decimal | None]
    quote_honoured: Mapped[bool | None]
    destination_address: Mapped[str] = mapped_column(String(42))
    creditor_reference: Mapped[str] = mapped_column(String(25), unique=True)
    deposit_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrderTransition(Base):
    """The order's state history, one row per transition (append-only)."""

    __tablename__ = "order_transitions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DestinationWallet(Base):
    """An external address a customer may have USDC sent to (an address book entry). Orders
    pay only the customer's own custodial wallet or one of these; adding one needs a fresh
    second factor, so a stolen password alone cannot redirect payouts."""

    __tablename__ = "destination_wallets"
    __table_args__ = (
        Index(
            "uq_destination_wallets_active",
            "customer_id",
            "address",
            unique=True,
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(42))  # EIP-55 checksummed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when a list update named this address: new orders may no longer pay it.
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    blocked_reason: Mapped[str | None] = mapped_column(String(300))
