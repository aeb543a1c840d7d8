"""Operators send an unmatched deposit back to its sender (``operator_return``): the whole of
what is left of it, out of ``suspense:<ccy>``. Above the four-eyes threshold (its EUR value) the
return is stored as an approval request and made when a second person with the same
permission approves it, in the approver's transaction (``identity.staff.approvals``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal
from onramp.banking.errors import DepositAlreadyReturned, DepositNotFound, DepositNotInSuspense
from onramp.banking.models import Deposit, DepositStatus
from onramp.banking.refund_models import Refund, RefundReason
from onramp.banking.refunding.service import refunded_amount, request_refund
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.identity import ApprovalAction, register_approval_action, request_approval

RETURN_ACTION = "banking.return_deposit"


@dataclass(frozen=True)
class ReturnOutcome:
    status: Literal["requested", "pending_approval"]
    refund: Refund | None = None
    approval_id: uuid.UUID | None = None


async def _returnable(session: AsyncSession, deposit_id: uuid.UUID) -> Money:
    deposit = await session.scalar(
        select(Deposit).where(Deposit.id == deposit_id).with_for_update()
    )
    if deposit is None:
        raise DepositNotFound()
    if deposit.status != DepositStatus.UNMATCHED.value:
        raise DepositNotInSuspense(f"deposit {deposit.id} is {deposit.status}")
    left = Money(as_int(deposit.amount), deposit.currency) - await refunded_amount(session, deposit)
    if not left.is_positive():
        raise DepositAlreadyReturned()
    return left


async def return_deposit(
    session: AsyncSession,
    *,
    deposit_id: uuid.UUID,
    staff: Principal,
    note: str,
    eur_value: Callable[[Money], Decimal],
    four_eyes_eur: Decimal,
    now: datetime,
) -> ReturnOutcome:
    left = await _returnable(session, deposit_id)
    if eur_value(left) > four_eyes_eur:
        request = await request_approval(
            session,
            action=RETURN_ACTION,
            payload={
                "deposit_id": str(deposit_id),
                "amount": str(left),
                "currency": left.currency,
                "note": note,
                "requested_by": str(staff.user_id),
            },
            requester=staff,
            reason=note,
            now=now,
        )
        return ReturnOutcome("pending_approval", approval_id=request.id)
    refund = await request_refund(
        session,
        deposit_id=deposit_id,
        amount=left,
        reason=RefundReason.OPERATOR_RETURN.value,
        actor=f"user:{staff.user_id}",
        now=now,
    )
    return ReturnOutcome("requested", refund=refund)


async def _execute_return(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The approved return: the amount approved, or nothing if the deposit changed since."""
    deposit_id = uuid.UUID(payload["deposit_id"])
    left = await _returnable(session, deposit_id)
    approved = Money.parse(payload["amount"], payload["currency"])
    if left != approved:
        raise DepositNotInSuspense(f"{left} is left to return, {approved} was approved")
    refund = await request_refund(
        session,
        deposit_id=deposit_id,
        amount=approved,
        reason=RefundReason.OPERATOR_RETURN.value,
        actor=f"user:{payload['requested_by']}",
        now=now,
    )
    return {"refund_id": str(refund.id), "amount": str(approved), "currency": approved.currency}


def register_return_approval() -> None:
    """Make the four-eyes return executable in this process (the API registers it at start)."""
    register_approval_action(
        ApprovalAction(
            name=RETURN_ACTION, permission=Permission.REFUNDS_MANAGE, execute=_execute_return
        )
    )
