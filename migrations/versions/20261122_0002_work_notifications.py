"""Wake workers by NOTIFY when work is written: outbox rows, queued payouts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, channel). Statement-level, and NOTIFY folds duplicates within a transaction: one
# notification per committing transaction however many rows it wrote.
CHANNELS = (("outbox", "onramp_outbox"), ("payouts", "onramp_payouts"))


def upgrade() -> None:
    for table, channel in CHANNELS:
        op.execute(
            f"""
            CREATE FUNCTION {table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{channel}', '');
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_notify AFTER INSERT ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_notify()"
        )


def downgrade() -> None:
    for table, _ in CHANNELS:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_notify()")
