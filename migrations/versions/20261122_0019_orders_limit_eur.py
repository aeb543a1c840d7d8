"""Orders record what they count against the customer's KYC tier limits

Adds ``orders.limit_eur``: the order's EUR-equivalent when placed, summed over rolling windows by
``orders/tier_limits/limits.py``. Orders placed before this revision get their source amount at
face value (minor units / 100): exact for EUR orders, an approximation for the others, which only
affects limit sums over the next 30 days.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-22 07:40:28.019548
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("limit_eur", sa.Numeric(precision=20, scale=2)))
    op.execute("UPDATE orders SET limit_eur = round(source_amount / 100.0, 2)")
    op.alter_column("orders", "limit_eur", nullable=False)
    # The limit sums scan one customer's recent orders.
    op.create_index(
        "ix_orders_customer_id_created_at", "orders", ["customer_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_orders_customer_id_created_at", table_name="orders")
    op.drop_column("orders", "limit_eur")
