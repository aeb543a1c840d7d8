"""Support's hold on a customer's account: a frozen customer may sign in and read, but gets no
new quote and places no new order until a staff member lifts it. Both acts take a reason and
are audited (``customer.frozen``, ``customer.unfrozen``); they only stop money from starting to
move, so one person decides (no four-eyes), as a deactivation does.

``ensure_not_frozen`` is the one check: ``fx.create_quote`` and the order placement call it
before they write anything, so a refused request leaves no trace."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Principal, Role
from onramp.core.audit import record
from onramp.core.errors import Conflict, Forbidden, NotFound
from onramp.identity.models import User


class HoldChange(Protocol):
    """``freeze_customer`` or ``unfreeze_customer``: the same arguments, one act each."""

    async def __call__(
        self,
        session: AsyncSession,
        *,
        customer_id: uuid.UUID,
        staff: Principal,
        reason: str,
        now: datetime,
    ) -> None: ...


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    title = "No customer with this id"


class CustomerFrozen(Forbidden):
    code = "customer_frozen"
    title = "This account is on hold; contact support"


class CustomerAlreadyFrozen(Conflict):
    code = "customer_already_frozen"
    title = "The customer's account is already frozen"


class CustomerNotFrozen(Conflict):
    code = "customer_not_frozen"
    title = "The customer's account is not frozen"


async def ensure_not_frozen(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Refuse (``customer_frozen``, 403) a customer whose account is on hold."""
    # The request's own check (verified email, the principal) has usually loaded the row:
    # then this reads no more.
    user = await session.get(User, customer_id)
    if user is not None and user.frozen_at is not None:
        raise CustomerFrozen()


async def _customer(session: AsyncSession, customer_id: uuid.UUID) -> User:
    user = await session.get(User, customer_id, with_for_update=True)
    if user is None or user.role != Role.CUSTOMER:
        raise CustomerNotFound()
    return user


async def freeze_customer(
    session: AsyncSession, *, customer_id: uuid.UUID, staff: Principal, reason: str, now: datetime
) -> None:
    user = await _customer(session, customer_id)
    if user.frozen_at is not None:
        raise CustomerAlreadyFrozen(f"frozen since {user.frozen_at.isoformat()}")
    user.frozen_at, user.frozen_reason, user.frozen_by = now, reason, staff.user_id
    await record(
        session,
        actor=f"user:{staff.user_id}",
        action="customer.frozen",
        entity_type="user",
        entity_id=str(user.id),
        data={"reason": reason},
    )
    await session.flush()


async def unfreeze_customer(
    session: AsyncSession, *, customer_id: uuid.UUID, staff: Principal, reason: str, now: datetime
) -> None:
    user = await _customer(session, customer_id)
    if user.frozen_at is None:
        raise CustomerNotFrozen()
    since = user.frozen_at
    user.frozen_at, user.frozen_reason, user.frozen_by = None, None, None
    await record(
        session,
        actor=f"user:{staff.user_id}",
        action="customer.unfrozen",
        entity_type="user",
        entity_id=str(user.id),
        data={"reason": reason, "frozen_at": since.isoformat(), "unfrozen_at": now.isoformat()},
    )
    await session.flush()
