"""A break resolved with an adjusting ledger entry: four eyes. The first person's resolution is
stored as an approval request (``recon.resolve_with_adjustment``); the entry is posted, and the
break resolved, when a second, different person with ``recon:resolve`` approves it, in the
approver's transaction (``identity.staff.approvals``). The entry is balanced: the break's bank
account takes one side, the account named the other, so the trial balance stays zero."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal
from onramp.core.errors import OnrampError
from onramp.core.money import Money
from onramp.identity import (
    ApprovalAction,
    being_decided,
    pending_for,
    register_approval_action,
    request_approval,
)
from onramp.ledger import (
    EntryDraft,
    bank_account,
    chain_account,
    credit,
    debit,
    entry,
    parse_account_code,
    post_entry,
)
from onramp.recon.errors import AdjustmentInvalid, BreakResolutionPending
from onramp.recon.models import BreakSource, ReconBreak
from onramp.recon.queue import mark_resolved, open_break

ADJUST_ACTION = "recon.resolve_with_adjustment"
ENTRY_KIND = "recon_adjustment"  # one per break: the journal's (kind, reference) is unique

Side = Literal["debit", "credit"]


@dataclass(frozen=True)
class Adjustment:
    """``amount`` of ``currency`` on ``account`` (``side``: what that account gets); the
    break's bank account takes the other side."""

    account: str
    amount: str
    currency: str
    side: Side


def _draft(found: ReconBreak, adjustment: Adjustment) -> EntryDraft:
    try:
        parse_account_code(adjustment.account)
        amount = Money.parse(adjustment.amount, adjustment.currency)
    except OnrampError as e:
        raise AdjustmentInvalid(str(e)) from None
    if not amount.is_positive():
        raise AdjustmentInvalid("the amount must be more than zero")
    if not found.bank:
        raise AdjustmentInvalid("the break names no bank account to adjust")
    # A chain break's "bank" is the wallet: its account is the wallet's on-chain one.
    own = chain_account if found.source == BreakSource.CHAIN.value else bank_account
    bank = own(found.bank, adjustment.currency)
    if bank == adjustment.account:
        raise AdjustmentInvalid(f"{bank} is the break's own account")
    legs = (
        (debit(adjustment.account, amount), credit(bank, amount))
        if adjustment.side == "debit"
        else (debit(bank, amount), credit(adjustment.account, amount))
    )
    draft = entry(ENTRY_KIND, str(found.id), *legs)
    try:
        draft.check()
    except OnrampError as e:
        raise AdjustmentInvalid(str(e)) from None
    return draft


async def request_adjusting_resolution(
    session: AsyncSession,
    *,
    break_id: uuid.UUID,
    reason: str,
    adjustment: Adjustment,
    staff: Principal,
    now: datetime,
) -> uuid.UUID:
    """The first pair of eyes: the entry is checked now, posted on approval (its request id)."""
    found = await open_break(session, break_id)
    _draft(found, adjustment)
    subject = {"break_id": str(found.id)}
    if await pending_for(session, actions=[ADJUST_ACTION], subject=subject) is not None:
        raise BreakResolutionPending()
    request = await request_approval(
        session,
        action=ADJUST_ACTION,
        payload={
            **subject,
            "reason": reason,
            "account": adjustment.account,
            "amount": adjustment.amount,
            "currency": adjustment.currency,
            "side": adjustment.side,
            "requested_by": str(staff.user_id),
        },
        requester=staff,
        reason=reason,
        now=now,
    )
    found.approval_id = request.id
    await session.flush()
    return request.id


async def _execute(session: AsyncSession, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The approved resolution, in the approver's transaction: post the entry, resolve."""
    found = await open_break(session, uuid.UUID(payload["break_id"]))
    adjustment = Adjustment(
        account=payload["account"],
        amount=payload["amount"],
        currency=payload["currency"],
        side=payload["side"],
    )
    entry_id = await post_entry(session, _draft(found, adjustment))
    decided = await being_decided(session, action=ADJUST_ACTION, payload=payload)
    approver = f"user:{decided.decided_by}" if decided is not None else None
    await mark_resolved(
        session,
        found,
        reason=payload["reason"],
        by=f"user:{payload['requested_by']}",
        now=now,
        approved_by=approver,
        entry_id=entry_id,
    )
    return {"break_id": str(found.id), "entry_id": str(entry_id) if entry_id else None}


def register_adjustment_approval() -> None:
    """Make the four-eyes resolution executable in this process (the API registers it)."""
    register_approval_action(
        ApprovalAction(name=ADJUST_ACTION, permission=Permission.RECON_RESOLVE, execute=_execute)
    )
