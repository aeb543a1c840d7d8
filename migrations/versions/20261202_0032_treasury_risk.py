"""Treasury risk: the payout gate's allowances and the payouts' circuit breaker

``treasury_payout_allowances`` records each payout the treasury's gate let through to signing
(order, customer, amount, when): the per-customer and all-payouts 24 h limits sum over it.
``treasury_circuit_breaker`` is one row (closed / open / resuming, why, what tripped it, the
evidence, whether it paused the vault); it starts closed.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "treasury_payout_allowances",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_treasury_payout_allowances")),
    )
    op.create_index(
        "ix_treasury_payout_allowances_at", "treasury_payout_allowances", ["allowed_at"]
    )
    op.create_index(
        "ix_treasury_payout_allowances_customer",
        "treasury_payout_allowances",
        ["customer_id", "allowed_at"],
    )
    op.create_table(
        "treasury_circuit_breaker",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("trigger", sa.String(length=50), nullable=True),
        sa.Column("opened_by", sa.String(length=200), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("vault_paused", sa.Boolean(), nullable=False),
        sa.Column("resume_approval_id", sa.Uuid(), nullable=True),
        sa.Column("resumed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_treasury_circuit_breaker_single_row")),
        sa.CheckConstraint(
            "state IN ('closed', 'open', 'resuming')",
            name=op.f("ck_treasury_circuit_breaker_state_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treasury_circuit_breaker")),
    )
    op.execute(
        "INSERT INTO treasury_circuit_breaker (id, state, evidence, vault_paused, closed_at) "
        "VALUES (1, 'closed', '{}', false, now())"
    )


def downgrade() -> None:
    op.drop_table("treasury_circuit_breaker")
    op.drop_index("ix_treasury_payout_allowances_customer", table_name="treasury_payout_allowances")
    op.drop_index("ix_treasury_payout_allowances_at", table_name="treasury_payout_allowances")
    op.drop_table("treasury_payout_allowances")
