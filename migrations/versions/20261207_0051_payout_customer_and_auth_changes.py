"""Payouts carry their order's customer (the treasury's gate limits per customer without reading
orders back), and a change to what lets a caller in (a session signed out or revoked, an API key
revoked or re-scoped, a user's role, deactivation or erasure) is announced on ``auth_changed`` so
every API process drops its cached lookups at once.

Revision ID: 0051
Revises: 0049
Create Date: 2026-12-07 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051"
down_revision: str | None = "0049"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the columns whose change must reach every cache (never ``last_used_at``: a key's
# touch is not a change of what it may do).
WATCHED = {
    "auth_sessions": ("revoked_at", "expires_at", "mfa_at", "user_id"),
    "api_keys": ("revoked_at", "expires_at", "scopes", "secret_hash", "user_id"),
    "users": ("role", "deactivated_at", "erased_at"),
}


def upgrade() -> None:
    op.add_column("payouts", sa.Column("customer_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE payouts p SET customer_id = o.customer_id FROM orders o WHERE o.id = p.order_id"
    )
    op.execute(
        """
        CREATE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('auth_changed', TG_TABLE_NAME || ':' || OLD.id::text);
            RETURN NULL;
        END $$
        """
    )
    for table, columns in WATCHED.items():
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        op.execute(
            f"CREATE TRIGGER {table}_auth_changed AFTER UPDATE ON {table} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION notify_auth_changed()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_auth_deleted AFTER DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION notify_auth_changed()"
        )


def downgrade() -> None:
    for table in WATCHED:
        op.execute(f"DROP TRIGGER {table}_auth_deleted ON {table}")
        op.execute(f"DROP TRIGGER {table}_auth_changed ON {table}")
    op.execute("DROP FUNCTION notify_auth_changed()")
    op.drop_column("payouts", "customer_id")
