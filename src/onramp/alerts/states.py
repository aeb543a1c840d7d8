"""An alert's life: opened ``pending`` when its check first fails, ``firing`` once it has kept
failing for the rule's ``for_seconds``, ``acknowledged`` by a person, ``resolved`` when the
check clears (``system:alerts``) or by a person. One open row per (rule, group): firing again
updates it. Each change to ``firing`` or ``resolved`` queues one delivery per channel, unless a
silence covers it. Every change is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.alerts.context import Breach
from onramp.alerts.models import Alert, AlertDelivery, AlertSilence, AlertState, DeliveryStatus
from onramp.alerts.rules import AlertRule
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.logging import get_logger
from onramp.core.settings import AlertSettings

log = get_logger(__name__)
SYSTEM = "system:alerts"


async def audit(session: AsyncSession, alert: Alert, actor: str, action: str) -> None:
    await record(
        session,
        actor=actor,
        action=f"alerts.{action}",
        entity_type="alert",
        entity_id=str(alert.id),
        data={"rule": alert.rule, "group": alert.group_key, "state": alert.state},
    )


def payload_of(alert: Alert, event: str) -> dict[str, Any]:
    """What every channel is told: the alert as it stands at this change."""
    return {
        "id": str(alert.id),
        "event": event,
        "rule": alert.rule,
        "group": alert.group_key,
        "state": alert.state,
        "severity": alert.severity,
        "summary": alert.summary,
        "value": alert.value,
        "runbook": alert.runbook,
        "fired_at": alert.fired_at.isoformat() if alert.fired_at else None,
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
    }


async def queue_deliveries(
    session: AsyncSession, alert: Alert, event: str, settings: AlertSettings, now: datetime
) -> None:
    """One delivery of this change per channel; a second call for the same change adds none."""
    if alert.silenced_by is not None or not settings.channels:
        return
    rows = [
        {
            "id": uuid7(),
            "alert_id": alert.id,
            "channel": channel.name,
            "event": event,
            "payload": payload_of(alert, event),
            "status": DeliveryStatus.QUEUED.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for channel in settings.channels
    ]
    await session.execute(insert(AlertDelivery).values(rows).on_conflict_do_nothing())


async def active_silence(
    session: AsyncSession, rule: str, group: str, now: datetime
) -> AlertSilence | None:
    found: AlertSilence | None = await session.scalar(
        select(AlertSilence)
        .where(
            AlertSilence.rule == rule,
            or_(AlertSilence.group_key.is_(None), AlertSilence.group_key == group),
            AlertSilence.starts_at <= now,
            AlertSilence.ends_at > now,
        )
        .order_by(AlertSilence.ends_at.desc())
        .limit(1)
    )
    return found


async def fire(session: AsyncSession, alert: Alert, settings: AlertSettings, now: datetime) -> None:
    alert.state, alert.fired_at = AlertState.FIRING.value, now
    silence = await active_silence(session, alert.rule, alert.group_key, now)
    alert.silenced_by = silence.id if silence is not None else None
    await audit(session, alert, SYSTEM, "fired")
    await queue_deliveries(session, alert, "firing", settings, now)
    log.warning("alerts.firing", rule=alert.rule, group=alert.group_key, silenced=bool(silence))


async def resolve(
    session: AsyncSession, alert: Alert, actor: str, settings: AlertSettings, now: datetime
) -> None:
    fired = alert.fired_at is not None
    alert.state, alert.resolved_at, alert.resolved_by = AlertState.RESOLVED.value, now, actor
    await audit(session, alert, actor, "resolved")
    if fired:  # one never fired (pending) was never announced
        await queue_deliveries(session, alert, "resolved", settings, now)
    log.info("alerts.resolved", rule=alert.rule, group=alert.group_key, by=actor)


async def observe(
    session: AsyncSession,
    rule: AlertRule,
    breach: Breach,
    alert: Alert | None,
    settings: AlertSettings,
    now: datetime,
) -> Alert:
    """The check failed for this group: open the alert, or update the open one (firing it once
    it has failed for the rule's ``for_seconds``)."""
    if alert is None:
        alert = Alert(
            id=uuid7(),
            rule=rule.name,
            group_key=breach.group[:120],
            state=AlertState.PENDING.value,
            severity=rule.severity,
            runbook=rule.runbook,
            first_seen_at=now,
            evaluations=0,
        )
        session.add(alert)
    alert.summary, alert.value = breach.summary[:500], breach.value[:60]
    alert.last_seen_at, alert.evaluations = now, alert.evaluations + 1
    if alert.state == AlertState.PENDING.value and (
        (now - alert.first_seen_at).total_seconds() >= rule.for_seconds
    ):
        await session.flush()
        await fire(session, alert, settings, now)
    return alert
