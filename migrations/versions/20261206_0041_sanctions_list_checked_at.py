"""When each sanctions list version was last confirmed current: ``checked_at``

A list is old when nobody has compared it with its publisher for a while, not when it was first
loaded: OFAC may publish nothing new for a week. Loading an unchanged file (by hand or by the
scheduled refresh) moves the latest version's ``checked_at`` to now; production holds orders
when any source's latest version was last checked longer ago than
``compliance.max_list_age_hours``. Existing versions start at their ``loaded_at``.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sanctions_list_versions",
        sa.Column(
            "checked_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.execute("UPDATE sanctions_list_versions SET checked_at = loaded_at")


def downgrade() -> None:
    op.drop_column("sanctions_list_versions", "checked_at")
