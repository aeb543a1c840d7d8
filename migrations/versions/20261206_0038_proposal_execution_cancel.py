"""Proposal execution cancel: a treasurer may cancel a proposal whose execution is stuck

``rebalancing_proposals.cancel_requested_at`` records the request; the treasury worker then
replaces the stored execution (same nonce of the gas key, higher fees) with a transfer of
nothing to itself. Whichever the chain mines decides: the cancel (the proposal is cancelled)
or the execution (it was too late: the proposal is executed).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 06:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "rebalancing_proposals",
        sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("rebalancing_proposals", "cancel_requested_at")
