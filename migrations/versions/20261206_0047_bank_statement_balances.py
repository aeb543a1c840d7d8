"""The booked balances bank files state (``bank_statement_balances``: camt.053 OPBD/CLBD, MT940
:60F:/:62F:), which reconciliation holds against the ledger's bank accounts; and each line's bank
transaction code (``bank_statement_lines.bank_tx_code``), which tells the bank's charges; and
when a break tripped the payouts' circuit breaker (``recon_breaks.tripped_at``).

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0047"
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MINOR = sa.Numeric(78, 0)


def upgrade() -> None:
    op.create_table(
        "bank_statement_balances",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("bank", sa.String(50), nullable=False),
        sa.Column("account", sa.String(50), nullable=False),
        sa.Column("currency", sa.String(10), nullable=False),
        sa.Column("balance_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount", MINOR, nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint(
            "bank", "account", "currency", "balance_date", "kind",
            name="uq_bank_statement_balances_key",
        ),
    )  # fmt: skip
    op.create_index(
        "ix_bank_statement_balances_balance_date", "bank_statement_balances", ["balance_date"]
    )
    op.add_column("bank_statement_lines", sa.Column("bank_tx_code", sa.String(40), nullable=True))
    op.add_column(
        "recon_breaks", sa.Column("tripped_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("recon_breaks", "tripped_at")
    op.drop_column("bank_statement_lines", "bank_tx_code")
    op.drop_index("ix_bank_statement_balances_balance_date", "bank_statement_balances")
    op.drop_table("bank_statement_balances")
