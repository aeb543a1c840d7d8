"""The alerts' operations: evaluate every rule (the worker, under its advisory lock), and what
a person does in the back office or over the API: list, acknowledge, resolve, silence."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.alerts.checks import CHECKS, Check
from onramp.alerts.context import CheckContext
from onramp.alerts.errors import AlertNotFound, AlertNotOpen, SilenceInvalid
from onramp.alerts.models import OPEN_STATES, Alert, AlertSilence, AlertState
from onramp.alerts.rules import AlertRule, RuleSet, load_rules
from onramp.alerts.states import SYSTEM, audit, observe, resolve
from onramp.auth import Principal
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.logging import get_logger
from onramp.core.settings import Settings

log = get_logger(__name__)


def configured_rules(settings: Settings) -> RuleSet:
    """The rules the settings name, checked (``AlertRulesInvalid`` naming the rule)."""
    return load_rules(settings.alerts.rules_path, CHECKS)


async def _open_alerts(session: AsyncSession, rule: str) -> dict[str, Alert]:
    rows = await session.scalars(
        select(Alert).where(Alert.rule == rule, Alert.state.in_(OPEN_STATES)).with_for_update()
    )
    return {a.group_key: a for a in rows}


async def evaluate_rule(
    session: AsyncSession, rule: AlertRule, settings: Settings, now: datetime, check: Check
) -> int:
    """Run one rule's check and bring its alerts up to date; how many groups fail. A check
    that fails to run (a node down) changes nothing: its alerts stay as they were."""
    try:
        async with session.begin_nested():
            breaches = await check(CheckContext(session, now, rule, settings))
    except Exception as exc:  # noqa: BLE001 - one broken check must not stop the others
        log.warning("alerts.check_failed", rule=rule.name, error=str(exc)[:300])
        return 0
    open_ = await _open_alerts(session, rule.name)
    for breach in breaches:
        await observe(session, rule, breach, open_.pop(breach.group, None), settings.alerts, now)
    for cleared in open_.values():
        await resolve(session, cleared, SYSTEM, settings.alerts, now)
    await session.flush()
    return len(breaches)


async def evaluate(session: AsyncSession, rules: RuleSet, settings: Settings, now: datetime) -> int:
    """Every rule once; how many groups fail in all."""
    failing = 0
    for rule in rules.rules:
        failing += await evaluate_rule(session, rule, settings, now, CHECKS[rule.check])
    return failing


@dataclass(frozen=True)
class AlertPage:
    alerts: list[Alert]
    next_before: uuid.UUID | None


async def list_alerts(
    session: AsyncSession, *, state: str | None, limit: int, before: uuid.UUID | None = None
) -> AlertPage:
    """Newest first, ``limit`` at a time (keyset: ``before`` the last id of the page)."""
    query = select(Alert).order_by(Alert.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Alert.state == state)
    if before is not None:
        query = query.where(Alert.id < before)
    rows = list(await session.scalars(query))
    return AlertPage(rows, rows[-1].id if len(rows) == limit else None)


async def _open_alert(session: AsyncSession, alert_id: uuid.UUID) -> Alert:
    alert = await session.get(Alert, alert_id, with_for_update=True)
    if alert is None:
        raise AlertNotFound(f"no alert {alert_id}")
    if alert.state == AlertState.RESOLVED.value:
        raise AlertNotOpen(f"alert {alert_id} was resolved at {alert.resolved_at}")
    return alert


async def acknowledge(
    session: AsyncSession, *, alert_id: uuid.UUID, staff: Principal, now: datetime
) -> Alert:
    """A person is on it (no delivery: the channels hear of firing and resolved only)."""
    alert = await _open_alert(session, alert_id)
    if alert.state != AlertState.ACKNOWLEDGED.value:
        alert.state, alert.acknowledged_at = AlertState.ACKNOWLEDGED.value, now
        alert.acknowledged_by = f"user:{staff.user_id}"
        await audit(session, alert, alert.acknowledged_by, "acknowledged")
        await session.flush()
    return alert


async def resolve_by_hand(
    session: AsyncSession,
    *,
    alert_id: uuid.UUID,
    staff: Principal,
    settings: Settings,
    now: datetime,
) -> Alert:
    """Closed by a person; if the check still fails, the next evaluation opens a new alert."""
    alert = await _open_alert(session, alert_id)
    await resolve(session, alert, f"user:{staff.user_id}", settings.alerts, now)
    await session.flush()
    return alert


async def silence(
    session: AsyncSession,
    *,
    rule: str,
    group: str | None,
    reason: str,
    duration: timedelta,
    staff: Principal,
    rules: RuleSet,
    now: datetime,
) -> AlertSilence:
    """No delivery for ``rule`` (one group, or all) for ``duration``; audited with its reason."""
    if rules.rule(rule) is None:
        raise SilenceInvalid(f"no alert rule {rule!r}")
    if duration <= timedelta(0) or not reason.strip():
        raise SilenceInvalid("a silence needs a reason and a positive duration")
    row = AlertSilence(
        id=uuid7(),
        rule=rule,
        group_key=group,
        reason=reason.strip()[:500],
        starts_at=now,
        ends_at=now + duration,
        created_by=f"user:{staff.user_id}",
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor=row.created_by,
        action="alerts.silenced",
        entity_type="alert_silence",
        entity_id=str(row.id),
        data={
            "rule": rule,
            "group": group,
            "reason": row.reason,
            "ends_at": row.ends_at.isoformat(),
        },
    )
    return row


async def active_silences(session: AsyncSession, now: datetime) -> list[AlertSilence]:
    rows = await session.scalars(
        select(AlertSilence).where(AlertSilence.ends_at > now).order_by(AlertSilence.ends_at)
    )
    return list(rows)
