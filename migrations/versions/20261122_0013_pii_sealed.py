"""personal data sealed: data keys wrapped in the HSM; users.email and full_name encrypted

Adds ``data_keys`` and replaces ``users.email`` / ``users.full_name`` (plaintext) with
``email_sealed`` + ``email_index`` (blind index, unique) and ``full_name_sealed``. TOTP secrets
(``mfa_totp.secret_sealed``, sealed until now with ``ONRAMP_AUTH__SECRETS_KEY``) are re-sealed
with the data keys.

Existing rows are sealed here, in the migration's transaction: when ``users`` has rows, the
migration connects to the HSM from the settings (``ONRAMP_HSM__*``, or those handed over by
``onramp.core.db.migrate.upgrade(settings=...)``), creates the first data keys and seals every
row. An empty database (a new installation) needs no HSM: the first process to start makes the keys.
Failed-login counters keyed by the old unkeyed email hash are dropped (they only throttle).

Revision ID: 0013
Revises: 0012 (the integrator re-chains it after 0011/0012)
Create Date: 2026-11-22 05:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from onramp.core.crypto import SecretBox
from onramp.core.keys.envelope import field_context
from onramp.core.keys.migration_keyring import migration_keyring, migration_settings

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMAIL_INDEX_DOMAIN = "users.email"  # as in identity.models.User.email


def _legacy_box() -> SecretBox:
    return SecretBox.from_base64(migration_settings().auth.secrets_key.get_secret_value())


def _legacy_totp_context(user_id: Any) -> bytes:
    return b"mfa-totp:" + user_id.bytes  # as identity/mfa/service.py bound them before 0013


def _totp_context(user_id: Any) -> bytes:
    return field_context("mfa_totp", "secret", user_id)


def _seal_existing_users(bind: sa.Connection) -> None:
    users = bind.execute(sa.text("SELECT id, email, full_name FROM users")).all()
    if not users:
        return
    keyring = migration_keyring(bind, create=True)
    for user in users:
        email = user.email.strip().lower()
        bind.execute(
            sa.text(
                "UPDATE users SET email_sealed = :e, email_index = :i, full_name_sealed = :n "
                "WHERE id = :id"
            ),
            {
                "id": user.id,
                "e": keyring.seal(email, context=field_context("users", "email", user.id)),
                "i": keyring.blind_index(email, domain=EMAIL_INDEX_DOMAIN),
                "n": keyring.seal(
                    user.full_name, context=field_context("users", "full_name", user.id)
                ),
            },
        )
    box = _legacy_box()
    for factor in bind.execute(sa.text("SELECT user_id, secret_sealed FROM mfa_totp")).all():
        secret = box.open(factor.secret_sealed, context=_legacy_totp_context(factor.user_id))
        bind.execute(
            sa.text("UPDATE mfa_totp SET secret_sealed = :s WHERE user_id = :id"),
            {
                "id": factor.user_id,
                "s": keyring.seal(secret.decode(), context=_totp_context(factor.user_id)),
            },
        )


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("kek_label", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("rewrapped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_keys")),
    )
    op.create_index(
        "uq_data_keys_active_purpose",
        "data_keys",
        ["purpose"],
        unique=True,
        postgresql_where=sa.text("active"),
    )
    op.add_column("users", sa.Column("email_sealed", sa.LargeBinary(), nullable=True))
    op.add_column("users", sa.Column("email_index", sa.LargeBinary(length=16), nullable=True))
    op.add_column("users", sa.Column("full_name_sealed", sa.LargeBinary(), nullable=True))
    _seal_existing_users(op.get_bind())
    op.execute("DELETE FROM login_throttles WHERE scope = 'account'")
    op.drop_constraint(op.f("uq_users_email"), "users", type_="unique")
    op.drop_column("users", "email")
    op.drop_column("users", "full_name")
    for column in ("email_sealed", "email_index", "full_name_sealed"):
        op.alter_column("users", column, nullable=False)
    op.create_unique_constraint(op.f("uq_users_email_index"), "users", ["email_index"])


def _open_existing_users(bind: sa.Connection) -> None:
    users = bind.execute(sa.text("SELECT id, email_sealed, full_name_sealed FROM users")).all()
    if not users:
        return
    keyring = migration_keyring(bind, create=False)
    for user in users:
        plain: dict[str, Any] = {
            "id": user.id,
            "e": keyring.open(user.email_sealed, context=field_context("users", "email", user.id)),
            "n": keyring.open(
                user.full_name_sealed, context=field_context("users", "full_name", user.id)
            ),
        }
        bind.execute(sa.text("UPDATE users SET email = :e, full_name = :n WHERE id = :id"), plain)
    box = _legacy_box()
    for factor in bind.execute(sa.text("SELECT user_id, secret_sealed FROM mfa_totp")).all():
        secret = keyring.open(factor.secret_sealed, context=_totp_context(factor.user_id))
        bind.execute(
            sa.text("UPDATE mfa_totp SET secret_sealed = :s WHERE user_id = :id"),
            {
                "id": factor.user_id,
                "s": box.seal(secret.encode(), context=_legacy_totp_context(factor.user_id)),
            },
        )


def downgrade() -> None:
    op.add_column("users", sa.Column("email", sa.String(length=320), nullable=True))
    op.add_column("users", sa.Column("full_name", sa.String(length=200), nullable=True))
    _open_existing_users(op.get_bind())
    op.execute("DELETE FROM login_throttles WHERE scope = 'account'")
    op.drop_constraint(op.f("uq_users_email_index"), "users", type_="unique")
    for column in ("email_sealed", "email_index", "full_name_sealed"):
        op.drop_column("users", column)
    op.alter_column("users", "email", nullable=False)
    op.alter_column("users", "full_name", nullable=False)
    op.create_unique_constraint(op.f("uq_users_email"), "users", ["email"])
    op.drop_index("uq_data_keys_active_purpose", table_name="data_keys")
    op.drop_table("data_keys")
