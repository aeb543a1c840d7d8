"""An issuer mint into one of our wallets, with four eyes: a treasurer asks for it (the liquidity
check says when no Safe can cover a refill), a second person approves it, and only then is the
mint stored as an issuer operation, in the approver's transaction. The treasury worker carries
stored operations through to the end, a step per round (``IssuerFlow.advance_open``).

A redeem is asked for and approved the same way, but the worker does not send it: its USDC
leaves the cold Safe, whose key no server process holds. The approved redeem is stored under its
own key; whoever holds that key sends it with ``onramp issuer redeem --amount A --key K``, which
resumes that very operation (``redeem_command``)."""

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
from onramp.treasury.issuer import request_mint, request_redeem
from onramp.treasury.issuer.circle import usd_amount
from onramp.treasury.wallets import wallet

MINT_ACTION = "treasury.issuer_mint"
REDEEM_ACTION = "treasury.issuer_redeem"
APPROVED_MINT_PREFIX = "approved-mint-"  # the worker drives the operations it was given
APPROVED_REDEEM_PREFIX = "approved-redeem-"  # sent from the CLI holding the cold Safe's key


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


async def request_issuer_redeem(
    session: AsyncSession, *, staff: Principal, amount: Money, issuer: str, note: str, now: datetime
) -> ApprovalRequest:
    """Ask to redeem ``amount`` USDC (whole cents) into fiat wired to our bank; four eyes."""
    usd_amount(amount)  # positive, in whole cents: refused now, not at the approval
    return await request_approval(
        session,
        action=REDEEM_ACTION,
        payload={
            "amount": str(amount),
            "issuer": issuer,
            "key": f"{APPROVED_REDEEM_PREFIX}{uuid.uuid4()}",
            "requested_by": str(staff.user_id),
        },
        requester=staff,
        reason=note,
        now=now,
    )


def redeem_command(amount: Money, idempotency_key: str) -> str:
    """The command that sends a recorded redeem's USDC (and resumes it if it stopped)."""
    return f"onramp issuer redeem --amount {amount} --key {idempotency_key}"


async def _execute_redeem(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    operation = await request_redeem(
        session,
        issuer=payload["issuer"],
        amount=Money.parse(payload["amount"], "USDC"),
        idempotency_key=payload["key"],
        requested_by=f"user:{payload['requested_by']}",
    )
    return {"operation_id": str(operation.id), "status": operation.status}


def register_mint_approval() -> None:
    """Make the approved mint and redeem executable in this process (the API registers them at
    start)."""
    for name, execute in ((MINT_ACTION, _execute_mint), (REDEEM_ACTION, _execute_redeem)):
        register_approval_action(
            ApprovalAction(name=name, permission=Permission.TREASURY_MANAGE, execute=execute)
        )
