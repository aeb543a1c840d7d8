"""Support's hold on a customer's account (``identity/staff/freezing.py``): while ``frozen_at``
is set the customer may not quote or place an order; who froze it and why.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-06 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("frozen_reason", sa.String(500), nullable=True),
    sa.Column("frozen_by", sa.Uuid(), nullable=True),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("users", column)


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_column("users", column.name)
