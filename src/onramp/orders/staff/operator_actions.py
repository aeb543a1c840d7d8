"""The operator's way out of a failed order: send its payout again, or refund its fiat.

Each is a four-eyes action (``identity.staff.approvals``): a staff member with ``orders:operate``
requests it, a different one approves it, and it runs in the approver's transaction through
the saga's own ``SagaStep``, so the transition is written, audited and announced like every
other. One request per order waits at a time, so a retry and a refund never both stand.

- retry: ``failed -> payout_queued``; the payout row is queued again as a new attempt (the
  failed attempt's reason and transaction stay in the audit record and the event).
- refund: ``failed -> rejected -> refund_pending``; the conversion is reversed (``unprice``),
  the payout cancelled so it can never be sent, and the deposit returned to its sender by the
  rejection's refund path (``orders/steps/refunds.py``); ``refunded`` once the bank books it.

Both first ask the vault whether it already paid the order (``isPaid``): then neither a new
attempt nor a refund is owed (``payout_already_paid``). That read is made before the order is
locked; the vault's once-per-order-id check remains the on-chain guard of a retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import chain
from onramp.auth import Permission, Principal
from onramp.core.errors import Conflict
from onramp.identity import (
    ApprovalAction,
    being_decided,
    pending_for,
    register_approval_action,
    request_approval,
)
from onramp.orders.errors import (
    OrderActionPending,
    OrderNotFound,
    OrderNotRefundable,
    OrderNotRetryable,
    PayoutAlreadyPaid,
)
from onramp.orders.models import Order
from onramp.orders.queries import get_order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import unprice
from onramp.orders.steps.refunds import reject_for_refund

RETRY_PAYOUT = "orders.retry_payout"
REFUND = "orders.refund_failed"
ACTIONS = (RETRY_PAYOUT, REFUND)
_REFUSAL: dict[str, type[Conflict]] = {RETRY_PAYOUT: OrderNotRetryable, REFUND: OrderNotRefundable}

# Whether the vault already paid this order id (``chain.paid_on_chain`` on the configured node).
PaidCheck = Callable[[uuid.UUID], Awaitable[bool]]


@dataclass(frozen=True)
class Requested:
    """A retry or refund waiting for its second pair of eyes."""

    approval_id: uuid.UUID
    action: str
    order_id: uuid.UUID
    requested_at: datetime


def vault_paid_check(rpc_url: str, vault: str) -> PaidCheck:
    """The vault's ``isPaid`` on the configured node (a client per call: creating one makes no
    network call, and an app without a chain configured still starts)."""

    async def paid(order_id: uuid.UUID) -> bool:
        if not vault:
            raise chain.NodeUnavailable(
                "no vault address configured: set ONRAMP_CHAIN__VAULT_ADDRESS"
            )
        return await chain.paid_on_chain(chain.ChainClient(rpc_url), vault, order_id)

    return paid


async def _failed(
    session: AsyncSession, order_id: uuid.UUID, refusal: type[Conflict]
) -> tuple[Order, chain.EndedAttempt]:
    """The order, locked, if it failed and its payout ended unpaid."""
    # Read afresh under the lock: the request read it a moment ago, unlocked.
    order = await session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        raise OrderNotFound()
    if order.state != OrderState.FAILED.value:
        raise refusal(f"the order is {order.state}")
    ended = await chain.ended_unpaid(session, order_id)
    if ended is None or order.target_amount is None or order.deposit_id is None:
        raise refusal("the order has no failed payout")
    return order, ended


async def _not_paid(paid: PaidCheck, order_id: uuid.UUID) -> None:
    if await paid(order_id):
        raise PayoutAlreadyPaid(f"the vault's isPaid is true for order {order_id}")


async def request_action(
    session: AsyncSession,
    *,
    action: str,
    order_id: uuid.UUID,
    requester: Principal,
    reason: str,
    paid: PaidCheck,
    now: datetime,
) -> Requested:
    """The first pair of eyes: a pending request (``RETRY_PAYOUT`` or ``REFUND``) that a
    different person with ``orders:operate`` approves (``/v1/approvals/{id}/approve``)."""
    order = await get_order(session, order_id=order_id, customer_id=None)
    if order.state != OrderState.FAILED.value:  # a plain answer before any chain read
        raise _REFUSAL[action](f"the order is {order.state}")
    await _not_paid(paid, order_id)
    _, ended = await _failed(session, order_id, _REFUSAL[action])
    # The order is locked: a concurrent request for it waits here and then sees this one.
    subject = {"order_id": str(order_id)}
    pending = await pending_for(session, actions=ACTIONS, subject=subject)
    if pending is not None:
        raise OrderActionPending(f"{pending.action} request {pending.id}")
    row = await request_approval(
        session,
        action=action,
        payload={
            **subject,
            "requested_by": str(requester.user_id),
            "failure": ended.failure,
            "tx_hash": ended.tx_hash,
        },
        requester=requester,
        reason=reason,
        now=now,
    )
    return Requested(row.id, action, order_id, row.requested_at)


async def _approved(
    session: AsyncSession, action: str, payload: dict[str, Any], what: str
) -> tuple[str, str, dict[str, Any]]:
    """Who acts (the approver), why (the transition's reason), and what the audit record of
    the move keeps about the decision and the attempt that failed."""
    decision = await being_decided(session, action=action, payload=payload)
    approver = None if decision is None else decision.decided_by
    reason = None if decision is None else decision.reason
    actor = f"user:{approver or payload['requested_by']}"
    why = f"{what} by operators (four-eyes): {reason or 'no reason given'}"[:300]
    return (
        actor,
        why,
        {
            "approval_id": None if decision is None else str(decision.id),
            "requested_by": payload["requested_by"],
            "approved_by": None if approver is None else str(approver),
            "previous_failure": payload["failure"],
            "previous_tx_hash": payload["tx_hash"],
        },
    )


async def _execute_retry(
    session: AsyncSession, payload: dict[str, Any], now: datetime, *, paid: PaidCheck
) -> dict[str, Any]:
    """The approved retry, in the approver's transaction."""
    order_id = uuid.UUID(payload["order_id"])
    await _not_paid(paid, order_id)
    order, _ = await _failed(session, order_id, OrderNotRetryable)
    actor, why, data = await _approved(session, RETRY_PAYOUT, payload, "payout retried")
    previous = await chain.requeue_failed_payout(session, order_id)
    assert previous is not None  # _failed found it ended unpaid, under the same lock
    step = SagaStep(actor=actor)
    step.move(order, OrderState.PAYOUT_QUEUED, reason=why, **data)
    await step.write(session)
    return {"order_id": str(order_id), "state": order.state, "payout": "queued"}


async def _execute_refund(
    session: AsyncSession, payload: dict[str, Any], now: datetime, *, paid: PaidCheck
) -> dict[str, Any]:
    """The approved refund, in the approver's transaction: the conversion reversed (the
    customer is owed the fiat, not the USDC), the payout cancelled, the deposit returned."""
    order_id = uuid.UUID(payload["order_id"])
    await _not_paid(paid, order_id)
    order, _ = await _failed(session, order_id, OrderNotRefundable)
    actor, why, data = await _approved(session, REFUND, payload, "refunded")
    cancelled = await chain.cancel_unpaid_payout(session, order_id, reason=why)
    assert cancelled is not None  # _failed found it ended unpaid, under the same lock
    step = SagaStep(actor=actor)
    step.entries.append(unprice(order))
    reject_for_refund(step, order, reason=why, **data)
    await step.write(session)
    return {"order_id": str(order_id), "state": order.state}


def register_operator_approvals(paid: PaidCheck) -> None:
    """Make the four-eyes retry and refund executable in this process (the API registers them
    at start, with the vault's ``isPaid`` on its node)."""
    for name, execute in ((RETRY_PAYOUT, _execute_retry), (REFUND, _execute_refund)):
        register_approval_action(
            ApprovalAction(
                name=name, permission=Permission.ORDERS_OPERATE, execute=partial(execute, paid=paid)
            )
        )
