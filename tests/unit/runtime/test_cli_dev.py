"""A redeem through ``onramp issuer`` is sent by the dev stack's cold Safe when ``stack.json``
names one, and by nothing otherwise (production's treasurers sign that transfer themselves)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import typer

from onramp.core.settings import Settings, stack_file
from onramp.devstack.cold_safe_sender import ColdSafeSender
from onramp.runtime.cli.dev import cold_safe_sender

# The module, not the `dev` command the CLI package exports under the same name.
dev = importlib.import_module("onramp.runtime.cli.dev")
SAFE = "0x" + "0a" * 20


def settings_in(state_dir: Path) -> Settings:
    base = Settings()
    chain = base.chain.model_copy(
        update={"rpc_url": "http://127.0.0.1:8545", "usdc_address": "0x" + "0b" * 20}
    )
    return base.model_copy(update={"state_dir": state_dir, "chain": chain})


def test_no_dev_stack_no_sender(tmp_path: Path) -> None:
    assert cold_safe_sender(settings_in(tmp_path)) is None


def test_the_dev_stacks_cold_safe_sends(tmp_path: Path) -> None:
    stack_file(tmp_path).write_text(json.dumps({"contracts": {"cold_safe": SAFE}}))
    sender = cold_safe_sender(settings_in(tmp_path))
    assert isinstance(sender, ColdSafeSender)
    assert sender.wallet == "cold"


def test_a_stack_without_a_cold_safe_has_no_sender(tmp_path: Path) -> None:
    stack_file(tmp_path).write_text(json.dumps({"contracts": {}}))
    assert cold_safe_sender(settings_in(tmp_path)) is None


def test_samples_load_refuses_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sample staff's passwords and authenticator secrets are public: never in production,
    even where a stack file exists."""
    production = settings_in(tmp_path).model_copy(update={"env": "production"})
    stack_file(tmp_path).write_text(json.dumps({"api": "http://127.0.0.1:9"}))
    monkeypatch.setattr(dev, "load_settings", lambda: production)
    with pytest.raises(typer.Exit) as refused:
        dev.samples_load(tmp_path)
    assert refused.value.exit_code == 2
    assert "ONRAMP_ENV=production" in capsys.readouterr().err
