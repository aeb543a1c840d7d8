"""The keyring inside an Alembic migration that seals (or opens) existing rows.

Migrations run on a synchronous connection in their own transaction; this reads the data keys
through that connection (creating the first ones when asked) and unwraps them in the HSM named
by the settings: ``onramp.core.db.migrate.upgrade(settings=...)`` hands them over, else
``ONRAMP_*``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from onramp.core.keys.hsm import Hsm
from onramp.core.keys.keyring import PURPOSES, Keyring, WrappedKey
from onramp.core.settings import Settings, load_settings


def migration_settings() -> Settings:
    settings: Settings | None = context.config.attributes.get("settings")
    return settings or load_settings()


def migration_keyring(bind: sa.Connection, *, create: bool) -> Keyring:
    hsm = Hsm.connect(migration_settings().data_key_hsm)
    rows = bind.execute(
        sa.text("SELECT id, purpose, wrapped, kek_label, active FROM data_keys ORDER BY id")
    ).all()
    have = {r.purpose for r in rows if r.active}
    if create and len(have) < len(PURPOSES):
        kek = hsm.current_kek()
        for purpose in PURPOSES:
            if purpose not in have:
                _, wrapped = hsm.generate_data_key(kek)
                bind.execute(
                    sa.text(
                        "INSERT INTO data_keys (purpose, wrapped, kek_label, active) "
                        "VALUES (:p, :w, :k, true)"
                    ),
                    {"p": purpose, "w": wrapped, "k": kek},
                )
        return migration_keyring(bind, create=False)
    return Keyring.unwrapped(
        [WrappedKey(r.id, r.purpose, r.wrapped, r.kek_label, r.active) for r in rows], hsm.unwrap
    )
