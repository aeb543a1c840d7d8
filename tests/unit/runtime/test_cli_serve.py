"""``onramp api``'s server settings (runtime/cli/serve.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import structlog
import uvicorn
from typer.testing import CliRunner

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
