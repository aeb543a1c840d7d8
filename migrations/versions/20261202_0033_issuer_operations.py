"""Issuer operations: the treasury's mints and redeems with the USDC issuer

``issuer_operations`` holds each mint (fiat wired in, USDC minted to a treasury address) and
redeem (USDC sent back and burned, fiat wired out): the caller's idempotency key (unique), the
amount in USDC base units, the status, the issuer's ids (wire bank account, tracking ref,
recipient address, transfer, payout) and the transaction hash.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 17:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "status NOT IN ('completed', 'failed', 'needs_review')"


def upgrade() -> None:
    op.create_table(
        "issuer_operations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("destination", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bank_account_id", sa.String(length=100), nullable=True),
        sa.Column("tracking_ref", sa.String(length=50), nullable=True),
        sa.Column("recipient_id", sa.String(length=100), nullable=True),
        sa.Column("deposit_address", sa.String(length=100), nullable=True),
        sa.Column("transfer_id", sa.String(length=100), nullable=True),
        sa.Column("payout_id", sa.String(length=100), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=True),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "kind IN ('mint', 'redeem')", name=op.f("ck_issuer_operations_kind_known")
        ),
        sa.CheckConstraint(
            "status IN ('requested', 'wire_sent', 'transfer_pending', 'usdc_sending', "
            "'usdc_sent', 'payout_pending', 'completed', 'failed', 'needs_review')",
            name=op.f("ck_issuer_operations_status_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_issuer_operations_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuer_operations")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_issuer_operations_idempotency_key")),
    )
    op.create_index(
        op.f("ix_issuer_operations_status"), "issuer_operations", ["status"], unique=False
    )
    op.create_index(
        "ix_issuer_operations_open",
        "issuer_operations",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text(_OPEN),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_issuer_operations_open", table_name="issuer_operations", postgresql_where=sa.text(_OPEN)
    )
    op.drop_index(op.f("ix_issuer_operations_status"), table_name="issuer_operations")
    op.drop_table("issuer_operations")
