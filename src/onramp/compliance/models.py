"""Stored sanctions lists: one row per loaded issue, its entries and its addresses.

Each version keeps its entries whole (not first-seen/last-seen ranges): a version is then
exactly what was screened against at the time, and two versions diff with no reconstruction.
The full SDN list is ~18,000 entries, so a version costs a few MB; old versions may be pruned.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class SanctionsListVersion(Base):
    __tablename__ = "sanctions_list_versions"

    # uuid7: ids sort by load time, so the latest version is the greatest id of its source.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    format: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    issued: Mapped[str | None] = mapped_column(String(10))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    entry_count: Mapped[int] = mapped_column(Integer)
    address_count: Mapped[int] = mapped_column(Integer)


class SanctionsEntryRow(Base):
    __tablename__ = "sanctions_entries"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sanctions_list_versions.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = mapped_column(String(40), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(100))
    entry_type: Mapped[str] = mapped_column(String(20))
    primary_name: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)


class SanctionsAddressRow(Base):
    __tablename__ = "sanctions_addresses"
    __table_args__ = (Index("ix_sanctions_addresses_address", "address"),)

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sanctions_list_versions.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(20), primary_key=True)
    address: Mapped[str] = mapped_column(String(200), primary_key=True)  # lower-cased
    uid: Mapped[str] = mapped_column(String(40), primary_key=True)
