"""``onramp api``'s server settings (runtime/cli/serve.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import structlog
import uvicorn
from typer.testing import CliRunner

from onramp.runtime import api_processes
from onramp.runtime import app as app_factory
from onramp.runtime.cli import app


@pytest.fixture
def _logging_restored() -> Iterator[None]:
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.mark.usefixtures("_logging_restored")
def test_the_api_keeps_an_idle_connection_longer_than_a_load_balancer_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(app_factory, "create_app", lambda settings: "the app")
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **options: served.update(options))
    result = CliRunner().invoke(app, ["api", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["port"] == 8123
    assert served["timeout_keep_alive"] > 60  # a client polling every few seconds reuses it


@pytest.mark.usefixtures("_logging_restored")
@pytest.mark.parametrize(
    ("setting", "flag", "processes"),
    [(None, [], 1), ("3", [], 3), ("3", ["--workers", "2"], 2), ("3", ["--workers", "1"], 1)],
)
def test_the_api_runs_as_many_processes_as_the_setting_or_the_flag_says(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, flag: list[str], processes: int
) -> None:
    if setting is None:
        monkeypatch.delenv("ONRAMP_API__WORKERS", raising=False)
    else:
        monkeypatch.setenv("ONRAMP_API__WORKERS", setting)
    served: dict[str, Any] = {}
    monkeypatch.setattr(app_factory, "create_app", lambda settings: "the app")
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **options: served.update(options, n=1))
    monkeypatch.setattr(
        api_processes,
        "serve_processes",
        lambda n, **options: served.update(options, n=n) is None,  # served until stopped
    )
    result = CliRunner().invoke(app, ["api", "--port", "8124", *flag])
    assert result.exit_code == 0, result.output
    assert served["n"] == processes
    assert served["port"] == 8124
    assert served["timeout_keep_alive"] > 60  # every process keeps idle connections as long


def test_no_fewer_than_one_process() -> None:
    result = CliRunner().invoke(app, ["api", "--workers", "0"])
    assert result.exit_code == 2
