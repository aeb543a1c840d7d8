"""Production refuses fewer confirmations than the configured chain's minimum, naming the
setting; development accepts them (a local chain settles at once)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from onramp.core.settings import DEFAULT_MIN_CONFIRMATIONS, Settings
from tests.unit.core.production_env import production_env


@pytest.fixture(autouse=True)
def _production(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in production_env().items():
        monkeypatch.setenv(key, value)


def test_mainnet_with_one_confirmation_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONRAMP_CHAIN__CHAIN_ID", "1")
    monkeypatch.setenv("ONRAMP_CHAIN__CONFIRMATIONS", "1")
    with pytest.raises(
        ValidationError, match="ONRAMP_CHAIN__CONFIRMATIONS: 1 is below the minimum"
    ):
        Settings()


@pytest.mark.parametrize(("chain_id", "minimum"), sorted(DEFAULT_MIN_CONFIRMATIONS.items()))
def test_each_chain_accepts_its_minimum_and_refuses_one_less(
    monkeypatch: pytest.MonkeyPatch, chain_id: int, minimum: int
) -> None:
    monkeypatch.setenv("ONRAMP_CHAIN__CHAIN_ID", str(chain_id))
    monkeypatch.setenv("ONRAMP_CHAIN__CONFIRMATIONS", str(minimum))
    assert Settings().chain.confirmations == minimum
    if minimum > 1:
        monkeypatch.setenv("ONRAMP_CHAIN__CONFIRMATIONS", str(minimum - 1))
        with pytest.raises(ValidationError, match="ONRAMP_CHAIN__CONFIRMATIONS"):
            Settings()


def test_a_chain_without_a_minimum_is_refused_until_one_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONRAMP_CHAIN__CHAIN_ID", "424242")
    monkeypatch.setenv("ONRAMP_CHAIN__CONFIRMATIONS", "30")
    with pytest.raises(ValidationError, match="ONRAMP_CHAIN__MIN_CONFIRMATIONS"):
        Settings()
    monkeypatch.setenv("ONRAMP_CHAIN__MIN_CONFIRMATIONS", '{"424242": 30}')
    assert Settings().chain.min_confirmations == {424242: 30}


def test_development_accepts_one_confirmation_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_ENV", "development")
    monkeypatch.setenv("ONRAMP_CHAIN__CHAIN_ID", "1")
    monkeypatch.setenv("ONRAMP_CHAIN__CONFIRMATIONS", "1")
    assert Settings().chain.confirmations == 1


def test_finality_is_required_by_default() -> None:
    assert Settings().chain.require_finalized is True
