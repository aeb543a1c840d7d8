"""``onramp api``, ``onramp worker`` and ``onramp migrate``: the processes of a deployment."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from onramp.core.settings import load_settings

KEEP_ALIVE_SECONDS = 75


def _server_options(host: str, port: int) -> dict[str, Any]:
    """uvicorn's options, for one process or several."""
    return {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        # Longer than a load balancer's idle timeout (60 s is common) and than a client's pause
        # between polls: with uvicorn's 5 s, a client reusing a connection the server is closing
        # at that moment gets "server disconnected" (bench/e2e.py's polling did, under load).
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }


def api(
    host: str = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="ONRAMP_API_PORT")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes serving the API (default ONRAMP_API__WORKERS, 1): the number of "
            "cores in production",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the REST API, from one process or several behind the one port."""
    import uvicorn

    from onramp.alerts import AlertRulesInvalid
    from onramp.core.errors import OnrampError
    from onramp.core.logging import configure_logging, get_logger
    from onramp.runtime.api_processes import clear_metrics_directory, serve_processes
    from onramp.runtime.app import create_app
    from onramp.runtime.observability import configure_observability

    clear_metrics_directory()  # before the first metric: an earlier run's files would count
    settings = load_settings()
    processes = workers or settings.api.workers
    configure_logging(level=settings.log_level, process="api")
    if processes == 1:
        configure_observability(settings, process="api")
    try:
        # Built here with several processes too: a configuration error stops the command at
        # once with its code, rather than each worker failing to start.
        app = create_app(settings)
    except OnrampError as exc:  # a configuration error, e.g. treasury_account_invalid
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    except AlertRulesInvalid as exc:
        print(f"alert_rules_invalid: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    options = _server_options(host, port)
    if processes == 1:
        uvicorn.run(app, **options)
    else:  # each worker builds its own app (runtime/api_processes.py)
        del app
        if not settings.redis_url:  # each process would count its own share of the requests
            get_logger(__name__).warning("api.rate_limits_per_process", processes=processes)
        if not serve_processes(processes, **options):
            print(
                "api_start_failed: a worker process failed to start (see its log)", file=sys.stderr
            )
            raise typer.Exit(3)  # uvicorn's own code for it, as with one process


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


def migrate(
    check: Annotated[
        bool,
        typer.Option("--check", help="Only say what would run; non-zero if it must not run now"),
    ] = False,
) -> None:
    """Apply the database migrations; a contract step is refused (exit 1) while processes of
    the old colour still run (docs/deploy.md, expand/contract)."""
    from onramp.core.db.migrate import ContractWhileOldColourRuns, upgrade
    from onramp.core.db.migrate import check as check_plan

    url = load_settings().database.url
    try:
        plan = check_plan(url)
    except ContractWhileOldColourRuns as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    for step in plan.pending:
        print(f"{step.revision}  {step.phase:<8}  {step.doc}")
    if check:
        print(f"{len(plan.pending)} step(s) to apply; none refused" if plan.pending else "at head")
        return
    upgrade(url)
    print("migrated to head")
