"""Raising alerts: in the caller's transaction, into the customer's open case (opened when there
is none), each finding once (``dedupe_key``), audited and announced on the bus."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.cases.models import ComplianceAlert, ComplianceCase
from onramp.core.audit import audit_row, record_many
from onramp.core.events import CloudEvent, subject_for
from onramp.core.ids import uuid7
from onramp.core.outbox import emit_many, make_event

SOURCE = "onramp.compliance"
ALERT_RAISED = subject_for("compliance", "alert.raised")
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class AlertDraft:
    customer_id: uuid.UUID
    source: str
    kind: str
    severity: str
    reason: str
    subject_type: str
    subject_id: str
    dedupe_key: str
    hold: bool = False
    order_id: uuid.UUID | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY_RANK:
            raise ValueError(f"unknown severity {self.severity!r}")

    @classmethod
    def holding_order(
        cls,
        *,
        customer_id: uuid.UUID,
        order_id: uuid.UUID,
        source: str,
        kind: str,
        severity: str,
        reason: str,
        evidence: dict[str, Any],
    ) -> AlertDraft:
        """A finding that stops this order until the case is decided (once per order)."""
        return cls(
            customer_id=customer_id,
            source=source,
            kind=kind,
            severity=severity,
            reason=reason,
            subject_type="order",
            subject_id=str(order_id),
            dedupe_key=f"{source}:{kind}:{order_id}",
            hold=True,
            order_id=order_id,
            evidence=dict(evidence),
        )


async def _open_case(
    session: AsyncSession, customer_id: uuid.UUID, severity: str, now: datetime
) -> ComplianceCase:
    """The customer's open case, locked; opened (race-safely) when there is none."""
    await session.execute(
        insert(ComplianceCase)
        .values(
            id=uuid7(),
            customer_id=customer_id,
            status="open",
            severity=severity,
            opened_at=now,
        )
        .on_conflict_do_nothing(
            # A literal, not a bound parameter: under a generic plan (a prepared statement
            # run a few times on one connection) PostgreSQL cannot match "status = $1" to the
            # partial index and refuses the ON CONFLICT.
            index_elements=["customer_id"],
            index_where=text("status = 'open'"),
        )
    )
    case = await session.scalar(
        select(ComplianceCase)
        .where(ComplianceCase.customer_id == customer_id, ComplianceCase.status == "open")
        .with_for_update()
    )
    assert case is not None
    return case


async def raise_alerts(
    session: AsyncSession, drafts: Sequence[AlertDraft], *, now: datetime, actor: str
) -> list[ComplianceAlert]:
    """Record the findings; returns the alerts that are new (a replayed finding returns none)."""
    raised: list[ComplianceAlert] = []
    audits: list[dict[str, Any]] = []
    events = []
    for draft in sorted(drafts, key=lambda d: (str(d.customer_id), d.dedupe_key)):
        case = await _open_case(session, draft.customer_id, draft.severity, now)
        alert_id = await _insert_alert(session, draft, case.id, now)
        if alert_id is None:
            continue
        if SEVERITY_RANK[draft.severity] > SEVERITY_RANK[case.severity]:
            await session.execute(
                update(ComplianceCase)
                .where(ComplianceCase.id == case.id)
                .values(severity=draft.severity)
            )
        alert = await session.get_one(ComplianceAlert, alert_id)
        raised.append(alert)
        audit, event = _announce(draft, alert, actor=actor)
        audits.append(audit)
        events.append(event)
    await record_many(session, audits)
    await emit_many(session, events)
    return raised


async def _insert_alert(
    session: AsyncSession, draft: AlertDraft, case_id: uuid.UUID, now: datetime
) -> uuid.UUID | None:
    """The new alert's id; None when its ``dedupe_key`` was raised before."""
    alert_id = uuid7()
    inserted = await session.scalar(
        insert(ComplianceAlert)
        .values(
            id=alert_id,
            case_id=case_id,
            customer_id=draft.customer_id,
            source=draft.source,
            kind=draft.kind,
            severity=draft.severity,
            action="hold" if draft.hold else "alert",
            reason=draft.reason,
            evidence=draft.evidence,
            subject_type=draft.subject_type,
            subject_id=draft.subject_id,
            order_id=draft.order_id,
            dedupe_key=draft.dedupe_key,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(ComplianceAlert.id)
    )
    return None if inserted is None else alert_id


def _announce(
    draft: AlertDraft, alert: ComplianceAlert, *, actor: str
) -> tuple[dict[str, Any], CloudEvent]:
    """The new alert's audit record (with its reason and evidence) and its event."""
    data = {
        "case_id": str(alert.case_id),
        "customer_id": str(draft.customer_id),
        "source": draft.source,
        "kind": draft.kind,
        "severity": draft.severity,
        "action": alert.action,
        "subject_type": draft.subject_type,
        "subject_id": draft.subject_id,
        "order_id": None if draft.order_id is None else str(draft.order_id),
    }
    audit = audit_row(
        actor=actor,
        action="compliance.alert_raised",
        entity_type="compliance_alert",
        entity_id=str(alert.id),
        data={**data, "reason": draft.reason, "evidence": draft.evidence},
    )
    event = make_event(
        ALERT_RAISED,
        {"alert_id": str(alert.id), **data},
        source=SOURCE,
        entity_id=str(alert.case_id),
        correlation_id=data["order_id"] or str(alert.case_id),
    )
    return audit, event


async def alerts_of_case(session: AsyncSession, case_id: uuid.UUID) -> list[ComplianceAlert]:
    rows = await session.scalars(
        select(ComplianceAlert)
        .where(ComplianceAlert.case_id == case_id)
        .order_by(ComplianceAlert.id)
    )
    return list(rows.all())
