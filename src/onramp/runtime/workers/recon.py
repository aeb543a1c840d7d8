"""Reconciliation's worker: yesterday's run, once a day (``recon/daily.py``), and yesterday's
reports emailed to staff once (``reports/mailing.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import ChainClient, ChainRpcError, NodeUnavailable
from onramp.core.clock import SystemClock
from onramp.core.logging import get_logger
from onramp.core.periodic import run_periodic
from onramp.core.settings import Settings
from onramp.recon import BreakAlarm, read_treasury_chain, run_yesterday_once
from onramp.reports import email_reports_once
from onramp.runtime.workers.registry import Resources, Worker
from onramp.treasury import treasury_wallets, trip_breaker

log = get_logger(__name__)

# How often the worker asks whether yesterday is reconciled yet: the run starts within this
# many seconds of midnight UTC (or of the worker's start), and once per day.
POLL_SECONDS = 300.0


async def read_treasury(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    client: ChainClient | None = None,
) -> str | None:
    """Bring the chain reader up to the node's confirmed head; why not, if it could not (no
    node configured, or none answering: the run then holds what was read before). A worker
    passes its one ``client`` (each client keeps its own HTTP session)."""
    chain = settings.chain
    if not (chain.rpc_url and chain.usdc_address and chain.vault_address):
        return "no chain configured"
    async with sessions() as session:
        registry = {w.name: w.address for w in await treasury_wallets(session)}
    try:
        await read_treasury_chain(
            sessions, client or ChainClient(chain.rpc_url), usdc=chain.usdc_address,
            vault=chain.vault_address, wallets=registry, confirmations=chain.confirmations,
            first_block=chain.recon_first_block,
            now=now,
        )  # fmt: skip
    except (NodeUnavailable, ChainRpcError) as exc:
        log.warning("recon.chain_unread", error=str(exc))
        return str(exc)
    return None


async def email_reports(settings: Settings, session: AsyncSession, now: datetime) -> int:
    """Yesterday's reports to staff, once (``ONRAMP_COMPLIANCE__REPORT_EMAIL_TO``; none by
    default): the recon worker already wakes daily for yesterday."""
    compliance = settings.compliance
    return await email_reports_once(
        session, now=now, recipients=compliance.report_email_to,
        reports=compliance.report_email_reports, templates=compliance.report_templates_dir,
    )  # fmt: skip


def break_alarm(settings: Settings) -> BreakAlarm | None:
    """The breaks that trip the payouts' circuit breaker (``ONRAMP_RECON__TRIP_ON``), if any."""
    rules = settings.recon.trip_on
    return BreakAlarm(rules, trip_breaker) if rules else None


async def _daily(resources: Resources) -> None:
    rpc_url = resources.settings.chain.rpc_url
    client = ChainClient(rpc_url) if rpc_url else None

    async def once(session: AsyncSession, now: datetime, limit: int) -> int:
        await read_treasury(resources.settings, resources.sessions, now, client)
        ran = await run_yesterday_once(session, now, break_alarm(resources.settings))
        return ran + await email_reports(resources.settings, session, now)

    await run_periodic(
        resources.sessions,
        once,
        name="recon_daily",
        clock=SystemClock(),
        stop=resources.stop,
        interval=POLL_SECONDS,
        batch=1_000_000,  # one run is never a full batch: sleep after it
    )


recon = Worker("recon", _daily)
