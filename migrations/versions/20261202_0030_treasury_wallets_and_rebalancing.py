"""Treasury wallets and rebalancing: the wallet registry with liquidity policies, proposals

``treasury_wallets`` lists every wallet the operator holds (vault, Safes, HSM keys) with its
tier and policy; ``rebalancing_proposals`` the Safe transactions that move USDC between them (one
open per Safe), ``rebalancing_signatures`` the treasurers' EIP-712 signatures on them, and
``treasury_signers`` which owner key each staff member signs with.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 17:17:42.646920
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rebalancing_proposals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("destination", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("safe_address", sa.String(length=42), nullable=False),
        sa.Column("safe_nonce", sa.BigInteger(), nullable=False),
        sa.Column("tx_to", sa.String(length=42), nullable=False),
        sa.Column("tx_data", sa.LargeBinary(), nullable=False),
        sa.Column("safe_tx_hash", sa.LargeBinary(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("exec_sender", sa.String(length=42), nullable=True),
        sa.Column("exec_tx_hash", sa.LargeBinary(), nullable=True),
        sa.Column("exec_raw", sa.LargeBinary(), nullable=True),
        sa.Column("failure", sa.String(length=300), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rebalancing_proposals")),
    )
    op.create_index(
        "uq_rebalancing_proposals_open_per_safe",
        "rebalancing_proposals",
        ["safe_address"],
        unique=True,
        postgresql_where=sa.text("status IN ('awaiting_signatures', 'ready', 'executing')"),
    )
    op.create_table(
        "treasury_signers",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_treasury_signers")),
        sa.UniqueConstraint("address", name=op.f("uq_treasury_signers_address")),
    )
    op.create_table(
        "treasury_wallets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("min_usdc", sa.Numeric(precision=78, scale=0), nullable=True),
        sa.Column("target_usdc", sa.Numeric(precision=78, scale=0), nullable=True),
        sa.Column("max_usdc", sa.Numeric(precision=78, scale=0), nullable=True),
        sa.Column("min_gas_wei", sa.Numeric(precision=78, scale=0), nullable=True),
        sa.Column("target_gas_wei", sa.Numeric(precision=78, scale=0), nullable=True),
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
        sa.PrimaryKeyConstraint("name", name=op.f("pk_treasury_wallets")),
        sa.UniqueConstraint("address", name=op.f("uq_treasury_wallets_address")),
    )
    op.create_table(
        "rebalancing_signatures",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.String(length=42), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["rebalancing_proposals.id"],
            name=op.f("fk_rebalancing_signatures_proposal_id_rebalancing_proposals"),
        ),
        sa.PrimaryKeyConstraint("proposal_id", "owner", name=op.f("pk_rebalancing_signatures")),
        sa.UniqueConstraint("proposal_id", "user_id", name="uq_rebalancing_signatures_user"),
    )


def downgrade() -> None:
    op.drop_table("rebalancing_signatures")
    op.drop_table("treasury_wallets")
    op.drop_table("treasury_signers")
    op.drop_index(
        "uq_rebalancing_proposals_open_per_safe",
        table_name="rebalancing_proposals",
        postgresql_where=sa.text("status IN ('awaiting_signatures', 'ready', 'executing')"),
    )
    op.drop_table("rebalancing_proposals")
