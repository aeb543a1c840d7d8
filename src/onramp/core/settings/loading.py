"""Reading the settings: the environment, then a running dev stack's ``stack.json`` and its
secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from onramp.core.settings.root import Settings


def stack_file(state_dir: Path) -> Path:
    return state_dir / "stack.json"


def secrets_file(state_dir: Path) -> Path:
    """The dev stack's own random secrets (devstack/stack_secrets.py), owner-readable only."""
    return state_dir / "secrets.json"


def with_secrets(settings: Settings, secrets: dict[str, str]) -> Settings:
    """``settings`` with each secret (by dotted path, ``auth.jwt_secret``) that is still at its
    shipped default replaced: an explicitly configured secret always wins."""
    sections: dict[str, dict[str, Any]] = {}
    for path, value in secrets.items():
        section_name, field = path.split(".")
        section = getattr(settings, section_name)
        default = type(section).model_fields[field].get_default(call_default_factory=True)
        if getattr(section, field) == default:
            sections.setdefault(section_name, {})[field] = SecretStr(value)
    return settings.model_copy(
        update={
            name: getattr(settings, name).model_copy(update=fields)
            for name, fields in sections.items()
        }
    )


def load_settings() -> Settings:
    settings = Settings()
    path = stack_file(settings.state_dir)
    if path.exists():
        settings = settings.with_stack(json.loads(path.read_text()))
    secrets = secrets_file(settings.state_dir)
    if secrets.exists():
        settings = with_secrets(settings, json.loads(secrets.read_text()))
    return settings
