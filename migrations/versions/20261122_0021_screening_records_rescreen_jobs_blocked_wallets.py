"""Screening at every point, and re-screening after list updates.

- screening_records: one row per screen (registration, bank-account add, wallet add, deposit,
  payout, re-screen) with its decision, score, list entry and list versions; no personal data.
- sanctions_rescreen_jobs: one job per loaded list version, worked batch by batch with a cursor
  so a crash resumes.
- destination_wallets.blocked_at / blocked_reason: a saved address a list update named; new
  orders may no longer pay it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-22 07:41:06.936102
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("point", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("entry_uid", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("list_versions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('hit', 'clear', 'not_screened')",
            name=op.f("ck_screening_records_decision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_records")),
    )
    op.create_index(
        op.f("ix_screening_records_customer_id"), "screening_records", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_screening_records_subject",
        "screening_records",
        ["subject_type", "subject_id"],
        unique=False,
    )
    op.create_table(
        "sanctions_rescreen_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("phase", sa.String(length=30), nullable=True),
        sa.Column("cursor", sa.String(length=100), nullable=True),
        sa.Column("screened", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done')",
            name=op.f("ck_sanctions_rescreen_jobs_status"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sanctions_list_versions.id"],
            name=op.f("fk_sanctions_rescreen_jobs_version_id_sanctions_list_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanctions_rescreen_jobs")),
        sa.UniqueConstraint("version_id", name=op.f("uq_sanctions_rescreen_jobs_version_id")),
    )
    op.create_index(
        "ix_sanctions_rescreen_jobs_open",
        "sanctions_rescreen_jobs",
        ["id"],
        unique=False,
        postgresql_where=sa.text("status <> 'done'"),
    )
    op.add_column(
        "destination_wallets", sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "destination_wallets", sa.Column("blocked_reason", sa.String(length=300), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("destination_wallets", "blocked_reason")
    op.drop_column("destination_wallets", "blocked_at")
    op.drop_index(
        "ix_sanctions_rescreen_jobs_open",
        table_name="sanctions_rescreen_jobs",
        postgresql_where=sa.text("status <> 'done'"),
    )
    op.drop_table("sanctions_rescreen_jobs")
    op.drop_index("ix_screening_records_subject", table_name="screening_records")
    op.drop_index(op.f("ix_screening_records_customer_id"), table_name="screening_records")
    op.drop_table("screening_records")
