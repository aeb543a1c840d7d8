"""Stored sanctions lists: one row per loaded issue, its entries and its addresses.

Each version keeps its entries whole (not first-seen/last-seen ranges): a version is then
exactly what was screened against at the time, and two versions diff with no reconstruction.
The full SDN list is ~18,000 entries, so a version costs a few MB; old versions may be pruned.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
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
    # Last compared with its publisher and found current (a load of the same bytes moves it):
    # what the production freshness check reads.
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
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


class ScreeningRecord(Base):
    """One screen of one subject at one point (registration, wallet add, deposit, payout, a
    re-screen after a list update): the decision and the list versions it was made against.

    Holds row ids, list data and scores, never the screened person's name: who it was stays in
    the sealed rows ``subject_id`` points at.
    """

    __tablename__ = "screening_records"
    __table_args__ = (
        Index("ix_screening_records_subject", "subject_type", "subject_id"),
        CheckConstraint("decision IN ('hit', 'clear', 'not_screened')", name="decision"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    point: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))  # sanctions_name | sanctions_address
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    decision: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    entry_uid: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    list_versions: Mapped[list[str]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RescreenJob(Base):
    """Re-screening everyone after a list version was loaded: enqueued in the load's transaction,
    worked batch by batch by ``onramp worker rescreen``. Each batch commits its alerts together
    with the cursor, so a crash resumes after the last committed batch."""

    __tablename__ = "sanctions_rescreen_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'running', 'done')", name="status"),
        Index("ix_sanctions_rescreen_jobs_open", "id", postgresql_where=text("status <> 'done'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sanctions_list_versions.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(10))
    phase: Mapped[str | None] = mapped_column(String(30))  # the subject source being worked
    cursor: Mapped[str | None] = mapped_column(String(100))  # the last subject key done
    screened: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
