"""Deposit matching: standing references, how each deposit was matched, orders without quotes

``standing_references`` holds each customer's permanent creditor reference (one active per
customer). ``deposits`` gains whose money it is (``customer_id``), how it was matched, the order
a held deposit was probably meant for, and who resolved it from the suspense work queue; matched
deposits of earlier revisions are back-filled from their expectations. Orders placed by money
itself (a standing reference, a late payment) have no quote: ``quote_id`` and
``quoted_target_amount`` become nullable and ``origin`` says where an order came from.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 13:52:19.775412
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "standing_references",
        sa.Column("creditor_reference", sa.String(length=25), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("destination_address", sa.String(length=42), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("creditor_reference", name=op.f("pk_standing_references")),
    )
    op.create_index(
        op.f("ix_standing_references_customer_id"),
        "standing_references",
        ["customer_id"],
        unique=False,
    )
    op.create_index(
        "uq_standing_references_active",
        "standing_references",
        ["customer_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.add_column("deposits", sa.Column("customer_id", sa.Uuid(), nullable=True))
    op.add_column("deposits", sa.Column("match_method", sa.String(length=30), nullable=True))
    op.add_column("deposits", sa.Column("suggested_order_id", sa.Uuid(), nullable=True))
    op.add_column("deposits", sa.Column("resolved_by", sa.String(length=100), nullable=True))
    op.add_column("deposits", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_deposits_customer_id"), "deposits", ["customer_id"], unique=False)
    op.create_index(
        "ix_deposits_unmatched",
        "deposits",
        ["received_at"],
        unique=False,
        postgresql_where=sa.text("status = 'unmatched'"),
    )
    op.execute(
        "UPDATE deposits d SET customer_id = e.customer_id, match_method = 'reference' "
        "FROM deposit_expectations e WHERE e.deposit_id = d.id"
    )
    op.add_column(
        "orders", sa.Column("origin", sa.String(length=30), server_default="quote", nullable=False)
    )
    op.alter_column("orders", "quote_id", existing_type=sa.UUID(), nullable=True)
    op.alter_column(
        "orders",
        "quoted_target_amount",
        existing_type=sa.NUMERIC(precision=78, scale=0),
        nullable=True,
    )


def downgrade() -> None:
    # Orders without a quote cannot exist before this revision, and are records of money.
    found = op.get_bind().scalar(sa.text("SELECT count(*) FROM orders WHERE quote_id IS NULL"))
    if found:
        raise RuntimeError(f"{found} orders have no quote: settle them before downgrading")
    op.alter_column(
        "orders",
        "quoted_target_amount",
        existing_type=sa.NUMERIC(precision=78, scale=0),
        nullable=False,
    )
    op.alter_column("orders", "quote_id", existing_type=sa.UUID(), nullable=False)
    op.drop_column("orders", "origin")
    op.drop_index(
        "ix_deposits_unmatched",
        table_name="deposits",
        postgresql_where=sa.text("status = 'unmatched'"),
    )
    op.drop_index(op.f("ix_deposits_customer_id"), table_name="deposits")
    op.drop_column("deposits", "resolved_at")
    op.drop_column("deposits", "resolved_by")
    op.drop_column("deposits", "suggested_order_id")
    op.drop_column("deposits", "match_method")
    op.drop_column("deposits", "customer_id")
    op.drop_index(
        "uq_standing_references_active",
        table_name="standing_references",
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.drop_index(op.f("ix_standing_references_customer_id"), table_name="standing_references")
    op.drop_table("standing_references")
