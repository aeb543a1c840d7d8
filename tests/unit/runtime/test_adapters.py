"""The adapters are picked by the name the settings give; a name with no adapter stops start-up
as a settings error naming the variable, as a wrong value of any setting does."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest
import structlog
from pydantic import ValidationError

from onramp.banking.adapters.sandbox import SandboxBankAdapter
from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.core.settings import Settings
from onramp.kyc.adapters.sandbox import SandboxKycVendor
from onramp.runtime import adapters
from onramp.runtime.cli import main
from onramp.runtime.workers import check_config
from onramp.treasury.issuer import CircleMintIssuer


def test_the_sandbox_names_pick_the_sandboxes() -> None:
    settings = Settings()
    assert isinstance(adapters.bank_webhooks(settings)["sandbox"], SandboxBankAdapter)
    assert isinstance(adapters.bank_api(settings), SandboxBankPayments)
    assert isinstance(adapters.kyc_vendors(settings)["sandbox"], SandboxKycVendor)
    assert isinstance(adapters.issuer(settings), CircleMintIssuer)


@pytest.mark.parametrize(
    ("section", "value", "pick"),
    [
        ("banking", {"bank": "examplebank"}, adapters.bank_webhooks),
        ("banking", {"bank": "examplebank"}, adapters.bank_api),
        ("kyc", {"vendor": "examplekyc"}, adapters.kyc_vendors),
    ],
)
def test_an_unknown_name_is_a_settings_error(
    section: str, value: dict[str, str], pick: Callable[[Settings], object]
) -> None:
    base = Settings()
    settings = base.model_copy(update={section: getattr(base, section).model_copy(update=value)})
    with pytest.raises(ValidationError) as raised:
        pick(settings)
    (error,) = raised.value.errors()
    assert raised.value.title == "Settings"
    assert error["loc"] == (section, *value)
    assert "adapter named" in error["msg"]
    assert "sandbox" in error["msg"]  # the names there are


@pytest.mark.parametrize("worker", ["deposits", "refunds"])
def test_a_bank_worker_checks_its_bank_before_connecting(worker: str) -> None:
    base = Settings()
    settings = base.model_copy(
        update={"banking": base.banking.model_copy(update={"bank": "examplebank"})}
    )
    with pytest.raises(ValidationError, match="no bank payments adapter named 'examplebank'"):
        check_config(worker, settings)


@pytest.fixture
def _logging_restored() -> Iterator[None]:
    """``onramp api`` configures logging to this test's captured stderr, closed after it: later
    tests in this process would log into a closed file."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.mark.usefixtures("_logging_restored")
def test_the_api_refuses_to_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ONRAMP_BANKING__BANK", "examplebank")
    monkeypatch.setattr(sys, "argv", ["onramp", "api"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "ONRAMP_BANKING__BANK: no bank adapter named 'examplebank'" in err
    assert "Traceback" not in err
