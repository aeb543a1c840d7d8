"""The data keys, each stored only wrapped by a key-encryption key in the HSM."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class DataKey(Base):
    __tablename__ = "data_keys"

    # Small integers: the id is written into every sealed field's 4-byte header.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(30))  # "pii" | "blind_index"
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    kek_label: Mapped[str] = mapped_column(String(100))  # the KEK version that wrapped it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # New writes use the purpose's active key; retired keys still open what they sealed.
    active: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index(
            "uq_data_keys_active_purpose",
            "purpose",
            unique=True,
            postgresql_where=text("active"),
        ),
    )
