"""An issuer mint into one of our wallets, with four eyes: a treasurer asks for it (the liquidity
check says when no Safe can cover a refill), a second person approves it, and only then is the
mint stored as an issuer operation, in the approver's transaction. The treasury worker carries
stored operations through to the end (``IssuerFlow.resume_open``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal
from onramp.core.money import Money
from onramp.identity import (
    ApprovalAction,
    ApprovalRequest,
    register_approval_action,
    request_approval,
)
from onramp.treasury.errors import RebalanceNotAllowed
from onramp.treasury.issuer import request_mint
from onramp.treasury.wallets import wallet

MINT_ACTION = "treasury.issuer_mint"
APPROVED_MINT_PREFIX = "approved-mint-"  # the worker drives the operations it was given


async def request_issuer_mint(
    session: AsyncSession,
    *,
    staff: Principal,
    amount: Money,
    wallet_name: str,
    issuer: str,
    note: str,
    now: datetime,
) -> ApprovalRequest:
    if amount.currency != "USDC" or not amount.is_positive():
        raise RebalanceNotAllowed(f"a mint of {amount} {amount.currency}")
    target = await wallet(session, wallet_name)
    return await request_approval(
        session,
        action=MINT_ACTION,
        payload={
            "amount": str(amount),
            "wallet": target.name,
            "address": target.address,
            "issuer": issuer,
            # The issuer operation's idempotency key: an approval executes once, and so does
            # the mint it stores.
            "key": f"{APPROVED_MINT_PREFIX}{uuid.uuid4()}",
            "requested_by": str(staff.user_id),
        },
        requester=staff,
        reason=note,
        now=now,
    )


async def _execute_mint(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    target = await wallet(session, payload["wallet"])
    if target.address != payload["address"]:
        raise RebalanceNotAllowed(f"{target.name} changed address since the request")
    operation = await request_mint(
        session,
        issuer=payload["issuer"],
        amount=Money.parse(payload["amount"], "USDC"),
        destination=target.address,
        idempotency_key=payload["key"],
        requested_by=f"user:{payload['requested_by']}",
    )
    return {"operation_id": str(operation.id), "status": operation.status}


def register_mint_approval() -> None:
    """Make the approved mint executable in this process (the API registers it at start)."""
    register_approval_action(
        ApprovalAction(
            name=MINT_ACTION, permission=Permission.TREASURY_MANAGE, execute=_execute_mint
        )
    )
