"""The suspense queue in the back office (``/admin/deposits/suspense``): every credit no rule
could tie to an order, oldest first, a page at a time; an operator funds an order with one
(``POST /v1/admin/deposits/{id}/assign``'s service) or sends it back to its sender (``POST
/v1/admin/deposits/{id}/return``'s, four-eyes above the threshold: a second person approves
the request among the approvals)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from onramp.auth import Permission, Principal, allowed, require
from onramp.banking import assign_deposit, return_deposit, suspense_item, unmatched_deposits
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.fx import FxDesk
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/deposits", include_in_schema=False)
PAGE_SIZE = 50
QUEUE = "/admin/deposits/suspense"
COLUMNS = (
    "id", "amount", "currency", "reason", "reference_text", "sender_name", "sender_account",
    "suggested_order_id", "booked_at", "received_at",
)  # fmt: skip


def _back(**said: str) -> RedirectResponse:
    return RedirectResponse(f"{QUEUE}?{urlencode(said)}", status_code=303)


@router.get("/suspense")
async def suspense(
    request: Request,
    principal: Annotated[Principal, require(Permission.DEPOSITS_READ)],
    session: SessionDep,
    currency: Annotated[str, Query(pattern="^([A-Z]{3,4})?$", max_length=4)] = "",
    after: uuid.UUID | None = None,
    done: Annotated[str, Query(max_length=100)] = "",
    format: Format = "html",
) -> Response:
    rows = await unmatched_deposits(
        session, currency=currency or None, limit=PAGE_SIZE, before=after
    )
    if format == "csv":
        items = [suspense_item(d) for d in rows]
        return csv_download("suspense.csv", COLUMNS, ([i[k] for k in COLUMNS] for i in items))
    return render(
        request,
        "admin/deposits/suspense.html",
        principal=principal,
        deposits=[suspense_item(d) for d in rows],
        currency=currency,
        next_after=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=after is None,
        done=done,
        can_assign=allowed(principal.role, Permission.DEPOSITS_RESOLVE),
        can_return=allowed(principal.role, Permission.REFUNDS_MANAGE),
    )


@router.post("/{deposit_id}/assign")
async def assign(
    deposit_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.DEPOSITS_RESOLVE)],
    session: SessionDep,
    clock: ClockDep,
    order_id: Annotated[uuid.UUID, Form()],
    note: Annotated[str, Form(min_length=1, max_length=500)],
) -> RedirectResponse:
    await assign_deposit(
        session,
        deposit_id=deposit_id,
        order_id=order_id,
        actor=f"user:{principal.user_id}",
        note=note,
        now=clock.now(),
    )
    return _back(done=f"assigned to order {order_id}")


@router.post("/{deposit_id}/return")
async def send_back(
    deposit_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, require(Permission.REFUNDS_MANAGE)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    reason: Annotated[str, Form(min_length=3, max_length=300)],
) -> RedirectResponse:
    desk: FxDesk = request.app.state.fx_desk
    outcome = await return_deposit(
        session,
        deposit_id=deposit_id,
        staff=principal,
        note=reason,
        eur_value=desk.eur_equivalent,
        four_eyes_eur=settings.banking.return_four_eyes_eur,
        now=clock.now(),
    )
    if outcome.approval_id is not None:
        return _back(done=f"return waits for a second person (approval {outcome.approval_id})")
    return _back(done="returned to its sender")
