from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class Quote(Base):
    """A priced offer, firm until ``expires_at``; ``signature`` is the HMAC of its terms
    (fx/signing.py), checked again when an order is placed against it."""

    __tablename__ = "quotes"
    __table_args__ = (CheckConstraint("side IN ('source', 'target')", name="side_known"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    source_currency: Mapped[str] = mapped_column(String(10))
    source_amount: Mapped[int] = mapped_column(MinorUnits)
    target_currency: Mapped[str] = mapped_column(String(10))
    target_amount: Mapped[int] = mapped_column(MinorUnits)
    fee_amount: Mapped[int] = mapped_column(MinorUnits)
    mid_rate: Mapped[Decimal]
    rate: Mapped[Decimal]
    rates_day: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Which amount the customer fixed: the source (they pay this) or the target (they get at
    # least this). Quotes before migration 0026 were all by source.
    side: Mapped[str] = mapped_column(String(6), default="source", server_default="source")
    # The pricing inputs: the customer's KYC tier when quoted and the spread applied.
    tier: Mapped[int | None]
    spread_bps: Mapped[int | None]
    rates_source: Mapped[str | None] = mapped_column(String(100))
    signature: Mapped[str | None] = mapped_column(String(80))
    # When an order was placed against it: a quote backs one order (fx.service.firm_quote).
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
