"""The in-memory key signer is for development only: production refuses it."""

from __future__ import annotations

import pytest
from eth_account import Account

from onramp.chain.signing.signer import LocalKeyInProduction, LocalKeySigner
from onramp.core.settings import ANVIL_PAYOUT_KEY, Settings
from tests.unit.core.production_env import production_env


def test_local_key_signs_outside_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_ENV", "development")
    signer = LocalKeySigner(ANVIL_PAYOUT_KEY)
    tx = {
        "type": 2,
        "chainId": 31337,
        "nonce": 0,
        "to": signer.address,
        "value": 1,
        "gas": 21_000,
        "maxFeePerGas": 2 * 10**9,
        "maxPriorityFeePerGas": 10**9,
    }
    assert Account.recover_transaction(signer.sign_transaction(tx).raw) == signer.address


@pytest.mark.parametrize("value", ["production", "Production", " production "])
def test_local_key_is_refused_in_production(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ONRAMP_ENV", value)
    with pytest.raises(LocalKeyInProduction):
        LocalKeySigner(ANVIL_PAYOUT_KEY)


def test_the_environment_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in production_env().items():
        monkeypatch.setenv(key, value)
    assert Settings().env == "production"
    monkeypatch.delenv("ONRAMP_ENV")
    assert Settings().env == "development"
