"""A payout records when its ledger entry was posted (``booked_at``): the risk worker counts a
payout the chain confirmed but the books do not hold yet as in flight, instead of reading the
gap between the confirmation and the orders worker's posting as a break (which paused the vault
under load). A partial index keeps those few rows at hand.

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-07 02:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0052"
down_revision: str | None = "0051"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payouts", sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE payouts p SET booked_at = e.created_at FROM journal_entries e"
        " WHERE p.status = 'confirmed' AND e.kind = 'payout' AND e.reference = p.order_id::text"
    )
    op.create_index(
        "ix_payouts_confirmed_unbooked",
        "payouts",
        ["created_at"],
        postgresql_where=sa.text("status = 'confirmed' AND booked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_payouts_confirmed_unbooked", table_name="payouts")
    op.drop_column("payouts", "booked_at")
