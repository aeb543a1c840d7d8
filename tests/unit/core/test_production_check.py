"""ONRAMP_ENV=production refuses to start with anything that only suits a laptop, naming the
variable to set: a shipped or short secret, a key in process memory, a sandbox vendor."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from onramp.core.production_check import production_refusals, variable_name
from onramp.core.settings import Settings
from tests.unit.core.production_env import SECRETS, production_env


@pytest.fixture(autouse=True)
def _production(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in production_env().items():
        monkeypatch.setenv(key, value)


def test_a_fully_configured_production_starts() -> None:
    assert Settings().env == "production"


def test_every_secret_setting_is_covered_by_the_check() -> None:
    """The rule is by type: a new SecretStr setting is checked (and must be listed here so the
    passing configuration above sets it)."""

    def secret_paths(model: object, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name, value in vars(model).items():
            if isinstance(value, SecretStr):
                found.add(prefix + name)
            elif isinstance(value, BaseModel):
                found |= secret_paths(value, f"{prefix}{name}.")
        return found

    local_keys = {
        "chain.payout_private_key",
        "treasury.executor_private_key",
        "custody.private_key",
    }
    assert secret_paths(Settings()) == set(SECRETS) | local_keys


@pytest.mark.parametrize("setting", SECRETS)
def test_each_secret_left_at_its_default_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.delenv(variable_name(setting))
    with pytest.raises(ValidationError, match=variable_name(setting)) as refused:
        Settings()
    assert "ONRAMP_ENV=production refuses" in str(refused.value)


@pytest.mark.parametrize("setting", SECRETS)
def test_each_short_secret_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv(variable_name(setting), "short")
    with pytest.raises(ValidationError, match=f"{variable_name(setting)}: is shorter than"):
        Settings()


def test_the_samples_placeholder_secrets_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_AUTH__JWT_SECRET", "change-me-to-32-random-bytes")
    with pytest.raises(ValidationError, match="ONRAMP_AUTH__JWT_SECRET"):
        Settings()


@pytest.mark.parametrize(
    "signer", ["ONRAMP_CHAIN__SIGNER", "ONRAMP_TREASURY__EXECUTOR_SIGNER", "ONRAMP_CUSTODY__SIGNER"]
)
def test_a_key_in_process_memory_is_refused(monkeypatch: pytest.MonkeyPatch, signer: str) -> None:
    monkeypatch.setenv(signer, "local")
    with pytest.raises(ValidationError, match=f"{signer}: a key held in process memory"):
        Settings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ONRAMP_BANKING__BANK", "sandbox"),
        ("ONRAMP_KYC__VENDOR", "sandbox"),
        ("ONRAMP_ISSUER__SANDBOX_MOCK_WIRE", "true"),
    ],
)
def test_a_sandbox_vendor_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=f"{variable}: .*sandbox"):
        Settings()


def test_webhooks_to_private_addresses_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_WEBHOOKS__ALLOW_PRIVATE", "true")
    with pytest.raises(ValidationError, match="ONRAMP_WEBHOOKS__ALLOW_PRIVATE: .*private"):
        Settings()


def test_every_refusal_is_listed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in SECRETS:
        monkeypatch.delenv(variable_name(setting))
    monkeypatch.setenv("ONRAMP_ENV", "development")
    refusals = production_refusals(Settings())
    assert {r.variable for r in refusals} == {variable_name(s) for s in SECRETS}


def test_development_accepts_the_shipped_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in SECRETS:
        monkeypatch.delenv(variable_name(setting))
    monkeypatch.setenv("ONRAMP_ENV", "development")
    assert Settings().auth.jwt_secret.get_secret_value().startswith("dev-only")


@pytest.mark.parametrize("command", [["api"], ["worker", "orders"], ["worker", "payouts"]])
def test_each_process_refuses_to_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    env = os.environ | production_env()
    del env["ONRAMP_AUTH__JWT_SECRET"]
    run = subprocess.run(
        [sys.executable, "-m", "onramp", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "ONRAMP_AUTH__JWT_SECRET: is the shipped default" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_pod_outside_the_chain_zone_needs_only_the_keyring_tokens_pin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the key-encryption keys on a token of their own (``keyring_hsm``), a process that
    never signs starts without the signing token's PIN, and needs the keyring token's."""
    monkeypatch.delenv("ONRAMP_HSM__USER_PIN")
    monkeypatch.setenv("ONRAMP_KEYRING_HSM__TOKEN_LABEL", "onramp-data")
    with pytest.raises(ValidationError, match="ONRAMP_KEYRING_HSM__USER_PIN") as refused:
        Settings()
    assert "ONRAMP_HSM__USER_PIN" not in str(refused.value)
    monkeypatch.setenv("ONRAMP_KEYRING_HSM__USER_PIN", "short")
    with pytest.raises(ValidationError, match="ONRAMP_KEYRING_HSM__USER_PIN: is shorter"):
        Settings()
    monkeypatch.setenv("ONRAMP_KEYRING_HSM__USER_PIN", "a-long-enough-pin")
    assert Settings().data_key_hsm.token_label == "onramp-data"


def test_without_a_keyring_token_the_signing_token_holds_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ONRAMP_HSM__USER_PIN")
    with pytest.raises(ValidationError, match="ONRAMP_HSM__USER_PIN"):
        Settings()
    monkeypatch.setenv("ONRAMP_HSM__USER_PIN", "a-long-enough-pin")
    settings = Settings()
    assert settings.keyring_hsm is None
    assert settings.data_key_hsm is settings.hsm
