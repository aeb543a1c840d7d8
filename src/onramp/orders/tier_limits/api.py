"""``GET /v1/me/limits``: what the caller's KYC tier allows and how much of it is left."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, require
from onramp.core.settings import KycSettings
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.orders.tier_limits import limits

router = APIRouter(prefix="/v1/me/limits", tags=["orders"])


class WindowOut(BaseModel):
    window_hours: int = Field(description="Rolling window: 24 (a day) or 720 (30 days)")
    limit_eur: str
    used_eur: str
    remaining_eur: str


class LimitsOut(BaseModel):
    tier: int = Field(
        description="0: identity not verified (no orders); 1, 2: verified person; 3: business"
    )
    daily: WindowOut
    monthly: WindowOut


def _eur(amount: object) -> str:
    return f"{amount:.2f}"


@router.get(
    "",
    summary="The caller's order limits: tier, and per rolling window the limit, use and rest",
    description=(
        "Orders count at their EUR-equivalent when placed, unless they expired or were "
        "rejected or refunded. An order above `remaining_eur` is refused with "
        "`order_limit_exceeded`; at tier 0 every order is refused with `kyc_required`."
    ),
)
async def my_limits(
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> LimitsOut:
    return await limits_of(session, principal.user_id, now=clock.now(), settings=settings.kyc)


async def limits_of(
    session: AsyncSession, customer_id: uuid.UUID, *, now: datetime, settings: KycSettings
) -> LimitsOut:
    """The customer's tier and, per window, limit, use and rest (``/v1/me/limits``, and staff
    reading a customer)."""
    current = await limits.usage(session, customer_id, now=now, settings=settings)
    return LimitsOut(
        tier=current.tier,
        daily=WindowOut(
            window_hours=int(limits.DAY.total_seconds() // 3600),
            limit_eur=_eur(current.limits.daily_eur),
            used_eur=_eur(current.day_eur),
            remaining_eur=_eur(current.day_remaining),
        ),
        monthly=WindowOut(
            window_hours=int(limits.MONTH.total_seconds() // 3600),
            limit_eur=_eur(current.limits.monthly_eur),
            used_eur=_eur(current.month_eur),
            remaining_eur=_eur(current.month_remaining),
        ),
    )
