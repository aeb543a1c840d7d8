"""One customer as support reads them (``GET /v1/admin/customers/{id}``): the profile and any
hold, KYC status and history, limits, the latest orders, compliance cases, logins and every
freeze and unfreeze, each from the domain that owns it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import CaseFilter, list_cases
from onramp.core.audit import records_about
from onramp.core.settings import KycSettings
from onramp.identity import customer_record, is_enabled, sessions_of
from onramp.kyc import case_history, decision_history
from onramp.kyc import kyc_status_of as status_of
from onramp.orders import limits_of, list_orders, order_summary
from onramp.support.schemas import CaseSummary, CustomerFile, hold_event
from onramp.support.search import summary_of

LATEST_ORDERS = 20
LATEST_CASES = 50
_HOLDS = ("customer.frozen", "customer.unfrozen")


async def _cases(session: AsyncSession, customer_id: uuid.UUID) -> list[CaseSummary]:
    rows, _ = await list_cases(
        session,
        where=CaseFilter(customer_id=customer_id),
        order="newest",
        limit=LATEST_CASES,
        cursor=None,
    )
    return [
        CaseSummary(
            id=c.id,
            status=c.status,
            severity=c.severity,
            decision=c.decision,
            opened_at=c.opened_at,
            closed_at=c.closed_at,
        )
        for c in rows
    ]


async def customer_file(
    session: AsyncSession, customer_id: uuid.UUID, *, settings: KycSettings, now: datetime
) -> CustomerFile:
    record = await customer_record(session, customer_id)  # customer_not_found first
    holds = await records_about(session, entity_id=str(customer_id), actions=_HOLDS)
    orders = await list_orders(session, customer_id=customer_id, limit=LATEST_ORDERS, before=None)
    return CustomerFile(
        customer=summary_of(record),
        mfa_enabled=await is_enabled(session, user_id=customer_id),
        kyc=await status_of(session, customer_id=customer_id, settings=settings, now=now),
        kyc_history=await case_history(session, customer_id=customer_id, now=now),
        kyc_decisions=await decision_history(session, customer_id=customer_id),
        limits=await limits_of(session, customer_id, now=now, settings=settings),
        orders=[order_summary(o) for o in orders],
        cases=await _cases(session, customer_id),
        sessions=await sessions_of(session, user_id=customer_id),
        holds=[hold_event(r) for r in holds],
    )
