"""Run the Alembic migrations programmatically (``onramp migrate``, the dev stack, the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from onramp.core.settings import REPO_ROOT, Settings


def alembic_config(database_url: str, settings: Settings | None = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    # Data migrations that seal existing personal data need the HSM settings (0013).
    config.attributes["settings"] = settings
    return config


def upgrade(database_url: str, revision: str = "head", *, settings: Settings | None = None) -> None:
    command.upgrade(alembic_config(database_url, settings), revision)


def downgrade(database_url: str, revision: str, *, settings: Settings | None = None) -> None:
    command.downgrade(alembic_config(database_url, settings), revision)
