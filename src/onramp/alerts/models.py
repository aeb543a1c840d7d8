"""The alerts' tables: one row per (rule, group) while it is open, kept as history once
resolved; the silences; and each channel's delivery of each state change."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class AlertState(StrEnum):
    PENDING = "pending"  # the check fails, not yet for the rule's ``for`` duration
    FIRING = "firing"
    ACKNOWLEDGED = "acknowledged"  # a person is on it; still open
    RESOLVED = "resolved"  # the check cleared, or a person resolved it


OPEN_STATES = (AlertState.PENDING.value, AlertState.FIRING.value, AlertState.ACKNOWLEDGED.value)


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DEAD = "dead"  # given up on after the last attempt: the dead-letter record


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(60))
    group_key: Mapped[str] = mapped_column(String(120))  # a wallet, a status, a type ...
    state: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(String(500))
    value: Mapped[str] = mapped_column(String(60))  # what the check measured, as text
    runbook: Mapped[str] = mapped_column(String(200))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    evaluations: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(80))  # "system:alerts" when cleared
    silenced_by: Mapped[uuid.UUID | None] = mapped_column()  # the silence that held it back

    __table_args__ = (
        # Deduplicated: one open alert per rule and group; firing again updates it.
        Index(
            "uq_alerts_open_per_group",
            "rule",
            "group_key",
            unique=True,
            postgresql_where=text("state IN ('pending', 'firing', 'acknowledged')"),
        ),
        Index("ix_alerts_state", "state"),
    )


class AlertSilence(Base):
    """No delivery for the rule (and group, if given) until ``ends_at``; the alerts are kept."""

    __tablename__ = "alert_silences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(60))
    group_key: Mapped[str | None] = mapped_column(String(120))  # none: every group
    reason: Mapped[str] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))

    __table_args__ = (Index("ix_alert_silences_ends_at", "ends_at"),)


class AlertDelivery(Base):
    """One state change (``firing``, ``resolved``) of one alert to one channel: sent once."""

    __tablename__ = "alert_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id"))
    channel: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, object]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "event", name="uq_alert_deliveries_change"),
        Index(
            "ix_alert_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'queued'"),
        ),
    )
