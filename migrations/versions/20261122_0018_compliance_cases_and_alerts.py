"""Compliance cases and the alerts they group

Adds ``compliance_cases`` (at most one open case per customer, by a partial unique index) and
``compliance_alerts`` (each finding once, by ``dedupe_key``; evidence as codes, scores and row
ids, never personal data in clear). New tables only.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-22 07:35:39.657663
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "severity IN ('low', 'medium', 'high')", name=op.f("ck_compliance_cases_severity")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_compliance_cases_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_cases")),
    )
    op.create_index(
        op.f("ix_compliance_cases_customer_id"), "compliance_cases", ["customer_id"], unique=False
    )
    op.create_index(
        "uq_compliance_cases_open_per_customer",
        "compliance_cases",
        ["customer_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "compliance_alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=100), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('hold', 'alert')", name=op.f("ck_compliance_alerts_action")),
        sa.CheckConstraint(
            "severity IN ('low', 'medium', 'high')", name=op.f("ck_compliance_alerts_severity")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["compliance_cases.id"],
            name=op.f("fk_compliance_alerts_case_id_compliance_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_compliance_alerts_dedupe_key")),
    )
    op.create_index(
        op.f("ix_compliance_alerts_case_id"), "compliance_alerts", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_compliance_alerts_customer_id"), "compliance_alerts", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_compliance_alerts_order_id"), "compliance_alerts", ["order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_compliance_alerts_order_id"), table_name="compliance_alerts")
    op.drop_index(op.f("ix_compliance_alerts_customer_id"), table_name="compliance_alerts")
    op.drop_index(op.f("ix_compliance_alerts_case_id"), table_name="compliance_alerts")
    op.drop_table("compliance_alerts")
    op.drop_index(
        "uq_compliance_cases_open_per_customer",
        table_name="compliance_cases",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.drop_index(op.f("ix_compliance_cases_customer_id"), table_name="compliance_cases")
    op.drop_table("compliance_cases")
