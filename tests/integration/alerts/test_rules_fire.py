"""Each alert rule fires in a test that provokes it, on the real database (and the test stack's
anvil, NATS and SoftHSM for the checks that ask them): two evaluations, one delivery to a local
webhook receiver (signed), then acknowledged and resolved by hand, one more delivery."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from pydantic import SecretStr
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.alerts import Alert, acknowledge_alert, deliver_due, resolve_alert
from onramp.banking.models import Deposit
from onramp.banking.refund_models import Refund
from onramp.chain.models import Payout
from onramp.core.bus import connect_bus
from onramp.core.db import unit_of_work
from onramp.core.errors import OnrampError
from onramp.core.events import subject_for
from onramp.core.ids import uuid7
from onramp.core.outbox import emit, make_event
from onramp.core.settings import Settings
from onramp.core.webhook_signatures import verify_signature
from onramp.devstack.stack import Stack
from onramp.recon.models import ReconBreak
from onramp.treasury import trip_breaker
from onramp.treasury.models import TreasuryWallet
from tests.integration.alerts.conftest import (
    SECRET,
    Receiver,
    alert_settings,
    round_,
    staff,
    test_rule,
    without_workers,
)
from tests.unit.core.pem_certificates import pem_certificate

pytestmark = pytest.mark.integration
Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Provocation:
    """Makes the check fail (and undoes it after): the rule's threshold, the group expected,
    the stack workers to stop meanwhile, and how the settings change (if they do)."""

    check: str
    threshold: float
    group: str | None  # None: whatever group, as long as one fires
    provoke: Callable[[Sessions, Stack], AbstractAsyncContextManager[str | None]]
    quiet: tuple[str, ...] = ()
    settings: Callable[[Settings], Settings] = field(default=lambda s: s)


def _address() -> str:
    return str(Account.create().address)


@asynccontextmanager
async def _wallet(sessions: Sessions, **policy: Any) -> AsyncIterator[str]:
    """A treasury wallet of the test's own (empty on-chain), with the given policy."""
    name = f"t{uuid.uuid4().hex[:10]}"
    async with unit_of_work(sessions) as session:
        session.add(TreasuryWallet(name=name, address=_address(), **policy))
    try:
        yield name
    finally:
        async with unit_of_work(sessions) as session:
            await session.execute(delete(TreasuryWallet).where(TreasuryWallet.name == name))


