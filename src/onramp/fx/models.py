from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class Quote(Base):
    __tablename__ = "quotes"

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
