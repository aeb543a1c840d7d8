"""Staff search over every order: an index on ``orders (created_at, id)``

``GET /v1/admin/orders`` pages newest first with a cursor over ``(created_at, id)``; without a
filter that narrows it (customer, reference, state), this index keeps each page one short
index scan instead of a sort of the whole table.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_created_at_id", "orders", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_orders_created_at_id", table_name="orders")
