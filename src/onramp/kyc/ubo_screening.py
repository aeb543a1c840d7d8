"""Each ultimate beneficial owner of a business case is screened against the latest sanctions
lists (name, date of birth, nationality), at submission and again when the vendor approves.
Every screen is recorded (``ScreeningRecord``, point ``kyb``); a hit raises a holding
``ubo_sanctions_hit`` alert in the customer's compliance case and the case cannot be approved
automatically (``service._apply_verdict`` holds it)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import (
    AlertDraft,
    Finding,
    ListMatchers,
    Screened,
    raise_alerts,
    record_screens,
    screen_name,
)
from onramp.core.audit import record
from onramp.kyc.models import KycCase, KycUbo

POINT = "kyb"
SUBJECT = "kyc_ubo"
UBO_SANCTIONS_HIT = "UBO_SANCTIONS_HIT"
# What the customer sees of a held case (never why: no tipping off).
UNDER_REVIEW = "UNDER_REVIEW"
ALERT_KIND = "ubo_sanctions_hit"


async def current_ubos(session: AsyncSession, case: KycCase) -> Sequence[KycUbo]:
    """The owners submitted with the case's latest attempt, in the order given."""
    rows = await session.scalars(
        select(KycUbo)
        .where(KycUbo.case_id == case.id, KycUbo.attempt == case.attempts)
        .order_by(KycUbo.position)
    )
    return rows.all()


async def ubo_screenings(
    session: AsyncSession, cases: Sequence[KycCase]
) -> dict[uuid.UUID, list[str]]:
    """Business cases' latest-attempt owners' screening decisions (codes only), by case id."""
    attempts = {c.id: c.attempts for c in cases if c.kind == "business"}
    found: dict[uuid.UUID, list[str]] = {case_id: [] for case_id in attempts}
    if not attempts:
        return found
    rows = await session.execute(
        select(KycUbo.case_id, KycUbo.attempt, KycUbo.screening_decision)
        .where(KycUbo.case_id.in_(list(attempts)))
        .order_by(KycUbo.case_id, KycUbo.position)
    )
    for case_id, attempt, decision in rows:
        if attempts[case_id] == attempt:
            found[case_id].append(decision)
    return found


def _alert(case: KycCase, ubo: KycUbo, screened: Screened) -> AlertDraft:
    finding = screened.finding
    return AlertDraft(
        customer_id=case.customer_id,
        source="kyc",
        kind=ALERT_KIND,
        severity="high",
        reason=(
            f"{POINT}: beneficial owner #{ubo.position + 1} ({ubo.ownership_percent} %) of KYB "
            f"case {case.id} hits {finding.reason}"
        )[:2000],
        subject_type=SUBJECT,
        subject_id=str(ubo.id),
        dedupe_key=f"kyc:{ALERT_KIND}:{ubo.id}",
        hold=True,
        evidence={
            **finding.evidence(),
            "point": POINT,
            "kyc_case_id": str(case.id),
            "ubo_id": str(ubo.id),
            "ownership_percent": str(ubo.ownership_percent),
        },
    )


async def screen_ubos(
    session: AsyncSession,
    matchers: ListMatchers | None,
    *,
    case: KycCase,
    ubos: Sequence[KycUbo],
    now: datetime,
    actor: str,
) -> bool:
    """Screen, record, alert; True when any owner hits. Without matchers (a caller that does
    not screen) nothing is screened and False is returned: the case's ``hold_reason`` from an
    earlier screen still holds it."""
    if matchers is None or not ubos:
        return False
    current = await matchers.current(session)
    screens: list[Screened] = []
    drafts: list[AlertDraft] = []
    for ubo in ubos:
        finding = screen_name(
            current,
            f"{ubo.given_names or ''} {ubo.surname or ''}",
            ubo.date_of_birth,
            ubo.nationality,
        )
        screened = Screened(POINT, SUBJECT, str(ubo.id), case.customer_id, finding)
        screens.append(screened)
        ubo.screening_decision, ubo.screened_at = finding.decision, now
        if finding.hit:
            drafts.append(_alert(case, ubo, screened))
    await record_screens(session, screens, now)
    if drafts:
        case.hold_reason = UBO_SANCTIONS_HIT
        await raise_alerts(session, drafts, now=now, actor=actor)
    await session.flush()
    return bool(drafts)


async def hold_for_hit(
    session: AsyncSession,
    *,
    case: KycCase,
    ubo: KycUbo,
    finding: Finding,
    now: datetime,
    actor: str,
) -> None:
    """An owner found listed after the case was screened (a list update): hold the case, alert
    compliance, audit. The customer sees the case under review."""
    ubo.screening_decision, ubo.screened_at = finding.decision, now
    first = case.hold_reason is None
    case.hold_reason = UBO_SANCTIONS_HIT
    if case.status == "approved":
        case.reasons = [UNDER_REVIEW]
    screened = Screened(POINT, SUBJECT, str(ubo.id), case.customer_id, finding)
    await raise_alerts(session, [_alert(case, ubo, screened)], now=now, actor=actor)
    if first:
        await record(
            session,
            actor=actor,
            action="kyc.case_held",
            entity_type="kyc_case",
            entity_id=str(case.id),
            data={
                "customer_id": str(case.customer_id),
                "status": case.status,
                "hold_reason": UBO_SANCTIONS_HIT,
                "ubo_id": str(ubo.id),
                "entry_uid": finding.entry_uid,
                "versions": list(finding.versions),
            },
        )
    await session.flush()


async def screen_case_ubos(
    session: AsyncSession,
    matchers: ListMatchers | None,
    *,
    case: KycCase,
    now: datetime,
    actor: str,
) -> bool:
    ubos = await current_ubos(session, case)
    return await screen_ubos(session, matchers, case=case, ubos=ubos, now=now, actor=actor)
