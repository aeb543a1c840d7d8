"""Wallet withdrawals: USDC a customer moves out of their custodial UserWallet

``wallet_withdrawals`` holds each request (customer, wallet, destination, amount, status
requested -> signed -> broadcast -> confirmed | failed), unique per customer and Idempotency-Key,
with the stored transactions that deploy the wallet (when needed) and call its
``transferToken``.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wallet_withdrawals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("wallet_address", sa.String(length=42), nullable=False),
        sa.Column("to_address", sa.String(length=42), nullable=False),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("deploy_tx_id", sa.Uuid(), nullable=True),
        sa.Column("tx_id", sa.Uuid(), nullable=True),
        sa.Column("tx_hash", sa.LargeBinary(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.Column("failure", sa.String(length=300), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_wallet_withdrawals_amount_positive")),
        sa.CheckConstraint(
            "status IN ('requested', 'signed', 'broadcast', 'confirmed', 'failed')",
            name=op.f("ck_wallet_withdrawals_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["deploy_tx_id"],
            ["chain_transactions.id"],
            name=op.f("fk_wallet_withdrawals_deploy_tx_id_chain_transactions"),
        ),
        sa.ForeignKeyConstraint(
            ["tx_id"],
            ["chain_transactions.id"],
            name=op.f("fk_wallet_withdrawals_tx_id_chain_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_withdrawals")),
        sa.UniqueConstraint(
            "customer_id", "idempotency_key", name=op.f("uq_wallet_withdrawals_customer_id")
        ),
    )
    op.create_index(
        "ix_wallet_withdrawals_open",
        "wallet_withdrawals",
        ["created_at"],
        postgresql_where=sa.text("status IN ('requested', 'signed', 'broadcast')"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_wallet_withdrawals_open",
        table_name="wallet_withdrawals",
        postgresql_where=sa.text("status IN ('requested', 'signed', 'broadcast')"),
    )
    op.drop_table("wallet_withdrawals")
