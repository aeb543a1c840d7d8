"""The circuit breaker points at its stored pause and unpause transactions

``pause_tx_id`` / ``unpause_tx_id``: the guardian's last ``pause()`` / ``unpause()``, stored in
``chain_transactions`` before it was sent, so the breaker recognises its own pause by the chain's
answer for that transaction (or a fee-bumped replacement at its nonce), whatever happened in
between. ``vault_paused_elsewhere``: the vault is paused, and not by the breaker (the admin Safe).

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "treasury_circuit_breaker"


def upgrade() -> None:
    for column in ("pause_tx_id", "unpause_tx_id"):
        op.add_column(TABLE, sa.Column(column, sa.Uuid(), nullable=True))
        op.create_foreign_key(
            op.f(f"fk_{TABLE}_{column}_chain_transactions"),
            TABLE,
            "chain_transactions",
            [column],
            ["id"],
        )
    op.add_column(
        TABLE,
        sa.Column(
            "vault_paused_elsewhere", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column(TABLE, "vault_paused_elsewhere")
    for column in ("unpause_tx_id", "pause_tx_id"):
        op.drop_constraint(
            op.f(f"fk_{TABLE}_{column}_chain_transactions"), TABLE, type_="foreignkey"
        )
        op.drop_column(TABLE, column)
