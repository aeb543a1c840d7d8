"""``onramp api``, ``onramp worker`` and ``onramp migrate``: the processes of a deployment."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from onramp.core.settings import load_settings

KEEP_ALIVE_SECONDS = 75


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
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        # Longer than a load balancer's idle timeout (60 s is common) and than a client's pause
        # between polls: with uvicorn's 5 s, a client reusing a connection the server is closing
        # at that moment gets "server disconnected" (bench/e2e.py's polling did, under load).
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def worker(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="One worker (relay, deposits, orders, payouts, ...), several (run in one "
            "process), or `all`",
            show_default=False,
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help="A named group in one process: money_in, money_out, reserves, back_office",
        ),
    ] = None,
) -> None:
    """Run workers until SIGTERM: one per process as a cluster deploys them, or several as
    tasks of one process (a group, or all) on a small machine."""
    import uvloop

    from onramp.core.errors import OnrampError
    from onramp.runtime.workers import UnknownWorker, resolve, run_host

    settings = load_settings()
    try:
        host, workers = resolve(names or [], group)
        for each in workers:  # fail fast, before any connection: the union of their checks
            if each.check is not None:
                each.check(settings)
        uvloop.run(run_host(workers, settings, name=host))
    except UnknownWorker as exc:
        print(str(exc), file=sys.stderr)
        raise typer.Exit(2) from exc
    except OnrampError as exc:  # a configuration error, e.g. monitoring_rules_invalid
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


def migrate() -> None:
    """Apply the database migrations."""
    from onramp.core.db.migrate import upgrade

    upgrade(load_settings().database.url)
    print("migrated to head")
