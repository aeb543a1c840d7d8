"""Every worker process, built from settings: ``onramp worker <name>``."""

from __future__ import annotations

import asyncio
import functools
import signal
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.banking.drop_folder import run_drop_folder
from onramp.banking.models import RefundChannel
from onramp.banking.payment_rules import PaymentRules
from onramp.banking.refund_sender import RefundPolicy, run_refunds
from onramp.banking.worker import deposits_consumer
from onramp.chain import register_system_contracts
from onramp.chain.client import ChainClient
from onramp.chain.confirmations import ConfirmationWatcher
from onramp.chain.fees import FeePolicy
from onramp.chain.wallet_factory_check import check_configured_wallet_factory
from onramp.chain.withdrawal_sender import WithdrawalSender, custody_signer, run_withdrawals
from onramp.chain.worker import (
    payout_signer,
    run_confirmations,
    run_payout_sender,
    sender_from,
)
from onramp.compliance import MatchSettings
from onramp.compliance.checkpoints import ListMatchers, PayoutScreen, WithdrawalScreen
from onramp.compliance.freshness import ListFreshness
from onramp.compliance.monitoring import RuleSet
from onramp.compliance.refresh import ListRefresher, configured_sources, run_list_refresh
from onramp.compliance.rescreen import run_rescreens
from onramp.core.audit import run_sealer
from onramp.core.bus import EventBus, connect_bus
from onramp.core.clock import SystemClock
from onramp.core.consumer import Consumer, run_consumer
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.keys import install_keyring, keep_keyring_fresh, open_keyring
from onramp.core.logging import configure_logging, get_logger
from onramp.core.periodic import run_periodic
from onramp.core.relay import run_relay
from onramp.core.settings import Settings, accepted_statement_accounts
from onramp.fx.alarms import peg_alarm_recorder
from onramp.fx.service import FxDesk
from onramp.kyc.rescreen import KybOwners, VerifiedNames
from onramp.kyc.worker import run_review_expiry
from onramp.notifications.adapters.smtp import SmtpSender
from onramp.notifications.worker import run_mailer
from onramp.orders.deposit_returns import UnspentOrderFunds
from onramp.orders.expiry import expire_unpaid
from onramp.orders.monitoring import MonitoringScreener
from onramp.orders.rescreen import SavedWallets, UnpaidOrders
from onramp.orders.sanctions import SanctionsScreener
from onramp.orders.screening import Screener, Screeners
from onramp.orders.travel_rule import TravelRulePolicy, TravelRuleScreener
from onramp.orders.worker import orders_consumer
from onramp.runtime.issuer import issuer_flow
from onramp.treasury.executor import ProposalExecutor
from onramp.treasury.risk_limits import RiskGate, RiskLimits
from onramp.treasury.risk_monitor import risk_monitor, run_risk_monitor
from onramp.treasury.worker import executor_signer, run_treasury, treasury_round

log = get_logger(__name__)

WORKERS = (
    "relay",
    "deposits",
    "refunds",
    "orders",
    "payouts",
    "confirmations",
    "audit",
    "mailer",
    "kyc_review",
    "rescreen",
    "order_expiry",
    "bank_files",
    "treasury",
    "risk",
    "withdrawals",
)
# Workers that read sealed personal data (queued emails; deposit senders and account holders)
# open the keyring at start-up, as the API does, and keep it fresh. The orders worker's monitoring
# compares deposit senders with KYC names; the refunds worker pays refunds' sealed creditors;
# bank_files reads statements' senders.
# Workers that send customers' USDC: they make sure the system's contracts are known as
# destinations no payout may name.
PAYS_CUSTOMERS = frozenset({"payouts", "withdrawals"})
READS_PERSONAL_DATA = frozenset(
    {"deposits", "mailer", "orders", "refunds", "rescreen", "bank_files"}
)
# Workers that compute customers' wallet addresses from the local UserWallet artifact (the
# orders worker: an order's default destination and the travel rule's own-wallet test; the
# withdrawals worker: the wallets it moves USDC out of) first check that the deployed factory
# builds the same wallets (wallet_factory_mismatch otherwise), as the API does.
COMPUTES_WALLET_ADDRESSES = frozenset({"orders", "withdrawals"})


def _list_matchers(settings: Settings) -> ListMatchers:
    return ListMatchers(MatchSettings(threshold=settings.compliance.name_threshold))


def list_freshness(settings: Settings) -> ListFreshness:
    """Production fails closed on a missing or old list; elsewhere the order says so."""
    return ListFreshness(
        max_age=timedelta(hours=settings.compliance.max_list_age_hours),
        fail_closed=settings.env == "production",
    )


def check_config(name: str, settings: Settings) -> None:
    """Fail fast, before any connection: a bad rule set is a configuration error."""
    if name not in WORKERS:
        raise ValueError(f"unknown worker {name!r}; choose one of {', '.join(WORKERS)}")
    if name == "orders":
        RuleSet.from_file(settings.compliance.monitoring_rules_file)


