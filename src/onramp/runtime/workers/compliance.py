"""Screening's workers: re-screens after each list update, the scheduled list refresh, and the
expiry of KYC reviews; and the list matchers and freshness the screening workers share."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from onramp.compliance import (
    ListFreshness,
    ListMatchers,
    ListRefresher,
    MatchSettings,
    configured_sources,
    run_list_refresh,
    run_rescreens,
)
from onramp.core.clock import SystemClock
from onramp.core.settings import Settings
from onramp.kyc import KybOwners, VerifiedNames, run_review_expiry
from onramp.orders import UnpaidOrders
from onramp.runtime.workers.registry import Resources, Worker
from onramp.wallets import SavedWallets


def list_matchers(settings: Settings) -> ListMatchers:
    return ListMatchers(MatchSettings(threshold=settings.compliance.name_threshold))


def list_freshness(settings: Settings) -> ListFreshness:
    """Production fails closed on a missing or old list; elsewhere the order says so."""
    return ListFreshness(
        max_age=timedelta(hours=settings.compliance.max_list_age_hours),
        fail_closed=settings.env == "production",
    )


async def _rescreen(resources: Resources) -> None:
    """Re-screens after each list update, and the scheduled refresh of the configured lists
    (which makes those updates) beside it."""
    settings, sessions, stop = resources.settings, resources.sessions, resources.stop
    compliance = settings.compliance
    jobs = [
        run_rescreens(
            sessions,
            sources=(VerifiedNames(), KybOwners(), SavedWallets(), UnpaidOrders()),
            matchers=list_matchers(settings),
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


async def _expire_reviews(resources: Resources) -> None:
    await run_review_expiry(
        resources.sessions,
        clock=SystemClock(),
        stop=resources.stop,
        interval=resources.settings.kyc.review_interval_seconds,
    )


rescreen = Worker("rescreen", _rescreen, reads_personal_data=True)
kyc_review = Worker("kyc_review", _expire_reviews)
