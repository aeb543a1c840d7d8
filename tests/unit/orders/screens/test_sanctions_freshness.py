"""The deposit's sanctions screen fails closed in production: no list, or a list not checked
for longer than allowed, holds the order with an alert saying why; elsewhere the order passes
and its reason says it was not screened, or against how old a list."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.checkpoints import ListMatchers, Matchers
from onramp.compliance.freshness import ListFreshness
from onramp.compliance.lists import load_list
from onramp.compliance.matcher import AddressMatcher, NameMatcher
from onramp.compliance.service import ListCheck
from onramp.core.clock import FixedClock
from onramp.core.money import Money
from onramp.core.settings import ComplianceSettings, Settings
from onramp.orders.screens.sanctions import SanctionsScreener
from onramp.orders.screens.screening import ScreeningSubject, Verdict
from onramp.runtime.workers.compliance import list_freshness

DATA = Path(__file__).resolve().parents[3] / "data" / "ofac"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SEMENOV_ETH = "0xdcbEfFBECcE100cCE9E4b153C4e15cB885643193"
SUBJECT = ScreeningSubject(
    uuid.uuid4(),
    uuid.uuid4(),
    Money.parse("100.00", "EUR"),
    "0x" + "1" * 40,
    sender_name="Jane Ordinary",
    deposit_id=uuid.uuid4(),
)
SANCTIONS = load_list(DATA / "sdn_advanced_subset.xml")


class Loaded(ListMatchers):
    """The subset as if loaded, last checked ``checked_hours_ago`` (None: no list loaded)."""

    def __init__(self, checked_hours_ago: float | None) -> None:
        super().__init__()
        self._hours = checked_hours_ago

    async def current(self, session: AsyncSession) -> Matchers | None:
        if self._hours is None:
            return None
        check = ListCheck("OFAC SDN", "v1", NOW - timedelta(hours=self._hours))
        return Matchers(("v1",), AddressMatcher(SANCTIONS), NameMatcher(SANCTIONS), (check,))


@asynccontextmanager
async def _no_session() -> AsyncIterator[Any]:
    yield None


def _screener(hours: float | None, *, production: bool) -> SanctionsScreener:
    return SanctionsScreener(
        cast(async_sessionmaker[AsyncSession], _no_session),
        matchers=Loaded(hours),
        freshness=ListFreshness(max_age=timedelta(hours=48), fail_closed=production),
        clock=FixedClock(NOW),
    )


async def test_production_holds_an_order_when_no_list_is_loaded() -> None:
    result = await _screener(None, production=True).screen(SUBJECT)
    assert result.verdict is Verdict.HOLD
    assert result.reason.startswith("no sanctions list loaded")
    [alert] = result.alerts
    assert (alert.kind, alert.source, alert.severity, alert.hold, alert.order_id) == (
        "sanctions_list_missing",
        "screening",
        "high",
        True,
        SUBJECT.order_id,
    )
    assert [s.finding.decision for s in result.screens] == ["not_screened"]


async def test_production_holds_an_order_when_the_list_is_too_old() -> None:
    result = await _screener(73, production=True).screen(SUBJECT)
    assert result.verdict is Verdict.HOLD
    assert result.reason == (
        "sanctions list too old: OFAC SDN last checked 73 h ago (2026-12-04 11:00 UTC); "
        "the limit is 48 h"
    )
    [alert] = result.alerts
    assert alert.kind == "sanctions_list_stale"
    assert alert.evidence == {
        "sources": {"OFAC SDN": "2026-12-04T11:00:00+00:00"},
        "max_age_hours": 48.0,
    }
    # It was screened all the same: the records show against what.
    assert [s.finding.decision for s in result.screens] == ["clear", "clear"]


async def test_production_pays_on_a_list_checked_within_the_limit() -> None:
    result = await _screener(47, production=True).screen(SUBJECT)
    assert (result.verdict, result.alerts) == (Verdict.CLEAR, ())
    assert result.reason == "sanctions screen clear (list versions v1)"


async def test_a_hit_on_an_old_list_is_held_as_a_hit() -> None:
    listed = ScreeningSubject(SUBJECT.order_id, SUBJECT.customer_id, SUBJECT.amount, SEMENOV_ETH)
    result = await _screener(100, production=True).screen(listed)
    assert result.verdict is Verdict.HOLD
    assert [a.kind for a in result.alerts] == ["sanctions_address"]


@pytest.mark.parametrize(
    ("hours", "reason"),
    [
        (None, "no sanctions list loaded; not screened"),
        (
            73,
            "sanctions screen clear (list versions v1); sanctions list too old: OFAC SDN last "
            "checked 73 h ago (2026-12-04 11:00 UTC); the limit is 48 h",
        ),
    ],
)
async def test_outside_production_the_order_passes_and_says_why(
    hours: float | None, reason: str
) -> None:
    result = await _screener(hours, production=False).screen(SUBJECT)
    assert (result.verdict, result.reason, result.alerts) == (Verdict.CLEAR, reason, ())
    assert result.screens  # recorded, so staff see it in the screening records too


def test_the_orders_worker_fails_closed_only_in_production() -> None:
    # model_construct: only the two fields read matter here, not a full production config.
    section = ComplianceSettings(max_list_age_hours=12)
    production = list_freshness(Settings.model_construct(env="production", compliance=section))
    development = list_freshness(Settings.model_construct(env="development", compliance=section))
    assert (production.fail_closed, production.max_age) == (True, timedelta(hours=12))
    assert development.fail_closed is False
