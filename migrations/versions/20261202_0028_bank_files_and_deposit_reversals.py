"""Bank files and deposit reversals: every form a bank reports in feeds one deposit inbox

``bank_files`` records each imported statement file once by its sha256 (re-importing it changes
nothing). ``deposits`` gains ``source`` (how the bank first told us: webhook, camt.054, camt.053,
camt.052, mt940, bai2; existing rows came by webhook), the payer's ``end_to_end_id`` (how a return
names what it returns) and ``returned_at``. ``deposit_reversals`` holds every booking that takes
back a credit, once per bank entry, with how it was settled.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 13:54:46.752287
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("bank", sa.String(length=50), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("counts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('cli', 'drop_folder')", name=op.f("ck_bank_files_source_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_bank_files_sha256")),
    )
    op.create_table(
        "deposit_reversals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bank", sa.String(length=50), nullable=False),
        sa.Column("bank_entry_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("original_entry_id", sa.String(length=200), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=140), nullable=True),
        sa.Column("return_reason", sa.String(length=35), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("deposit_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=50), nullable=True),
        sa.Column("debited_account", sa.String(length=120), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('received', 'booked', 'review', 'unknown')",
            name=op.f("ck_deposit_reversals_status_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deposit_reversals_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposit_reversals")),
        sa.UniqueConstraint("bank", "bank_entry_id", name="uq_deposit_reversals_bank_entry"),
    )
    op.create_index(
        op.f("ix_deposit_reversals_deposit_id"), "deposit_reversals", ["deposit_id"], unique=False
    )
    op.add_column(
        "deposits",
        sa.Column("source", sa.String(length=20), server_default="webhook", nullable=False),
    )
    op.add_column("deposits", sa.Column("end_to_end_id", sa.String(length=140), nullable=True))
    op.add_column("deposits", sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_deposits_bank_end_to_end_id", "deposits", ["bank", "end_to_end_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_deposits_bank_end_to_end_id", table_name="deposits")
    op.drop_column("deposits", "returned_at")
    op.drop_column("deposits", "end_to_end_id")
    op.drop_column("deposits", "source")
    op.drop_index(op.f("ix_deposit_reversals_deposit_id"), table_name="deposit_reversals")
    op.drop_table("deposit_reversals")
    op.drop_table("bank_files")
