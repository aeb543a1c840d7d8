"""A sandbox as its own process: the command line its ``main`` shares with the others, serving
the app, and the handle the dev stack keeps once it answers."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from onramp.devstack.process import ManagedProcess, start_http_sandbox


@dataclass
class RunningSandbox:
    """A running sandbox process and its base URL."""

    process: ManagedProcess
    url: str

    def stop(self, *, timeout: float = 10.0) -> None:
        self.process.stop(timeout=timeout)


def start_sandbox(
    module: str,
    args: list[str],
    *,
    state_dir: Path,
    env: dict[str, str],
    port: int | None,
    timeout: float,
    label: str,
) -> RunningSandbox:
    """Spawn ``python -m onramp.devstack.<module>`` (logs: ``state_dir/logs/<module>.log``),
    secrets in ``env`` rather than on the command line (out of ``ps``); return once healthy."""
    process, url = start_http_sandbox(
        module,
        f"onramp.devstack.{module}",
        args,
        state_dir=Path(state_dir).resolve(),
        env=env,
        port=port,
        timeout=timeout,
        label=label,
    )
    return RunningSandbox(process=process, url=url)


def sandbox_arguments(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    return parser


def add_webhook_arguments(
    parser: argparse.ArgumentParser, *, secret_env: str, max_attempts: int
) -> None:
    """``--webhook-url``, ``--webhook-secret`` (default: ``$<secret_env>``, out of ``ps``) and
    ``--max-attempts``; check the secret with :func:`require_webhook_secret`."""
    parser.add_argument("--webhook-url", required=True)
    parser.add_argument(
        "--webhook-secret", default=os.environ.get(secret_env), help=f"default: ${secret_env}"
    )
    parser.add_argument("--max-attempts", type=int, default=max_attempts)


def require_webhook_secret(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, secret_env: str
) -> bytes:
    if not args.webhook_secret:
        parser.error(f"--webhook-secret or ${secret_env} is required")
    return str(args.webhook_secret).encode()


def serve(app: FastAPI, *, host: str, port: int) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=2)
