"""The alerts' API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from onramp.alerts.models import Alert, AlertSilence
from onramp.core.request_fields import MultilineText, Text


class AlertOut(BaseModel):
    id: uuid.UUID
    rule: str
    group: str
    state: str
    severity: str
    summary: str
    value: str
    runbook: str
    first_seen_at: datetime
    last_seen_at: datetime
    fired_at: datetime | None
    evaluations: int
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    silenced: bool


class AlertList(BaseModel):
    data: list[AlertOut]
    next_before: uuid.UUID | None


class SilenceIn(BaseModel):
    rule: Text = Field(max_length=60)
    group: Text | None = Field(default=None, max_length=120)
    reason: MultilineText = Field(min_length=1, max_length=500)
    duration_seconds: int = Field(ge=60, le=30 * 86400)


class SilenceOut(BaseModel):
    id: uuid.UUID
    rule: str
    group: str | None
    reason: str
    starts_at: datetime
    ends_at: datetime
    created_by: str


def alert_out(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.id,
        rule=a.rule,
        group=a.group_key,
        state=a.state,
        severity=a.severity,
        summary=a.summary,
        value=a.value,
        runbook=a.runbook,
        first_seen_at=a.first_seen_at,
        last_seen_at=a.last_seen_at,
        fired_at=a.fired_at,
        evaluations=a.evaluations,
        acknowledged_at=a.acknowledged_at,
        acknowledged_by=a.acknowledged_by,
        resolved_at=a.resolved_at,
        resolved_by=a.resolved_by,
        silenced=a.silenced_by is not None,
    )


def silence_out(s: AlertSilence) -> SilenceOut:
    return SilenceOut(
        id=s.id,
        rule=s.rule,
        group=s.group_key,
        reason=s.reason,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        created_by=s.created_by,
    )
