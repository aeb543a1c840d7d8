"""Payout transaction replacement: a stuck transaction gets a copy with higher fees

``chain_transactions.replaces_id`` links a replacement to the transaction it supersedes, which
keeps its row with status ``replaced``; the unique (sender, nonce) becomes unique among the
transactions that are not replaced.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 17:23:24.673989
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("chain_transactions", sa.Column("replaces_id", sa.Uuid(), nullable=True))
    op.drop_constraint(
        op.f("uq_chain_transactions_sender_nonce"), "chain_transactions", type_="unique"
    )
    op.create_index(
        "uq_chain_transactions_sender_nonce_live",
        "chain_transactions",
        ["sender", "nonce"],
        unique=True,
        postgresql_where=sa.text("status <> 'replaced'"),
    )
    op.create_foreign_key(
        op.f("fk_chain_transactions_replaces_id_chain_transactions"),
        "chain_transactions",
        "chain_transactions",
        ["replaces_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_chain_transactions_replaces_id_chain_transactions"),
        "chain_transactions",
        type_="foreignkey",
    )
    op.drop_index(
        "uq_chain_transactions_sender_nonce_live",
        table_name="chain_transactions",
        postgresql_where=sa.text("status <> 'replaced'"),
    )
    op.create_unique_constraint(
        op.f("uq_chain_transactions_sender_nonce"),
        "chain_transactions",
        ["sender", "nonce"],
        postgresql_nulls_not_distinct=False,
    )
    op.drop_column("chain_transactions", "replaces_id")
