"""A deposit keeps its whole remittance text (up to 4,000 characters, not 300): banks split long
remittance information over several lines (camt ``Ustrd`` repeats, MT940 :86: holds six lines of
65), and an RF reference after the 300th character was cut off, leaving the deposit unmatched.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column(
        "deposits", "reference_text", type_=sa.String(4000), existing_type=sa.String(300)
    )


def downgrade() -> None:
    op.execute("UPDATE deposits SET reference_text = left(reference_text, 300)")
    op.alter_column(
        "deposits", "reference_text", type_=sa.String(300), existing_type=sa.String(4000)
    )
