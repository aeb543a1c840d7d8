"""Quotes are single-use: ``quotes.used_at`` (set when an order is placed against the quote,
under the quote's row lock) and a unique index on ``orders.quote_id``.

Existing quotes that back an order are marked used at that order's creation. Two orders already
sharing a quote stop the upgrade with their ids (the index cannot hold); settle them first.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("quotes", sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))
    shared = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT quote_id, array_agg(id::text ORDER BY id) AS orders FROM orders "
                "WHERE quote_id IS NOT NULL GROUP BY quote_id HAVING count(*) > 1"
            )
        )
        .all()
    )
    if shared:
        listed = "; ".join(f"quote {q}: orders {', '.join(o)}" for q, o in shared)
        raise RuntimeError(f"orders share a quote, so quotes cannot become single-use: {listed}")
    op.execute(
        "UPDATE quotes SET used_at = o.created_at FROM orders o WHERE o.quote_id = quotes.id"
    )
    op.create_index(
        "ux_orders_quote_id",
        "orders",
        ["quote_id"],
        unique=True,
        postgresql_where=sa.text("quote_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ux_orders_quote_id", table_name="orders")
    op.drop_column("quotes", "used_at")