def travel_rule_policy(settings: Settings, desk: FxDesk) -> TravelRulePolicy:
    return TravelRulePolicy(
        threshold_usd=settings.compliance.travel_rule_threshold_usd,
        desk=desk,
        wallet_factory=settings.chain.wallet_factory_address,
        operator=settings.auth.issuer,
    )


def orders_screener(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], desk: FxDesk
) -> Screener:
    """Sanctions, the travel rule, then the monitoring rules: every screen runs, the gravest
    verdict decides. A bad rule file stops the worker at start (``monitoring_rules_invalid``,
    naming the file and the field)."""
    rules = RuleSet.from_file(settings.compliance.monitoring_rules_file)
    return Screeners(
        SanctionsScreener(
            sessions, matchers=_list_matchers(settings), freshness=list_freshness(settings)
        ),
        TravelRuleScreener(sessions, travel_rule_policy(settings, desk)),
        MonitoringScreener(sessions, rules=rules, desk=desk),
    )


def bank_payments(settings: Settings) -> SandboxBankPayments:
    return SandboxBankPayments(
        base_url=settings.banking.api_url, timeout=settings.banking.request_timeout_seconds
    )


def refund_policy(settings: Settings) -> RefundPolicy:
    banking = settings.banking
    return RefundPolicy(
        max_attempts=banking.refund_max_attempts,
        retry_base=timedelta(seconds=banking.refund_retry_base_seconds),
        retry_max=timedelta(seconds=banking.refund_retry_max_seconds),
    )


