"""The bank's workers: deposits from the bank's notices, refunds to depositors, and the drop
folder of statement files."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import (
    PaymentRules,
    RefundChannel,
    RefundPolicy,
    deposits_consumer,
    run_drop_folder,
    run_refunds,
)
from onramp.core.clock import SystemClock
from onramp.core.consumer import Consumer
from onramp.core.logging import get_logger
from onramp.core.settings import Settings, accepted_statement_accounts
from onramp.orders import UnspentOrderFunds
from onramp.runtime import adapters
from onramp.runtime.workers.registry import Resources, Worker, consuming

log = get_logger(__name__)


def refund_policy(settings: Settings) -> RefundPolicy:
    banking = settings.banking
    return RefundPolicy(
        max_attempts=banking.refund_max_attempts,
        retry_base=timedelta(seconds=banking.refund_retry_base_seconds),
        retry_max=timedelta(seconds=banking.refund_retry_max_seconds),
    )


def _deposits(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Consumer:
    return deposits_consumer(
        min_holder_score=settings.banking.holder_name_min_score,
        rules=PaymentRules.from_settings(settings.banking),
        payments=adapters.bank_api(settings),
        bank=settings.banking.bank,
        order_funds=UnspentOrderFunds(),
    )


async def _refund(resources: Resources) -> None:
    settings = resources.settings
    await run_refunds(
        resources.sessions,
        payments=adapters.bank_api(settings),
        policy=refund_policy(settings),
        channel=RefundChannel(settings.banking.refund_channel),
        clock=SystemClock(),
        database_url=settings.database.url,
        stop=resources.stop,
        idle=settings.banking.refund_poll_seconds,
    )


async def _watch_drop_folder(resources: Resources) -> None:
    banking = resources.settings.banking
    if banking.drop_dir is None:
        log.info("bank_files.no_drop_dir")  # nothing to watch: wait for the stop signal
        await resources.stop.wait()
        return
    await run_drop_folder(
        resources.sessions,
        directory=banking.drop_dir,
        bank=banking.bank,
        now=SystemClock().now,
        stop=resources.stop,
        interval=banking.drop_poll_seconds,
        settle_seconds=banking.drop_settle_seconds,
        order_funds=UnspentOrderFunds(),
        min_holder_score=banking.holder_name_min_score,
        rules=PaymentRules.from_settings(banking),
        accounts=accepted_statement_accounts(banking),
    )


def _check_bank(settings: Settings) -> None:
    adapters.bank_api(settings)  # a bank with no adapter stops the worker before it connects


deposits = Worker("deposits", consuming(_deposits), check=_check_bank, reads_personal_data=True)
refunds = Worker("refunds", _refund, check=_check_bank, reads_personal_data=True)
bank_files = Worker("bank_files", _watch_drop_folder, reads_personal_data=True)
