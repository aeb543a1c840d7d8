"""Every worker, built from settings: ``onramp worker <name>`` (one per process, as a cluster
runs them), ``onramp worker --group <group>`` or ``onramp worker all`` (several as tasks of one
process: ``host.py``). Each module here registers one domain's workers (``registry.Worker``: a
name, how it runs, what it needs first); this table names them, in the order the dev stack
starts them, and ``groups.py`` which share a process when grouped."""

from __future__ import annotations

from onramp.core.settings import Settings
from onramp.runtime.workers import alerts, compliance, orders, platform, recon, treasury

# ``bank``, not ``banking``: the refunds worker named through ``banking`` would spell the refunds
# module that moved into ``banking/refunding/``, which tools/surface_codemod.py renames everywhere.
from onramp.runtime.workers import banking as bank

# ``chain_workers``, not ``chain``: likewise the payouts and withdrawals workers named through
# ``chain`` would spell the modules that moved into chain's sub-packages.
from onramp.runtime.workers import chain as chain_workers
from onramp.runtime.workers.groups import GROUPS
from onramp.runtime.workers.host import run_host
from onramp.runtime.workers.registry import Worker

REGISTRY: dict[str, Worker] = {
    worker.name: worker
    for worker in (
        platform.relay,
        bank.deposits,
        bank.refunds,
        orders.orders,
        chain_workers.payouts,
        chain_workers.confirmations,
        platform.audit,
        platform.mailer,
        compliance.kyc_review,
        compliance.rescreen,
        orders.order_expiry,
        bank.bank_files,
        treasury.treasury,
        treasury.risk,
        chain_workers.withdrawals,
        recon.recon,
        alerts.alerts,
        platform.webhooks,
    )
}
WORKERS = tuple(REGISTRY)
ALL = "all"  # ``onramp worker all``: every worker in one process


class UnknownWorker(ValueError):
    """A name that is no worker (nor ``all``), or a group that is none."""


def _worker(name: str) -> Worker:
    if name not in REGISTRY:
        raise UnknownWorker(
            f"unknown worker {name!r}; choose {ALL!r} or any of {', '.join(WORKERS)}"
        )
    return REGISTRY[name]


def resolve(names: list[str], group: str | None = None) -> tuple[str, tuple[Worker, ...]]:
    """The host's name and its workers: one group, or the named workers (``all``: every one)."""
    if group is not None:
        if names:
            raise UnknownWorker("name workers or --group, not both")
        if group not in GROUPS:
            raise UnknownWorker(f"unknown group {group!r}; choose any of {', '.join(GROUPS)}")
        return group, tuple(REGISTRY[name] for name in GROUPS[group])
    if not names:
        raise UnknownWorker("name a worker, several, `all` or --group NAME")
    if ALL in names:
        return ALL, tuple(REGISTRY.values())
    chosen = tuple(dict.fromkeys(_worker(name) for name in names))
    return "+".join(worker.name for worker in chosen), chosen


def check_config(name: str, settings: Settings) -> None:
    """Fail fast, before any connection: a bad rule set is a configuration error."""
    worker = _worker(name)
    if worker.check is not None:
        worker.check(settings)


async def run_worker(name: str, settings: Settings) -> None:
    """One worker in this process, as a cluster's deployment runs it."""
    await run_host([_worker(name)], settings, name=name)


__all__ = [
    "ALL",
    "GROUPS",
    "REGISTRY",
    "WORKERS",
    "UnknownWorker",
    "check_config",
    "resolve",
    "run_host",
    "run_worker",
]
