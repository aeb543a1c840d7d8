"""Payouts released by compliance after a pre-sign hold

Adds ``payouts.released_at``: set when an officer releases a payout the pre-sign sanctions
check held (a false positive decided on a case), so that check does not hold it again. A payout
of a rejected order becomes ``cancelled`` (a new status value; the column has no constraint).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-22 08:16:04.060576
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payouts", sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("payouts", "released_at")
