from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    DateTime,
    Identity,
    Index,
    Numeric,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_customer_id_created_at", "customer_id", "created_at"),
        # The staff search's newest-first pages (orders/staff/search.py).
        Index("ix_orders_created_at_id", "created_at", "id"),
        # A firm quote backs one order (fx.service.firm_quote checks first, under its lock).
        Index(
            "ux_orders_quote_id",
            "quote_id",
            unique=True,
            postgresql_where=text("quote_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # None for orders placed by the money itself (a standing reference, a late payment):
    # priced at the rate of the day the funds arrive.
    quote_id: Mapped[uuid.UUID | None]
    origin: Mapped[str] = mapped_column(String(30), default="quote", server_default="quote")
    state: Mapped[str] = mapped_column(String(30), index=True)
    source_currency: Mapped[str] = mapped_column(String(10))
    source_amount: Mapped[int] = mapped_column(MinorUnits)
    target_currency: Mapped[str] = mapped_column(String(10))
    quoted_target_amount: Mapped[int | None] = mapped_column(MinorUnits)
    # Set when priced: what the customer actually gets, at which rate, for which fee.
    target_amount: Mapped[int | None] = mapped_column(MinorUnits)
    fee_amount: Mapped[int | None] = mapped_column(MinorUnits)
    rate: Mapped[Decimal | None]
    quote_honoured: Mapped[bool | None]
    # The quote's rate (what was promised) and, once priced, the rule that set the price:
    # ``firm_quote`` (funds in full before the quote expired) or ``market_at_funds``, with a
    # note for people; the mid rate and how the conversion's margin split (fx.pricing).
    quoted_rate: Mapped[Decimal | None]
    pricing_rule: Mapped[str | None] = mapped_column(String(20))
    pricing_note: Mapped[str | None] = mapped_column(String(300))
    mid_rate: Mapped[Decimal | None]
    spread_amount: Mapped[int | None] = mapped_column(MinorUnits)
    rounding_amount: Mapped[int | None] = mapped_column(MinorUnits)
    destination_address: Mapped[str] = mapped_column(String(42))
    creditor_reference: Mapped[str] = mapped_column(String(25), unique=True)
    deposit_id: Mapped[uuid.UUID | None]
    # What the order counts against the customer's KYC tier limits: its EUR-equivalent when
    # placed (orders/tier_limits/limits.py).
    limit_eur: Mapped[Decimal] = mapped_column(Numeric(20, 2))
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
