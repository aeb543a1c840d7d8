"""``onramp demo`` and ``onramp dev``: the whole stack on this machine; and what the other
commands borrow from a running dev stack (its cold Safe sends a redeem's USDC). The only module
of the runtime that imports ``onramp.devstack`` (pyproject.toml's contract names it)."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onramp.core.settings import REPO_ROOT, Settings, load_settings, stack_file

if TYPE_CHECKING:
    from onramp.devstack import WalArchive
    from onramp.treasury import UsdcSender


def cold_safe_sender(settings: Settings) -> UsdcSender | None:
    """The dev stack's cold Safe, signed by its demo treasurers, if ``stack.json`` names one:
    ``onramp issuer redeem`` sends from it. Without a dev stack, none."""
    stack = stack_file(settings.state_dir)
    cold = json.loads(stack.read_text())["contracts"].get("cold_safe") if stack.exists() else None
    if not (settings.chain.rpc_url and cold):
        return None
    from onramp.devstack import ColdSafeSender

    return ColdSafeSender(settings.chain.rpc_url, settings.chain.usdc_address, cold)


def wal_archive(settings: Settings) -> WalArchive | None:
    """The embedded PostgreSQL's WAL archive, if ``ONRAMP_DEV__WAL_ARCHIVE_DIR`` names one."""
    from onramp.devstack import WalArchive

    dev = settings.dev
    if dev.wal_archive_dir is None:
        return None
    return WalArchive(dev.wal_archive_dir, dev.archive_timeout_seconds, dev.wal_archive_key_file)


SERVICES_HELP = (
    "Use the PostgreSQL, NATS and Redis of ONRAMP_DATABASE__URL, ONRAMP_NATS__URL and "
    "ONRAMP_REDIS_URL instead of embedded ones (ONRAMP_DEV__SERVICES)"
)


def demo(
    state_dir: Annotated[
        Path | None, typer.Option(help="Runtime state (default .onramp/demo)")
    ] = None,
) -> None:
    """Start the whole stack, turn one euro deposit into USDC, print the evidence, stop."""
    from onramp.devstack import DemoFailed, run_demo

    # SIGTERM unwinds like Ctrl-C, so every child process is stopped by the demo's cleanup.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    settings = load_settings()
    try:
        run_demo(state_dir or settings.state_dir / "demo", lambda line: print(line, flush=True))
    except DemoFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc


def dev(
    state_dir: Annotated[Path | None, typer.Option(help="Runtime state (default .onramp)")] = None,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Start clean: wipe the kept database, JetStream, chain and HSM token"
        ),
    ] = False,
    services: Annotated[bool, typer.Option("--services", help=SERVICES_HELP)] = False,
) -> None:
    """Start the whole stack and keep it running until Ctrl-C (writes .onramp/stack.json).

    A process that dies is restarted with backoff (given up after repeated quick deaths); the
    database, JetStream, the chain and the HSM token are kept for the next run unless --fresh.
    The workers run as four processes of several each (ONRAMP_DEV__WORKER_GROUPS=false: one
    process per worker, as a cluster deploys them). With --services the database, JetStream and
    Redis are the given ones (an empty database and no stream yet for a clean start)."""
    from onramp.devstack import ServicesUnusable, StateLost, start_stack

    settings = load_settings()

    def say(line: str) -> None:
        print(line, flush=True)

    # Until the stack is up, SIGTERM unwinds like Ctrl-C: what was started is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        stack = start_stack(
            state_dir or settings.state_dir,
            progress=say,
            fresh=fresh,
            persist=True,
            worker_groups=settings.dev.worker_groups,
            services=settings if services or settings.dev.services else None,
            wal_archive=wal_archive(settings),
        )
    except StateLost as exc:
        print(f"{exc}; start with `onramp dev --fresh` to begin anew", file=sys.stderr)
        raise typer.Exit(1) from exc
    except ServicesUnusable as exc:
        print(f"services_unusable: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    # The start's progress named the web UI's URLs already ("web  dashboard … back office …").
    print(f"stack ready: {stack.state_dir / 'stack.json'}; Ctrl-C stops it", flush=True)
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:  # the supervisor's thread restarts what dies
            time.sleep(0.5)
    finally:
        stack.stop()
        print("stack stopped (state kept; `onramp dev --fresh` starts clean)", flush=True)


samples_app = typer.Typer(
    help="Sample data (samples/) for a dev or staging stack.", no_args_is_help=True
)


def _running_stack(settings: Settings) -> dict[str, Any]:
    """The running dev stack's description (its stack.json), or exit saying how to start one.
    Never in production: the sample people's passwords and authenticator secrets are public."""
    if settings.env == "production":
        print(
            "samples refuses ONRAMP_ENV=production: the sample people's credentials are public",
            file=sys.stderr,
        )
        raise typer.Exit(2)
    described = stack_file(settings.state_dir)
    if not described.exists():
        print(
            f"no running stack ({described} is missing): start one with `make dev`", file=sys.stderr
        )
        raise typer.Exit(1)
    stack: dict[str, Any] = json.loads(described.read_text())
    return stack


@samples_app.command("load")
def samples_load(
    directory: Annotated[Path, typer.Option(help="The samples")] = REPO_ROOT / "samples",
) -> None:
    """Put the sample staff and customers into the running dev stack; a second run changes
    nothing (samples/README.md)."""
    import asyncio

    from onramp.devstack import SamplesFailed, load_customers, load_staff

    settings = load_settings()
    described = _running_stack(settings)
    try:
        staff = asyncio.run(load_staff(settings, directory))
        customers = load_customers(described, directory)
    except SamplesFailed as exc:
        print(f"samples load failed: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(f"staff       {staff}")
    print(f"customers   {customers}")
    if not (staff.created or customers.created):
        print("nothing changed: every sample was already there")


@samples_app.command("statements")
def samples_statements(
    out: Annotated[
        Path | None,
        typer.Argument(help="Where to write them; by default the stack's bank-files drop folder"),
    ] = None,
    directory: Annotated[Path, typer.Option(help="The samples")] = REPO_ROOT / "samples",
) -> None:
    """Place the approved sample customers' orders and write a bank statement paying each, one
    per format (camt.053, camt.054, MT940, BAI2); a second run places nothing and writes the
    same files (samples/README.md). `samples load` first."""
    from onramp.devstack import SamplesFailed, write_statements

    settings = load_settings()
    described = _running_stack(settings)
    target = out or settings.banking.drop_dir
    if target is None:
        print("no drop folder (ONRAMP_BANKING__DROP_DIR): name a directory", file=sys.stderr)
        raise typer.Exit(1)
    try:
        written = write_statements(described, directory, target)
    except SamplesFailed as exc:
        print(f"samples statements failed: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    for w in written.files:
        order = "placed" if w.placed else "found"
        print(
            f"{w.format:<9} {w.email:<36} order {w.order_id} {order}, entry {w.entry_id}: {w.path}"
        )
    if not written.changed:
        print("nothing changed: every order was placed and every file written already")
