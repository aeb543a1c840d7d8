"""Every worker process, built from settings: ``onramp worker <name>``. Each module here
registers one domain's workers (``registry.Worker``: a name, how it runs, what it needs first);
this table names them, in the order the dev stack starts them."""

from __future__ import annotations

from onramp.core.settings import Settings
from onramp.runtime.workers import alerts, compliance, orders, platform, recon, treasury

# ``bank``, not ``banking``: the refunds worker named through ``banking`` would spell the refunds
# module that moved into ``banking/refunding/``, which tools/surface_codemod.py renames everywhere.
from onramp.runtime.workers import banking as bank

# ``chain_workers``, not ``chain``: likewise the payouts and withdrawals workers named through
# ``chain`` would spell the modules that moved into chain's sub-packages.
from onramp.runtime.workers import chain as chain_workers
from onramp.runtime.workers.registry import Worker, run

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


def _worker(name: str) -> Worker:
    if name not in REGISTRY:
        raise ValueError(f"unknown worker {name!r}; choose one of {', '.join(WORKERS)}")
    return REGISTRY[name]


def check_config(name: str, settings: Settings) -> None:
    """Fail fast, before any connection: a bad rule set is a configuration error."""
    worker = _worker(name)
    if worker.check is not None:
        worker.check(settings)


async def run_worker(name: str, settings: Settings) -> None:
    await run(_worker(name), settings)


__all__ = ["REGISTRY", "WORKERS", "check_config", "run_worker"]
