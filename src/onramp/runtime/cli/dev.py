"""``onramp demo`` and ``onramp dev``: the whole stack on this machine; and what the other
commands borrow from a running dev stack (its cold Safe sends a redeem's USDC). The only module
of the runtime that imports ``onramp.devstack`` (pyproject.toml's contract names it)."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from onramp.core.settings import Settings, load_settings, stack_file

if TYPE_CHECKING:
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
) -> None:
    """Start the whole stack and keep it running until Ctrl-C (writes .onramp/stack.json).

    A process that dies is restarted with backoff (given up after repeated quick deaths); the
    database, JetStream, the chain and the HSM token are kept for the next run unless --fresh.
    The workers run as four processes of several each (ONRAMP_DEV__WORKER_GROUPS=false: one
    process per worker, as a cluster deploys them)."""
    from onramp.devstack import StateLost, start_stack

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
        )
    except StateLost as exc:
        print(f"{exc}; start with `onramp dev --fresh` to begin anew", file=sys.stderr)
        raise typer.Exit(1) from exc
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
