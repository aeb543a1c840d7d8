"""Settings: environment variables, the sample configuration, and the dev stack's stack.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from onramp.core.settings import REPO_ROOT, Settings

SAMPLE = REPO_ROOT / "samples" / "config" / "onramp.env.example"


def _sample_env() -> dict[str, str]:
    pairs = {}
    for line in SAMPLE.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_the_sample_configuration_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    env = _sample_env()
    assert env, "the sample sets nothing"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.fx.pricing.spread_bps == 20
    assert settings.auth.jwt_secret.get_secret_value() == env["ONRAMP_AUTH__JWT_SECRET"]
    assert Path(settings.fx.rates_file).name == "eurofxref-daily.xml"


def test_unknown_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_FX__SPREAD_BIPS", "20")
    with pytest.raises(ValidationError):
        Settings()


def test_secrets_do_not_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_AUTH__JWT_SECRET", "s3cr3t-value")
    assert "s3cr3t-value" not in repr(Settings())


def test_stack_json_fills_only_what_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_DATABASE__URL", "postgresql://explicit/db")
    stack = {
        "database": "postgresql://from-stack/db",
        "nats": "nats://127.0.0.1:1",
        "rpc": "http://127.0.0.1:2",
        "contracts": {"usdc": "0xU", "vault": "0xV", "wallet_factory": "0xF"},
    }
    settings = Settings().with_stack(stack)
    assert settings.database.url == "postgresql://explicit/db"
    assert settings.nats.url == "nats://127.0.0.1:1"
    assert settings.chain.rpc_url == "http://127.0.0.1:2"
    assert (settings.chain.usdc_address, settings.chain.vault_address) == ("0xU", "0xV")
    assert settings.chain.wallet_factory_address == "0xF"


def test_the_stack_hands_over_its_hsm_token_unless_a_pin_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = {"hsm": {"softhsm2_conf": "/s/softhsm2.conf", "token_label": "dev", "user_pin": "1"}}
    assert Settings().hsm.user_pin.get_secret_value() == ""  # no default PIN anywhere
    from_stack = Settings().with_stack(stack).hsm
    assert (from_stack.token_label, from_stack.user_pin.get_secret_value()) == ("dev", "1")
    assert from_stack.softhsm2_conf == "/s/softhsm2.conf"

    monkeypatch.setenv("ONRAMP_HSM__USER_PIN", "operator-pin")
    monkeypatch.setenv("ONRAMP_HSM__TOKEN_LABEL", "prod")
    configured = Settings().with_stack(stack).hsm
    assert (configured.token_label, configured.user_pin.get_secret_value()) == (
        "prod",
        "operator-pin",
    )
    assert "operator-pin" not in repr(configured)


def test_the_stack_hands_over_its_payout_key_unless_one_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = {"payout_key": {"key_id": "ab" * 16, "address": "0xP"}}
    assert Settings().chain.signer == "local"
    from_stack = Settings().with_stack(stack).chain
    assert (from_stack.signer, from_stack.payout_key_id) == ("hsm", "ab" * 16)

    monkeypatch.setenv("ONRAMP_CHAIN__PAYOUT_KEY_ID", "cd" * 16)
    assert Settings().with_stack(stack).chain.payout_key_id == "cd" * 16


def test_a_payout_key_id_is_hex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_CHAIN__PAYOUT_KEY_ID", "not-hex")
    with pytest.raises(ValidationError):
        Settings()
