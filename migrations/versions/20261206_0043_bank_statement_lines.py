"""Every booking a bank file reported, kept line by line (``bank_statement_lines``), and
reconciliation's runs and breaks (``recon_runs``, ``recon_breaks``: ``onramp.recon``).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MINOR = sa.Numeric(78, 0)


def upgrade() -> None:
    op.create_table(
        "bank_statement_lines",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("bank", sa.String(50), nullable=False),
        sa.Column("entry_key", sa.String(200), nullable=False),
        sa.Column("account", sa.String(50), nullable=True),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("direction", sa.String(6), nullable=False),
        sa.Column("reversal", sa.Boolean(), nullable=False),
        sa.Column("amount", MINOR, nullable=False),
        sa.Column("currency", sa.String(10), nullable=False),
        sa.Column("end_to_end_id", sa.String(140), nullable=True),
        sa.Column("first_file_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("bank", "entry_key", name="uq_bank_statement_lines_key"),
    )
    op.create_index(
        "ix_bank_statement_lines_booking_date", "bank_statement_lines", ["booking_date"]
    )
    op.create_table(
        "recon_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("run_date", sa.Date(), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("matched", postgresql.JSONB(), nullable=False),
        sa.Column("open_breaks", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "recon_breaks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("run_date", sa.Date(), nullable=False, index=True),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("amount", MINOR, nullable=False),
        sa.Column("currency", sa.String(10), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("state", sa.String(10), nullable=False, index=True),
        sa.Column("first_run_id", sa.Uuid(), nullable=False),
        sa.Column("last_run_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("recon_breaks")
    op.drop_table("recon_runs")
    op.drop_index("ix_bank_statement_lines_booking_date", "bank_statement_lines")
    op.drop_table("bank_statement_lines")
