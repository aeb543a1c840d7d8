"""Compliance case work: comments, evidence attachments, decisions

Adds ``compliance_case_comments`` (the officer's note, sealed) and
``compliance_case_attachments`` (evidence bytes sealed, with size, content type and sha256), and
to ``compliance_cases`` the decision's data (orders released or rejected) and the four-eyes
approval a release may be waiting for. New tables and nullable columns only.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-22 07:40:04.806339
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_case_attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename_sealed", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "size_bytes > 0", name=op.f("ck_compliance_case_attachments_size_bytes")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["compliance_cases.id"],
            name=op.f("fk_compliance_case_attachments_case_id_compliance_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_case_attachments")),
    )
    op.create_index(
        op.f("ix_compliance_case_attachments_case_id"),
        "compliance_case_attachments",
        ["case_id"],
        unique=False,
    )
    op.create_table(
        "compliance_case_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["compliance_cases.id"],
            name=op.f("fk_compliance_case_comments_case_id_compliance_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_case_comments")),
    )
    op.create_index(
        op.f("ix_compliance_case_comments_case_id"),
        "compliance_case_comments",
        ["case_id"],
        unique=False,
    )
    op.add_column(
        "compliance_cases",
        sa.Column("decision_data", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column("compliance_cases", sa.Column("pending_approval_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("compliance_cases", "pending_approval_id")
    op.drop_column("compliance_cases", "decision_data")
    op.drop_index(
        op.f("ix_compliance_case_comments_case_id"), table_name="compliance_case_comments"
    )
    op.drop_table("compliance_case_comments")
    op.drop_index(
        op.f("ix_compliance_case_attachments_case_id"), table_name="compliance_case_attachments"
    )
    op.drop_table("compliance_case_attachments")
