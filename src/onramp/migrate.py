"""Run the Alembic migrations programmatically (``onramp migrate``, the dev stack, the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from onramp.core.settings import REPO_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
