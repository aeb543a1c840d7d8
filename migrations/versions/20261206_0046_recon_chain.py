"""The chain side of reconciliation (``onramp.recon``): the reader's cursors (one per stream:
a contract's events or a wallet's transfers, with the hash of the last block read, so a reorg
is seen), the events it read, and each wallet's USDC balance at the block it stopped at.

Revision ID: 0046
Revises: 0044
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0046"
# 0045 may be taken by another branch: the merge re-points this at it.
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MINOR = sa.Numeric(78, 0)


def upgrade() -> None:
    op.create_table(
        "recon_chain_cursors",
        sa.Column("stream", sa.String(100), primary_key=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.LargeBinary(), nullable=False),
        sa.Column("block_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "recon_chain_events",
        sa.Column("stream", sa.String(100), primary_key=True),
        sa.Column("tx_hash", sa.LargeBinary(), primary_key=True),
        sa.Column("log_index", sa.Integer(), primary_key=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wallet", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("counterparty", sa.String(42), nullable=False),
        sa.Column("amount", MINOR, nullable=False),
    )
    op.create_index("ix_recon_chain_events_block_number", "recon_chain_events", ["block_number"])
    op.create_index("ix_recon_chain_events_block_time", "recon_chain_events", ["block_time"])
    op.create_index("ix_recon_chain_events_order_id", "recon_chain_events", ["order_id"])
    op.create_table(
        "recon_chain_balances",
        sa.Column("wallet", sa.String(40), primary_key=True),
        sa.Column("block_number", sa.BigInteger(), primary_key=True),
        sa.Column("block_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("balance", MINOR, nullable=False),
    )
    op.create_index("ix_recon_chain_balances_block_time", "recon_chain_balances", ["block_time"])


def downgrade() -> None:
    op.drop_table("recon_chain_balances")
    op.drop_table("recon_chain_events")
    op.drop_table("recon_chain_cursors")
