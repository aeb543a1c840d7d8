"""The operators' alerts (``onramp.alerts``): one open row per (rule, group), kept as history
once resolved; silences with their reason; each channel's delivery of each change, with its
attempts (a dead letter after the last).

Revision ID: 0048
Revises: 0046
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0048"
# 0047 may be taken by another branch: the merge re-points this at it.
down_revision: str | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("rule", sa.String(60), nullable=False),
        sa.Column("group_key", sa.String(120), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.Column("runbook", sa.String(200), nullable=False),
        sa.Column("first_seen_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("fired_at", TZ, nullable=True),
        sa.Column("evaluations", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", TZ, nullable=True),
        sa.Column("acknowledged_by", sa.String(80), nullable=True),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.Column("resolved_by", sa.String(80), nullable=True),
        sa.Column("silenced_by", sa.Uuid(), nullable=True),
    )
    op.create_index(
        "uq_alerts_open_per_group",
        "alerts",
        ["rule", "group_key"],
        unique=True,
        postgresql_where=sa.text("state IN ('pending', 'firing', 'acknowledged')"),
    )
    op.create_index("ix_alerts_state", "alerts", ["state"])
    op.create_table(
        "alert_silences",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("rule", sa.String(60), nullable=False),
        sa.Column("group_key", sa.String(120), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
    )
    op.create_index("ix_alert_silences_ends_at", "alert_silences", ["ends_at"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("alert_id", sa.Uuid(), sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.UniqueConstraint("alert_id", "channel", "event", name="uq_alert_deliveries_change"),
    )
    op.create_index(
        "ix_alert_deliveries_due",
        "alert_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'queued'"),
    )


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_silences")
    op.drop_table("alerts")
