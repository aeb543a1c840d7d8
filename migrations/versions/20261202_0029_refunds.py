"""Refunds: money returned to the sender of a deposit, and the pain.001 files that carry them

``refunds`` holds each refund (deposit, amount, reason code, status requested -> sent ->
completed | failed), the ledger account its money was taken from, the creditor sealed at request
time, and the sending state (attempts, next attempt, bank payment id, file). ``refund_files``
stores every exported pain.001 before it is written out, so a file is never built twice for the
same refunds.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 13:53:40.380621
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refund_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("schema", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_files")),
        sa.UniqueConstraint("message_id", name=op.f("uq_refund_files_message_id")),
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deposit_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("holding_account", sa.String(length=200), nullable=False),
        sa.Column("bank", sa.String(length=50), nullable=False),
        sa.Column("remittance", sa.String(length=140), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("bank_payment_id", sa.String(length=100), nullable=True),
        sa.Column("file_id", sa.Uuid(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("creditor_name_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("creditor_iban_sealed", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "channel IS NULL OR channel IN ('api', 'pain001_file')",
            name=op.f("ck_refunds_channel_known"),
        ),
        sa.CheckConstraint(
            "reason IN ('order_rejected', 'unmatched', 'excess', 'late_payment', "
            "'order_expired', 'operator_return')",
            name=op.f("ck_refunds_reason_known"),
        ),
        sa.CheckConstraint(
            "status IN ('requested', 'sent', 'completed', 'failed')",
            name=op.f("ck_refunds_status_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refunds_amount_positive")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_refunds_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    op.create_index(op.f("ix_refunds_deposit_id"), "refunds", ["deposit_id"], unique=False)
    op.create_index(
        "ix_refunds_due",
        "refunds",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'requested'"),
    )
    op.create_index(op.f("ix_refunds_file_id"), "refunds", ["file_id"], unique=False)
    op.create_index(op.f("ix_refunds_order_id"), "refunds", ["order_id"], unique=False)
    op.create_index(op.f("ix_refunds_status"), "refunds", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_refunds_status"), table_name="refunds")
    op.drop_index(op.f("ix_refunds_order_id"), table_name="refunds")
    op.drop_index(op.f("ix_refunds_file_id"), table_name="refunds")
    op.drop_index(
        "ix_refunds_due", table_name="refunds", postgresql_where=sa.text("status = 'requested'")
    )
    op.drop_index(op.f("ix_refunds_deposit_id"), table_name="refunds")
    op.drop_table("refunds")
    op.drop_table("refund_files")
