"""The ``webhook`` notification channel now governs deliveries: keep them on where saved.

Until now a customer's saved ``notification_channels`` said nothing to the webhooks worker: every
registered endpoint got its events. From this revision a saved list without ``webhook`` stops
them, and the default (no saved list) takes both channels. Lists saved before this revision get
``webhook`` added, so no endpoint goes quiet on the upgrade; a customer turns it off from then on.
Expand-only: the previous code ignores the extra entry.

Revision ID: 0055
Revises: 0054
Create Date: 2026-12-07 11:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0055"
down_revision: str | None = "0054"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE user_preferences"
        " SET notification_channels = notification_channels || '[\"webhook\"]'::jsonb"
        " WHERE NOT notification_channels ? 'webhook'"
    )


def downgrade() -> None:
    # The entry is harmless to the previous code; which lists had it before cannot be told.
    pass
