"""GET /v1/me/export: everything onramp holds about the caller, from every domain, as JSON
(GDPR Art. 15 and 20). Composition only: each domain exports its own data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from onramp.core.audit import records_about
from onramp.core.web import ClockDep, SessionDep
from onramp.fx.service import export_quotes
from onramp.identity.access import require
from onramp.identity.permissions import Permission
from onramp.identity.service import export_user
from onramp.identity.tokens import Principal
from onramp.orders.service import export_orders

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get(
    "/export",
    summary="Export all of the caller's data as JSON",
    description="Profile, preferences, sessions, quotes, orders with their history, deposits "
    "and payouts, and the audit records about the caller. Secrets (password and token hashes) "
    "are not included.",
)
async def export(
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> dict[str, Any]:
    user_id = principal.user_id
    return {
        "exported_at": clock.now().isoformat(),
        "user_id": str(user_id),
        **await export_user(session, user_id=user_id),
        "quotes": await export_quotes(session, customer_id=user_id),
        "orders": await export_orders(session, customer_id=user_id),
        "audit": await records_about(session, entity_id=str(user_id)),
    }
