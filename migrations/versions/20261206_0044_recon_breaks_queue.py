"""The breaks queue (``onramp.recon``): who works a break, how it was resolved, the four-eyes
request and adjusting entry of a resolution that posts one, the bank of each break (until now
only in its key), and comments on breaks (``recon_break_comments``).

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    sa.Column("bank", sa.String(50), nullable=True),
    sa.Column("assignee_id", sa.Uuid(), nullable=True),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("resolved_by", sa.String(100), nullable=True),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("resolution", sa.String(500), nullable=True),
    sa.Column("approval_id", sa.Uuid(), nullable=True),
    sa.Column("approved_by", sa.String(100), nullable=True),
    sa.Column("adjusting_entry_id", sa.Uuid(), nullable=True),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("recon_breaks", column)
    # The key is type:source:bank:reference.
    op.execute("UPDATE recon_breaks SET bank = split_part(key, ':', 3)")
    op.create_index("ix_recon_breaks_assignee_id", "recon_breaks", ["assignee_id"])
    op.create_table(
        "recon_break_comments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("break_id", sa.Uuid(), sa.ForeignKey("recon_breaks.id"), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_recon_break_comments_break_id", "recon_break_comments", ["break_id"])


def downgrade() -> None:
    op.drop_index("ix_recon_break_comments_break_id", "recon_break_comments")
    op.drop_table("recon_break_comments")
    op.drop_index("ix_recon_breaks_assignee_id", "recon_breaks")
    for column in reversed(COLUMNS):
        op.drop_column("recon_breaks", column.name)