@asynccontextmanager
async def _vault_low(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    async with _wallet(sessions, kind="safe", tier="warm", min_usdc=1, target_usdc=2) as name:
        yield name


@asynccontextmanager
async def _gas_low(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    async with _wallet(sessions, kind="key", tier="hot", min_gas_wei=1) as name:
        yield name


@asynccontextmanager
async def _rows(sessions: Sessions, *rows: Any) -> AsyncIterator[None]:
    async with unit_of_work(sessions) as session:
        session.add_all(rows)
    try:
        yield
    finally:
        async with unit_of_work(sessions) as session:
            for row in rows:
                await session.execute(delete(type(row)).where(type(row).id == row.id))


@asynccontextmanager
async def _payout_queued(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    row = Payout(
        id=uuid7(), order_id=uuid7(), to_address=_address(), amount=1, status="queued",
        created_at=datetime.now(UTC) - timedelta(hours=2),
    )  # fmt: skip
    async with _rows(sessions, row):
        yield "queued"


@asynccontextmanager
async def _deposit_unmatched(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    old = datetime.now(UTC) - timedelta(hours=6)
    row = Deposit(
        id=uuid7(), bank="alertstest", bank_entry_id=uuid.uuid4().hex, amount=1_00,
        currency="EUR", reference_text="no reference", booked_at=old, status="unmatched",
        received_at=old,
    )  # fmt: skip
    async with _rows(sessions, row):
        yield "unmatched"


@asynccontextmanager
async def _refund_unanswered(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    """A refund asked three times, the first five hours ago, the bank never answering."""
    old = datetime.now(UTC) - timedelta(hours=5)
    row = Refund(
        id=uuid7(), deposit_id=uuid7(), order_id=None, amount=1_00, currency="EUR",
        reason="unmatched", status="requested", holding_account="transit:refunds:EUR",
        bank="alertstest", remittance="r", requested_by="test", requested_at=old, attempts=3,
        next_attempt_at=datetime.now(UTC) + timedelta(hours=1), last_error="no answer",
    )  # fmt: skip
    async with _rows(sessions, row):
        yield "requested"


@asynccontextmanager
async def _break_open(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    row = ReconBreak(
        id=uuid7(), key=f"duplicate:bank:alertstest:{uuid.uuid4().hex}", run_date=date(2041, 1, 1),
        type="duplicate", source="bank", amount=1_00, currency="EUR", reference="r", detail="d",
        state="open", first_run_id=uuid7(), last_run_id=uuid7(),
    )  # fmt: skip
    async with _rows(sessions, row):
        yield "duplicate"


@asynccontextmanager
async def _break_old(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    """A timing break first found two hours ago (threshold one hour)."""
    row = ReconBreak(
        id=uuid7(), key=f"timing:bank:alertstest:{uuid.uuid4().hex}", run_date=date(2041, 1, 1),
        type="timing", source="bank", amount=1_00, currency="EUR", reference="r", detail="d",
        state="open", first_run_id=uuid7(), last_run_id=uuid7(),
        created_at=datetime.now(UTC) - timedelta(hours=2),
    )  # fmt: skip
    async with _rows(sessions, row):
        yield "timing"


@asynccontextmanager
async def _break_large(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    """A CHF break (a currency no other test's break uses) of 1,200.00 and one of -300.00: by
    amount regardless of sign, 1,500.00 reaches the 1,000 limit ``_chf_limit`` sets."""
    rows = [
        ReconBreak(
            id=uuid7(), key=f"amount_mismatch:bank:alertstest:{uuid.uuid4().hex}",
            run_date=date(2041, 1, 1), type="amount_mismatch", source="bank", amount=amount,
            currency="CHF", reference="r", detail="d", state="open", first_run_id=uuid7(),
            last_run_id=uuid7(),
        )
        for amount in (1_200_00, -300_00)
    ]  # fmt: skip
    async with _rows(sessions, *rows):
        yield "CHF"


def _chf_limit(settings: Settings) -> Settings:
    recon = settings.recon.model_copy(update={"alert_amounts": {"CHF": Decimal("1000")}})
    return settings.model_copy(update={"recon": recon})


async def _close_breaker(sessions: Sessions) -> None:
    """Closed as of now: the risk monitor looks for anomalies only after its closing time, so
    a test's peg alarm never trips it later."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            text(
                "UPDATE treasury_circuit_breaker SET state = 'closed', closed_at = now(), "
                "updated_at = now() WHERE id = 1"
            )
        )


@asynccontextmanager
async def _breaker_open(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    async with unit_of_work(sessions) as session:
        await trip_breaker(session, "alerts test", {}, trigger="manual", actor="test:alerts")
    try:
        yield "payouts"
    finally:
        await _close_breaker(sessions)


@asynccontextmanager
async def _peg_alarm(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    async with unit_of_work(sessions) as session:
        await emit(session, subject_for("fx", "usdc_peg_deviation"), {}, source="test:alerts")
    try:
        yield "usdc"
    finally:
        await _close_breaker(sessions)


@asynccontextmanager
async def _unpublished(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    async with unit_of_work(sessions) as session:
        await emit(session, subject_for("alertstest", "probe"), {}, source="test:alerts")
    yield "unpublished"


@asynccontextmanager
async def _consumer_behind(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    nats = infra.settings.nats
    bus = await connect_bus(nats.url, stream=nats.stream)
    name, subject = f"alertstest-{uuid.uuid4().hex[:8]}", subject_for("alertstest", "lag")
    try:
        await bus.durable_consumer(name, [subject])
        event = make_event(subject, {}, source="test:alerts")
        await bus.publish_batch([(subject, str(event.id), event.to_json())])
        yield name
    finally:
        await bus.js.delete_consumer(nats.stream, name)
        await bus.close()


@asynccontextmanager
async def _nothing(sessions: Sessions, infra: Stack) -> AsyncIterator[str | None]:
    yield None  # the threshold (0) provokes it: any list, any data key is older than that


def _expiring_certificate(settings: Settings) -> Settings:
    """The ingress certificate has a day left (threshold 14 days in seconds)."""
    path = Path(tempfile.mkdtemp(prefix="onramp-alerts-")) / "tls.crt"
    path.write_bytes(pem_certificate(datetime.now(UTC) + timedelta(days=1)))
    watched = settings.metrics.model_copy(update={"certificates": {"ingress": path}})
    return settings.model_copy(update={"metrics": watched})


def _no_hsm_pin(settings: Settings) -> Settings:
    hsm = settings.hsm.model_copy(update={"user_pin": SecretStr("")})
    return settings.model_copy(update={"hsm": hsm})


PROVOCATIONS = [
    Provocation("vault_below_minimum", 0, None, _vault_low, quiet=("treasury",)),
    Provocation("gas_wallet_low", 0, None, _gas_low, quiet=("treasury",)),
    Provocation("payout_stuck", 60, "queued", _payout_queued, quiet=("payouts",)),
    Provocation("unmatched_deposits", 3600, "unmatched", _deposit_unmatched),
    Provocation("refund_unanswered", 3600, "requested", _refund_unanswered, quiet=("refunds",)),
    Provocation("recon_break_open", 1, "duplicate", _break_open),
    Provocation("recon_break_amount", 0, "CHF", _break_large, settings=_chf_limit),
    Provocation("recon_break_age", 3600, "timing", _break_old),
    Provocation("circuit_breaker_tripped", 0, "payouts", _breaker_open, quiet=("risk",)),
    Provocation("peg_deviation", 1, "usdc", _peg_alarm, quiet=("risk",)),
    Provocation("hsm_unreachable", 0, None, _nothing, settings=_no_hsm_pin),
    Provocation("sanctions_list_stale", 0, None, _nothing),
    Provocation("jetstream_consumer_lag", 1, None, _consumer_behind),
    Provocation("outbox_lag", 0, "unpublished", _unpublished, quiet=("relay",)),
    Provocation("data_key_age", 0, "pii", _nothing),
    Provocation(
        "certificate_expiry", 14 * 86400, "ingress", _nothing, settings=_expiring_certificate
    ),
]


class _Invalid(OnrampError):
    code = "test_invalid_signature"


def _signed(receiver: Receiver) -> None:
    for got in receiver.received:
        verify_signature(
            SECRET.encode(),
            got.headers["X-Onramp-Signature"],
            got.body,
            now=time.time(),
            tolerance_seconds=600,
            invalid=_Invalid,
        )


async def _open_alerts(sessions: Sessions, rule: str) -> list[Alert]:
    async with sessions() as session:
        return list(await session.scalars(select(Alert).where(Alert.rule == rule)))


@pytest.mark.parametrize("case", PROVOCATIONS, ids=[p.check for p in PROVOCATIONS])
async def test_each_rule_fires_is_delivered_once_acknowledged_and_resolved(
    case: Provocation, infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    rule = test_rule(case.check, case.threshold)
    settings = case.settings(alert_settings(infra.settings, receiver))
    with without_workers(infra, *case.quiet):
        async with case.provoke(sessions, infra) as group:
            expected = group or case.group
            now = datetime.now(UTC)
            await round_(sessions, rule, settings, now)
            await round_(sessions, rule, settings, now + timedelta(seconds=1))

    alerts = await _open_alerts(sessions, rule.name)
    assert alerts, f"{case.check} did not fire"
    if expected is not None:
        assert expected in {a.group_key for a in alerts}
    assert {a.state for a in alerts} == {"firing"}
    assert {a.evaluations for a in alerts} == {2}  # the second evaluation updated it
    firing = receiver.of(rule.name, "firing")
    assert sorted(p["id"] for p in firing) == sorted(str(a.id) for a in alerts)  # once each
    assert all(p["runbook"] == rule.runbook for p in firing)
    _signed(receiver)

    alert = next(a for a in alerts if expected is None or a.group_key == expected)
    now = datetime.now(UTC)
    async with unit_of_work(sessions) as session:
        acked = await acknowledge_alert(session, alert_id=alert.id, staff=staff(), now=now)
        assert acked.state == "acknowledged"
    async with unit_of_work(sessions) as session:
        done = await resolve_alert(
            session, alert_id=alert.id, staff=staff(), settings=settings, now=now
        )
        assert done.state == "resolved"
        await deliver_due(session, settings, now)
    resolved = receiver.of(rule.name, "resolved")
    assert [p["id"] for p in resolved] == [str(alert.id)]
    assert resolved[0]["state"] == "resolved"
