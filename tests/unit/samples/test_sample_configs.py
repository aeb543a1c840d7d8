"""The sample configurations (samples/config/*.env) name only settings that exist, with values
they accept; production's lacks only what the secret store provides (secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from onramp.core.settings import Settings

CONFIG = Path(__file__).resolve().parents[3] / "samples" / "config"


def _variables(name: str) -> dict[str, str]:
    lines = (CONFIG / name).read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


@pytest.mark.parametrize("name", ["development.env", "staging.env", "production.env"])
def test_every_variable_is_a_setting_with_a_valid_value(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    variables = _variables(name) | {"ONRAMP_ENV": "development"}
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    Settings()


def test_production_asks_only_for_the_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in _variables("production.env").items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    refusals = [
        line.strip() for line in str(refused.value).splitlines() if line.strip().startswith("- ")
    ]
    assert refusals
    # What is left is what the file's last comment lists: the secrets, from the secret store.
    named = (CONFIG / "production.env").read_text().split("# Secrets", 1)[1]
    for refusal in refusals:
        assert "set a random value" in refusal, refusal
        assert refusal.split(":")[0].removeprefix("- ") in named, refusal
