"""Writer leases and the running versions.

Writer leases with fencing tokens: a single-writer worker (the payout sender per hot wallet,
the audit sealer) holds a row here; each acquisition after the last holder's lease expired
raises the token, and the writer's own transactions check their token (``core/leases.py``), so
a replica that lost its lease can neither sign nor seal.

Running versions: each API and worker process says, every 30 s, which migration head its code
was built for (``core/db/versions.py``); ``onramp migrate --check`` refuses a contract step
while a process of the old colour (another head) is still alive.

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-07 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0054"
down_revision: str | None = "0053"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "writer_leases",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("token", sa.BigInteger, nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("token > 0", name="ck_writer_leases_token_positive"),
    )
    op.create_table(
        "running_versions",
        sa.Column("process", sa.Text, primary_key=True),
        sa.Column("head", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("running_versions")
    op.drop_table("writer_leases")
