"""What staff read beside an order's own history: the journal entries of the order and its
deposit, every screen of it, the audit records about it, and a retry or refund waiting for a
second person (``GET /v1/admin/orders/{id}``, the back office's order page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import screening_records
from onramp.core.audit import records_about
from onramp.core.money import Money
from onramp.identity import pending_for
from onramp.ledger import entries_about
from onramp.orders.models import Order
from onramp.orders.staff.operator_actions import ACTIONS
from onramp.orders.staff.schemas import (
    EventOut,
    LedgerEntryOut,
    OrderScreeningOut,
    PendingActionOut,
    PostingOut,
)


def _signed(minor: int, currency: str) -> str:
    shown = str(Money(abs(minor), currency))
    return f"-{shown}" if minor < 0 else shown


async def ledger_of(session: AsyncSession, order: Order) -> list[LedgerEntryOut]:
    references = [str(order.id)] + ([str(order.deposit_id)] if order.deposit_id else [])
    return [
        LedgerEntryOut(
            kind=e.kind,
            reference=e.reference,
            at=e.created_at,
            postings=[
                PostingOut(
                    account=p.account, amount=_signed(p.amount, p.currency), currency=p.currency
                )
                for p in e.postings
            ],
        )
        for e in await entries_about(session, references)
    ]


async def screenings_of(session: AsyncSession, order: Order) -> list[OrderScreeningOut]:
    rows = await screening_records(session, subject_type="order", subject_id=str(order.id))
    return [
        OrderScreeningOut(
            point=r.point,
            kind=r.kind,
            decision=r.decision,
            score=r.score,
            reason=r.reason,
            at=r.created_at,
        )
        for r in rows
    ]


async def events_of(session: AsyncSession, order: Order) -> list[EventOut]:
    records = await records_about(session, entity_id=str(order.id))
    return [
        EventOut(action=r["action"], actor=r["actor"], at=datetime.fromisoformat(r["at"]))
        for r in records
    ]


async def pending_action_of(session: AsyncSession, order: Order) -> PendingActionOut | None:
    row = await pending_for(session, actions=ACTIONS, subject={"order_id": str(order.id)})
    if row is None:
        return None
    return PendingActionOut(
        approval_id=row.id,
        action=row.action,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        reason=row.reason,
    )
