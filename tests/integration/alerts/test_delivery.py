"""How alerts move and reach people, on the real database: a rule held for its ``for`` time
fires once, deduplicated over evaluations, and resolves by itself when the check clears; a
silence holds deliveries back; a failing channel is retried with backoff then dead-lettered;
Slack gets ``{"text"}``, email lands in the mail sandbox; one evaluator at a time."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.alerts import (
    Alert,
    AlertDelivery,
    RuleSet,
    alerts_round,
    deliver_due,
    run_alerts,
    silence_alerts,
)
from onramp.core.clock import SystemClock
from onramp.core.db import unit_of_work
from onramp.core.settings import AlertChannelSettings, AlertSettings
from onramp.devstack.stack import Stack
from tests.integration.alerts.conftest import (
    Receiver,
    alert_settings,
    round_,
    staff,
    test_rule,
)

pytestmark = pytest.mark.integration
Sessions = async_sessionmaker[AsyncSession]


async def _alerts(sessions: Sessions, rule: str) -> list[Alert]:
    """The rule's alerts of the personal data key (data_key_age also finds the blind index's)."""
    async with sessions() as session:
        where = (Alert.rule == rule, Alert.group_key == "pii")
        return list(await session.scalars(select(Alert).where(*where)))


def _pii(found: list[dict[str, object]]) -> list[dict[str, object]]:
    return [p for p in found if p["group"] == "pii"]


async def test_a_rule_fires_after_its_for_time_once_and_resolves_when_the_check_clears(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    # data_key_age at threshold 0 fails for as long as the test runs.
    rule = test_rule("data_key_age", 0, for_seconds=60)
    settings = alert_settings(infra.settings, receiver)
    now = datetime.now(UTC)
    await round_(sessions, rule, settings, now)
    (alert,) = await _alerts(sessions, rule.name)
    assert (alert.state, alert.fired_at) == ("pending", None)
    assert receiver.received == []  # pending is not announced

    await round_(sessions, rule, settings, now + timedelta(seconds=30))
    await round_(sessions, rule, settings, now + timedelta(seconds=61))
    await round_(sessions, rule, settings, now + timedelta(seconds=90))
    (alert,) = await _alerts(sessions, rule.name)  # one row: updated, never duplicated
    assert (alert.state, alert.evaluations) == ("firing", 4)
    assert len(_pii(receiver.of(rule.name, "firing"))) == 1

    cleared = rule.model_copy(update={"threshold": 10.0**12})
    await round_(sessions, cleared, settings, now + timedelta(seconds=120))
    (alert,) = await _alerts(sessions, rule.name)
    assert (alert.state, alert.resolved_by) == ("resolved", "system:alerts")
    (resolved,) = _pii(receiver.of(rule.name, "resolved"))
    assert resolved["id"] == str(alert.id)

    await round_(sessions, rule, settings, now + timedelta(seconds=150))  # fails again
    again = await _alerts(sessions, rule.name)
    assert sorted(a.state for a in again) == ["pending", "resolved"]  # history kept


async def test_a_silence_holds_back_the_deliveries_of_its_rule(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    rule = test_rule("data_key_age", 0)
    settings = alert_settings(infra.settings, receiver)
    now = datetime.now(UTC)
    async with unit_of_work(sessions) as session:
        await silence_alerts(
            session,
            rule=rule.name,
            group=None,
            reason="key rotation planned for Monday",
            duration=timedelta(hours=1),
            staff=staff(),
            rules=RuleSet((rule,)),
            now=now,
        )
    await round_(sessions, rule, settings, now)
    (alert,) = await _alerts(sessions, rule.name)
    assert alert.state == "firing"
    assert alert.silenced_by is not None
    assert receiver.of(rule.name, "firing") == []


async def test_a_failing_channel_is_retried_with_backoff_then_dead_lettered(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    receiver.status = 503
    rule = test_rule("data_key_age", 0)
    settings = alert_settings(infra.settings, receiver, max_attempts=3, backoff_seconds=10)
    now = datetime.now(UTC)
    await round_(sessions, rule, settings, now)  # attempt 1 fails: next in 10 s
    for later in (5, 10, 25, 30, 60):  # due at 10 (then 20 s later: 30); dead after the 3rd
        async with unit_of_work(sessions) as session:
            await deliver_due(session, settings, now + timedelta(seconds=later))
    (alert,) = await _alerts(sessions, rule.name)
    async with sessions() as session:
        (delivery,) = await session.scalars(
            select(AlertDelivery).where(AlertDelivery.alert_id == alert.id)
        )
    assert (delivery.status, delivery.attempts) == ("dead", 3)
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("HTTP 503")
    tries = [r for r in receiver.received if r.payload.get("id") == str(alert.id)]
    assert len(tries) == 3
    assert {r.headers["X-Onramp-Delivery"] for r in tries} == {str(delivery.id)}


async def test_with_private_addresses_refused_a_channel_on_loopback_is_never_called(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    """Production's policy (webhooks.allow_private false): the webhooks' SSRF check runs
    before each post, so a channel on 127.0.0.1 (or plain http) fails without a request."""
    rule = test_rule("data_key_age", 0)
    settings = alert_settings(infra.settings, receiver, max_attempts=1)
    settings = settings.model_copy(
        update={"webhooks": settings.webhooks.model_copy(update={"allow_private": False})}
    )
    await round_(sessions, rule, settings, datetime.now(UTC))
    (alert,) = await _alerts(sessions, rule.name)
    async with sessions() as session:
        (delivery,) = await session.scalars(
            select(AlertDelivery).where(AlertDelivery.alert_id == alert.id)
        )
    assert delivery.status == "dead"
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("webhook_url_invalid")  # http: refused before DNS
    assert not [r for r in receiver.received if r.payload.get("id") == str(alert.id)]

    https = settings.alerts.channels[0].model_copy(
        update={"url": receiver.url.replace("http://", "https://")}
    )
    rule = test_rule("data_key_age", 0)
    settings = settings.model_copy(
        update={"alerts": settings.alerts.model_copy(update={"channels": (https,)})}
    )
    await round_(sessions, rule, settings, datetime.now(UTC))
    (alert,) = await _alerts(sessions, rule.name)
    async with sessions() as session:
        (delivery,) = await session.scalars(
            select(AlertDelivery).where(AlertDelivery.alert_id == alert.id)
        )
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("webhook_url_not_allowed")  # resolves to loopback


async def test_slack_gets_a_line_of_text_and_email_lands_in_the_sandbox(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    to = f"oncall.{uuid.uuid4().hex}@example.com"
    channels = (
        AlertChannelSettings(name="slack", kind="slack", url=receiver.url),
        AlertChannelSettings(name="mail", kind="email", to=to, secret=SecretStr("")),
    )
    settings = infra.settings.model_copy(update={"alerts": AlertSettings(channels=channels)})
    rule = test_rule("data_key_age", 0)
    await round_(sessions, rule, settings, datetime.now(UTC))

    (slack,) = [r for r in receiver.received if f"{rule.name} (pii)" in r.body.decode()]
    text = json.loads(slack.body)["text"]
    assert text.startswith(f"[CRITICAL] {rule.name} (pii):")
    assert "docs/alerts.md#data-key-age" in text
    async with httpx.AsyncClient(base_url=infra.mail.url) as mail:
        messages = (await mail.get("/messages", params={"to": to})).json()["data"]
    assert len([m for m in messages if f"{rule.name} (pii)" in m["subject"]]) == 1


async def test_one_evaluator_at_a_time(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    rule = test_rule("data_key_age", 0)
    settings = alert_settings(infra.settings, receiver)
    now = datetime.now(UTC)
    rules = RuleSet((rule,))
    for _ in range(60):  # the stack's own alerts worker may hold the lock for a moment
        async with unit_of_work(sessions) as first, unit_of_work(sessions) as second:
            failing = await alerts_round(first, rules, settings, now)
            if failing:
                assert failing == 2  # the personal data key and the blind index key
                assert await alerts_round(second, rules, settings, now) == 0  # first holds it
                break
        await asyncio.sleep(0.5)
    else:
        raise AssertionError("never the evaluator")
    (alert,) = await _alerts(sessions, rule.name)
    assert alert.evaluations == 1


async def test_the_worker_evaluates_and_delivers_until_stopped(
    infra: Stack, sessions: Sessions, receiver: Receiver
) -> None:
    rule = test_rule("data_key_age", 0)
    settings = alert_settings(infra.settings, receiver, evaluate_interval_seconds=0.2)
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_alerts(sessions, RuleSet((rule,)), settings, clock=SystemClock(), stop=stop)
    )
    # Whichever data keys' groups fire (the suite's earlier tests may have made or re-wrapped
    # one a moment ago): each is delivered once however often it is evaluated.
    try:
        for _ in range(600):
            fired = {p["group"] for p in receiver.of(rule.name, "firing")}
            evaluated = [a for a in await _all_alerts(sessions, rule.name) if a.evaluations >= 3]
            if fired and {a.group_key for a in evaluated} >= fired:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=30)
    firing = receiver.of(rule.name, "firing")
    assert firing  # evaluated many times, sent once per group
    groups = [p["group"] for p in firing]
    assert len(groups) == len(set(groups))
    alerts = {a.group_key: a for a in await _all_alerts(sessions, rule.name)}
    assert all(alerts[group].evaluations >= 3 for group in groups)


async def _all_alerts(sessions: Sessions, rule: str) -> list[Alert]:
    async with sessions() as session:
        return list(await session.scalars(select(Alert).where(Alert.rule == rule)))
