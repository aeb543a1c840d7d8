"""``onramp api``, ``onramp worker`` and ``onramp migrate``: the processes of a deployment."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from onramp.core.settings import load_settings


def api(
    host: str = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="ONRAMP_API_PORT")] = 8000,
) -> None:
    """Serve the REST API."""
    import uvicorn

    from onramp.alerts import AlertRulesInvalid
    from onramp.core.errors import OnrampError
    from onramp.core.logging import configure_logging
    from onramp.runtime.app import create_app
    from onramp.runtime.observability import configure_tracing

    settings = load_settings()
    configure_logging(level=settings.log_level, process="api")
    configure_tracing(settings, process="api")
    try:
        app = create_app(settings)
    except OnrampError as exc:  # a configuration error, e.g. treasury_account_invalid
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    except AlertRulesInvalid as exc:
        print(f"alert_rules_invalid: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def worker(
    name: Annotated[
        str, typer.Argument(help="relay, deposits, orders, payouts, confirmations, bank_files, ...")
    ],
) -> None:
    """Run one worker until SIGTERM."""
    import uvloop

    from onramp.core.errors import OnrampError
    from onramp.runtime.workers import check_config, run_worker

    settings = load_settings()
    try:
        check_config(name, settings)
        uvloop.run(run_worker(name, settings))
    except OnrampError as exc:  # a configuration error, e.g. monitoring_rules_invalid
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


def migrate() -> None:
    """Apply the database migrations."""
    from onramp.core.db.migrate import upgrade

    upgrade(load_settings().database.url)
    print("migrated to head")