def consumer_for(
    name: str, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Consumer:
    if name == "deposits":
        return deposits_consumer(
            min_holder_score=settings.banking.holder_name_min_score,
            rules=PaymentRules.from_settings(settings.banking),
            payments=bank_payments(settings),
            bank=settings.banking.bank,
            order_funds=UnspentOrderFunds(),
        )
    if name == "orders":
        desk = FxDesk.from_settings(settings.fx)
        desk.alarm_sink = peg_alarm_recorder(sessions)
        return orders_consumer(
            desk=desk,
            screener=orders_screener(settings, sessions, desk),
            kyc_settings=settings.kyc,
            funding_min_score=settings.banking.holder_name_min_score,
            travel_rule_policy=travel_rule_policy(settings, desk),
        )
    raise ValueError(f"no consumer named {name!r}")


async def _run_bank_files(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event
) -> None:
    banking = settings.banking
    if banking.drop_dir is None:
        log.info("bank_files.no_drop_dir")  # nothing to watch: wait for the stop signal
        await stop.wait()
        return
    await run_drop_folder(
        sessions,
        directory=banking.drop_dir,
        bank=banking.bank,
        now=SystemClock().now,
        stop=stop,
        interval=banking.drop_poll_seconds,
        settle_seconds=banking.drop_settle_seconds,
        order_funds=UnspentOrderFunds(),
        min_holder_score=banking.holder_name_min_score,
        rules=PaymentRules.from_settings(banking),
        accounts=accepted_statement_accounts(banking),
    )


async def _run_rescreen(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event
) -> None:
    """Re-screens after each list update, and the scheduled refresh of the configured lists
    (which makes those updates) beside it."""
    compliance = settings.compliance
    jobs = [
        run_rescreens(
            sessions,
            sources=(VerifiedNames(), KybOwners(), SavedWallets(), UnpaidOrders()),
            matchers=_list_matchers(settings),
            clock=SystemClock(),
            stop=stop,
            idle=compliance.rescreen_poll_seconds,
        )
    ]
    lists = configured_sources(compliance.list_url, compliance.list_format, compliance.list_sources)
    if lists:
        jobs.append(
            run_list_refresh(
                ListRefresher(lists),
                sessions,
                clock=SystemClock(),
                stop=stop,
                interval=compliance.list_refresh_seconds,
            )
        )
    await asyncio.gather(*jobs)


async def _run(
    name: str,
    settings: Settings,
    *,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    stop: asyncio.Event,
) -> None:
    chain = settings.chain
    if name == "payouts":
        client = ChainClient(chain.rpc_url)
        sender = sender_from(
            sessions=sessions,
            client=client,
            signer=await asyncio.to_thread(payout_signer, chain, settings.hsm),
            vault=chain.vault_address,
            chain_id=chain.chain_id,
            batch_size=chain.payout_batch_size,
            destination_check=PayoutScreen(sessions, _list_matchers(settings)),
            fees=FeePolicy(
                bump_percent=chain.fee_bump_percent,
                max_fee_per_gas=chain.max_fee_per_gas_gwei * 10**9,
            ),
            gate=RiskGate(RiskLimits.from_settings(settings.treasury_risk)),
            batch_wait=timedelta(seconds=chain.payout_batch_wait_seconds),
        )
        await run_payout_sender(
            sender,
            engine=engine,
            database_url=settings.database.url,
            stop=stop,
            idle=chain.poll_interval_seconds,
            rebroadcast_after=chain.rebroadcast_after_seconds,
            replace_after=chain.replace_after_seconds,
        )
        return
    if name == "confirmations":
        watcher = ConfirmationWatcher(
            sessions=sessions,
            client=ChainClient(chain.rpc_url),
            vault=chain.vault_address,
            confirmations=chain.confirmations,
            require_finalized=chain.require_finalized,
        )
        await run_confirmations(watcher, stop=stop, idle=chain.poll_interval_seconds)
        return
    if name == "withdrawals":
        withdrawal_sender = WithdrawalSender(
            sessions=sessions,
            client=ChainClient(chain.rpc_url),
            signer=await asyncio.to_thread(custody_signer, settings.custody, settings.hsm),
            factory=chain.wallet_factory_address,
            usdc=chain.usdc_address,
            chain_id=chain.chain_id,
            destination_check=WithdrawalScreen(sessions, _list_matchers(settings)),
        )
        await run_withdrawals(
            withdrawal_sender,
            engine=engine,
            stop=stop,
            idle=settings.custody.poll_interval_seconds,
            rebroadcast_after=settings.custody.rebroadcast_after_seconds,
        )
        return
    if name == "audit":
        await run_sealer(sessions, stop=stop)
        return
    if name == "treasury":
        client = ChainClient(chain.rpc_url)
        executor = ProposalExecutor(
            sessions=sessions,
            client=client,
            signer=await asyncio.to_thread(executor_signer, settings.treasury, settings.hsm),
            chain_id=chain.chain_id,
            confirmations=chain.confirmations,
        )
        await run_treasury(
            functools.partial(
                treasury_round,
                sessions,
                client,
                executor,
                usdc=chain.usdc_address,
                chain_id=chain.chain_id,
                issuer=issuer_flow(settings, sessions) if settings.issuer.api_url else None,
            ),
            executor,
            stop=stop,
            interval=settings.treasury.check_interval_seconds,
        )
        return
    if name == "refunds":
        banking = settings.banking
        await run_refunds(
            sessions,
            payments=bank_payments(settings),
            policy=refund_policy(settings),
            channel=RefundChannel(banking.refund_channel),
            clock=SystemClock(),
            database_url=settings.database.url,
            stop=stop,
            idle=banking.refund_poll_seconds,
        )
        return
    if name == "kyc_review":
        await run_review_expiry(
            sessions,
            clock=SystemClock(),
            stop=stop,
            interval=settings.kyc.review_interval_seconds,
        )
        return
    if name == "order_expiry":
        after = timedelta(hours=settings.banking.order_expiry_hours)

        async def expire(session: AsyncSession, now: datetime, limit: int) -> int:
            return await expire_unpaid(session, now=now, after=after, limit=limit)

        await run_periodic(
            sessions,
            expire,
            name="order_expiry",
            clock=SystemClock(),
            stop=stop,
            interval=settings.banking.order_expiry_poll_seconds,
        )
        return
    if name == "rescreen":
        await _run_rescreen(settings, sessions, stop)
        return
    if name == "bank_files":
        await _run_bank_files(settings, sessions, stop)
        return
    if name == "risk":
        monitor = await asyncio.to_thread(risk_monitor, settings, sessions, SystemClock())
        await run_risk_monitor(
            monitor, stop=stop, interval=settings.treasury_risk.check_interval_seconds
        )
        return
    if name == "mailer":
        await run_mailer(
            sessions,
            sender=SmtpSender(settings.notifications),
            clock=SystemClock(),
            database_url=settings.database.url,
            max_attempts=settings.notifications.max_attempts,
            stop=stop,
        )
        return
    bus: EventBus = await connect_bus(settings.nats.url, stream=settings.nats.stream)
    try:
        if name == "relay":
            await run_relay(sessions, bus, database_url=settings.database.url, stop=stop)
        else:
            await run_consumer(
                consumer_for(name, settings, sessions), bus=bus, sessions=sessions, stop=stop
            )
    finally:
        await bus.close()


async def run_worker(name: str, settings: Settings) -> None:
    check_config(name, settings)
    configure_logging(level=settings.log_level, process=f"worker:{name}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    engine = create_engine(settings.database.url, pool_size=4, max_overflow=4)
    sessions = session_factory(engine)
    refresher: asyncio.Task[None] | None = None
    try:
        if name in COMPUTES_WALLET_ADDRESSES:
            await check_configured_wallet_factory(settings.chain)
        if name in READS_PERSONAL_DATA:
            install_keyring(await open_keyring(sessions, settings.hsm))
            refresher = asyncio.create_task(
                keep_keyring_fresh(
                    sessions, settings.hsm, interval=settings.hsm.keyring_refresh_seconds
                )
            )
        if name in PAYS_CUSTOMERS:  # their destinations are checked against these
            async with unit_of_work(sessions) as session:
                await register_system_contracts(session, settings.chain)
        await _run(name, settings, engine=engine, sessions=sessions, stop=stop)
    finally:
        if refresher is not None:
            refresher.cancel()
        await engine.dispose()
