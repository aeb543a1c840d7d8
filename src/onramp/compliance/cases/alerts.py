"""Raising alerts: in the caller's transaction, into the customer's open case (opened when there
is none), each finding once (``dedupe_key``), audited and announced on the bus."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
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


async def _open_cases(
    session: AsyncSession, opening: dict[uuid.UUID, str], now: datetime
) -> dict[uuid.UUID, ComplianceCase]:
    """Each customer's open case, locked in customer order; opened (race-safely, with the given
    severity) for those who have none. Two statements whatever the number of customers."""
    customers = sorted(opening, key=str)
    await session.execute(
        insert(ComplianceCase).on_conflict_do_nothing(
            # A literal, not a bound parameter: under a generic plan (a prepared statement
            # run a few times on one connection) PostgreSQL cannot match "status = $1" to the
            # partial index and refuses the ON CONFLICT.
            index_elements=["customer_id"],
            index_where=text("status = 'open'"),
        ),
        [
            {
                "id": uuid7(),
                "customer_id": customer,
                "status": "open",
                "severity": opening[customer],
                "opened_at": now,
            }
            for customer in customers
        ],
    )
    cases = await session.scalars(
        select(ComplianceCase)
        .where(ComplianceCase.customer_id.in_(customers), ComplianceCase.status == "open")
        .order_by(ComplianceCase.customer_id)
        .with_for_update()
    )
    found = {case.customer_id: case for case in cases}
    assert set(found) == set(customers)
    return found


async def raise_alerts(
    session: AsyncSession, drafts: Sequence[AlertDraft], *, now: datetime, actor: str
) -> list[ComplianceAlert]:
    """Record the findings; returns the alerts that are new (a replayed finding returns none).

    Set-based, whatever the number of findings (a batch of funded orders raises many at once):
    the cases in two statements, the alerts in one, the raised severities in one flush."""
    ordered: list[AlertDraft] = []
    seen: set[str] = set()
    for draft in sorted(drafts, key=lambda d: (str(d.customer_id), d.dedupe_key)):
        if draft.dedupe_key not in seen:
            seen.add(draft.dedupe_key)
            ordered.append(draft)
    if not ordered:
        return []
    opening: dict[uuid.UUID, str] = {}
    for draft in ordered:  # a new case opens at its first finding's severity
        opening.setdefault(draft.customer_id, draft.severity)
    cases = await _open_cases(session, opening, now)
    inserted = await _insert_alerts(session, ordered, cases, now)
    raised = [inserted[d.dedupe_key] for d in ordered if d.dedupe_key in inserted]
    _raise_severities(cases, raised)
    announced = [
        _announce(d, inserted[d.dedupe_key], actor=actor)
        for d in ordered
        if d.dedupe_key in inserted
    ]
    await record_many(session, [audit for audit, _ in announced])
    await emit_many(session, [event for _, event in announced])
    return raised


async def _insert_alerts(
    session: AsyncSession,
    drafts: Sequence[AlertDraft],
    cases: dict[uuid.UUID, ComplianceCase],
    now: datetime,
) -> dict[str, ComplianceAlert]:
    """The new alerts by ``dedupe_key``; one raised before is skipped."""
    rows = await session.scalars(
        insert(ComplianceAlert)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(ComplianceAlert),
        [
            {
                "id": uuid7(),
                "case_id": cases[draft.customer_id].id,
                "customer_id": draft.customer_id,
                "source": draft.source,
                "kind": draft.kind,
                "severity": draft.severity,
                "action": "hold" if draft.hold else "alert",
                "reason": draft.reason,
                "evidence": draft.evidence,
                "subject_type": draft.subject_type,
                "subject_id": draft.subject_id,
                "order_id": draft.order_id,
                "dedupe_key": draft.dedupe_key,
                "created_at": now,
            }
            for draft in drafts
        ],
    )
    return {alert.dedupe_key: alert for alert in rows}


def _raise_severities(
    cases: dict[uuid.UUID, ComplianceCase], raised: Sequence[ComplianceAlert]
) -> None:
    """A case's severity is the highest among its alerts: raise those a new alert outranks
    (the locked cases are in the session; its flush writes them in one batch)."""
    for alert in raised:
        case = cases[alert.customer_id]
        if SEVERITY_RANK[alert.severity] > SEVERITY_RANK[case.severity]:
            case.severity = alert.severity


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
