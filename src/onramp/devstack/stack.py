"""The whole system on one machine: embedded PostgreSQL, NATS, anvil, the bank sandbox, the API
and every worker, each its own process on loopback, each stopped by its own PID. With
``worker_groups`` (``onramp dev``'s default, ``ONRAMP_DEV__WORKER_GROUPS``) the workers run as
four hosts of several workers each (runtime/workers/groups.py) instead of eighteen processes.

The API, the workers and the vendor sandboxes are supervised (devstack/supervisor.py): one that
dies is started again with backoff, the rest keep running. By default a stack starts clean;
with ``persist`` (``onramp dev``) the database, JetStream, the chain and the HSM token are kept
in the state dir and the next start goes on from them (devstack/dev_state.py), unless ``fresh``.
Once everything answers, ``<state_dir>/stack.json`` says where each part listens and which pid
runs it (rewritten on each restart); it is removed on shutdown.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from onramp.core.settings import Settings
from onramp.devstack.bank_sandbox import start_bank_sandbox
from onramp.devstack.infrastructure import start_infrastructure
from onramp.devstack.issuer_sandbox import start_issuer_sandbox_on
from onramp.devstack.kyc_sandbox import start_kyc_sandbox
from onramp.devstack.postgres_archive import WalArchive
from onramp.devstack.process import free_port
from onramp.devstack.running_stack import Progress, Stack, quiet, write_stack_file
from onramp.runtime import GROUPS, WORKERS

__all__ = [
    "Progress",
    "Stack",
    "start_applications",
    "start_infrastructure",
    "start_stack",
    "wait_ready",
    "write_stack_file",
]


def start_applications(
    stack: Stack, *, progress: Progress = quiet, worker_groups: bool = False
) -> None:
    """The bank and KYC sandboxes, the API and every worker (one process each, or grouped),
    supervised (a process that dies is started again, reported through ``progress``), then wait
    until the API is ready."""
    api_port = free_port()
    stack.api_url = f"http://127.0.0.1:{api_port}"
    settings = stack.settings
    stack.bank = start_bank_sandbox(
        stack.state_dir,
        webhook_url=f"{stack.api_url}/v1/webhooks/bank/{settings.banking.bank}",
        webhook_secret=settings.banking.webhook_secret.get_secret_value(),
        account_iban=settings.banking.treasury_iban,
        drop_dir=settings.banking.drop_dir,
    )
    progress(f"bank        sandbox {stack.bank.url} -> webhooks to {stack.api_url}")
    stack.kyc = start_kyc_sandbox(
        stack.state_dir,
        webhook_url=f"{stack.api_url}/v1/webhooks/kyc/{settings.kyc.vendor}",
        webhook_secret=settings.kyc.webhook_secret.get_secret_value(),
    )
    # The issuer sandbox mints TestUSDC with a key of its own (made a minter, with an allowance).
    stack.issuer = start_issuer_sandbox_on(stack.state_dir, settings, api_url=stack.api_url)
    progress(f"issuer      sandbox {stack.issuer.url} (mints TestUSDC) -> webhooks to the API")
    # The API (and in-process apps of tests) call the vendor here: before the API is spawned.
    stack.settings = settings.model_copy(
        update={
            "issuer": settings.issuer.model_copy(update={"api_url": stack.issuer.url}),
            "kyc": settings.kyc.model_copy(update={"vendor_url": stack.kyc.url}),
            "banking": settings.banking.model_copy(update={"api_url": stack.bank.url}),
        }
    )
    progress(f"kyc         sandbox {stack.kyc.url} -> webhooks to {stack.api_url}")
    # A sandbox restarts on its port (the API and workers know its URL), with an empty memory.
    for process in stack.processes().values():
        process.supervised = True
    stack.spawn_app("api", [sys.executable, "-m", "onramp", "api", "--port", str(api_port)])
    if worker_groups:
        for group, workers in GROUPS.items():
            stack.spawn_group(group, workers)
    else:
        for name in WORKERS:
            stack.spawn_worker(name)
    # A worker that dies at start (its keyring, a connection) is started again from here on.
    stack.supervise(report=progress)
    wait_ready(stack.api_url, stack)
    progress(f"api         {stack.api_url}  (docs: /docs)")
    for host, workers in stack.hosted.items():
        progress(f"{host:<24} {', '.join(workers)}  ({stack.metrics_urls()[host]})")
    web = stack.web_urls()
    progress(f"web         dashboard {web['app']}  back office {web['admin']}")
    stack.ready = True
    write_stack_file(stack)


def wait_ready(api_url: str, stack: Stack, *, timeout: float = 180.0) -> None:
    """Until the API answers ``/readyz`` (the supervisor restarts it if it dies meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.supervisor is not None and "api" in stack.supervisor.given_up():
            raise RuntimeError(
                f"the API keeps exiting during start-up; see {stack.apps['api'].log_path}"
            )
        try:
            if httpx.get(f"{api_url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the API at {api_url} was not ready after {timeout}s")


def start_stack(
    state_dir: Path,
    *,
    progress: Progress = quiet,
    fresh: bool = True,
    persist: bool = False,
    worker_groups: bool = False,
    services: Settings | None = None,
    wal_archive: WalArchive | None = None,
) -> Stack:
    """The infrastructure, then the applications (``services``: on the PostgreSQL and NATS
    those settings name, devstack/external_services.py; ``wal_archive``: the embedded
    PostgreSQL's WAL archive)."""
    stack = start_infrastructure(
        state_dir,
        progress=progress,
        fresh=fresh,
        persist=persist,
        services=services,
        wal_archive=wal_archive,
    )
    try:
        start_applications(stack, progress=progress, worker_groups=worker_groups)
    except BaseException:
        stack.stop()
        raise
    return stack
