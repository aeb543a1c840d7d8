"""The orders' workers: the saga (screening every funded order) and the expiry of unpaid
orders."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance import RuleSet
from onramp.core.clock import SystemClock
from onramp.core.consumer import Consumer
from onramp.core.periodic import run_periodic
from onramp.core.settings import Settings
from onramp.fx import FxDesk, peg_alarm_recorder
from onramp.orders import (
    MonitoringScreener,
    SanctionsScreener,
    Screener,
    Screeners,
    TravelRulePolicy,
    TravelRuleScreener,
    expire_unpaid,
    orders_consumer,
)
from onramp.runtime.workers.compliance import list_freshness, list_matchers
from onramp.runtime.workers.registry import Resources, Worker, consuming


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
            sessions, matchers=list_matchers(settings), freshness=list_freshness(settings)
        ),
        TravelRuleScreener(sessions, travel_rule_policy(settings, desk)),
        MonitoringScreener(sessions, rules=rules, desk=desk),
    )


def _saga(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Consumer:
    desk = FxDesk.from_settings(settings.fx)
    desk.alarm_sink = peg_alarm_recorder(sessions)
    return orders_consumer(
        desk=desk,
        screener=orders_screener(settings, sessions, desk),
        kyc_settings=settings.kyc,
        funding_min_score=settings.banking.holder_name_min_score,
        travel_rule_policy=travel_rule_policy(settings, desk),
    )


def _check_rules(settings: Settings) -> None:
    RuleSet.from_file(settings.compliance.monitoring_rules_file)


async def _expire(resources: Resources) -> None:
    banking = resources.settings.banking
    after = timedelta(hours=banking.order_expiry_hours)

    async def expire(session: AsyncSession, now: datetime, limit: int) -> int:
        return await expire_unpaid(session, now=now, after=after, limit=limit)

    await run_periodic(
        resources.sessions,
        expire,
        name="order_expiry",
        clock=SystemClock(),
        stop=resources.stop,
        interval=banking.order_expiry_poll_seconds,
    )


orders = Worker(
    "orders",
    consuming(_saga),
    check=_check_rules,
    reads_personal_data=True,
    computes_wallet_addresses=True,
)
order_expiry = Worker("order_expiry", _expire)
