"""Controlled addresses: the operator's own addresses and the system's contracts, which no
customer may name as a payout or withdrawal destination

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "controlled_addresses",
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("address"),
    )


def downgrade() -> None:
    op.drop_table("controlled_addresses")
