"""Support's customer pages: ``/admin/customers`` finds customers (email, name, id, IBAN,
wallet address; a page at a time; CSV), ``/admin/customers/{id}`` reads one (profile, hold,
KYC, limits, orders, cases, logins) and holds or lifts their account with a reason. The same
services as ``/v1/admin/customers``; the same permissions (an auditor reads, never changes)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import freeze_customer, unfreeze_customer
from onramp.support import MAX_CUSTOMERS_PAGE, CustomerPage, HoldIn, customer_file, find_customers
from onramp.web.csv_export import csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/customers", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.CUSTOMERS_READ)]
Holder = Annotated[Principal, require(Permission.CUSTOMERS_FREEZE, person=True)]
Q = Annotated[str, Query(max_length=200)]
PAGE_SIZE = 20


@router.get("")
async def search(
    request: Request,
    principal: Reader,
    session: SessionDep,
    q: Q = "",
    before: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    page = None
    if q.strip():
        page = await find_customers(session, q, before=before, limit=PAGE_SIZE)
    return render(
        request, "admin/customers.html", principal=principal, q=q, page=page, first=before is None
    )


@router.get("/export.csv")
async def export(principal: Reader, session: SessionDep, q: Q) -> Response:
    """Every match (page after page), as the search lists them."""
    found: CustomerPage = await find_customers(session, q, before=None, limit=MAX_CUSTOMERS_PAGE)
    rows = list(found.data)
    while found.next_before is not None:
        found = await find_customers(session, q, before=found.next_before, limit=MAX_CUSTOMERS_PAGE)
        rows += found.data
    return csv_download(
        "customers.csv",
        ("id", "email", "full_name", "created_at", "email_verified", "frozen_at", "frozen_reason"),
        (
            (
                c.id,
                c.email,
                c.full_name,
                c.created_at.isoformat(),
                c.email_verified,
                c.frozen.frozen_at.isoformat() if c.frozen else None,
                c.frozen.reason if c.frozen else None,
            )
            for c in rows
        ),
    )


async def _customer_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    customer_id: uuid.UUID,
    *,
    status_code: int = 200,
    error: dict[str, str] | None = None,
) -> Response:
    found = await customer_file(session, customer_id, settings=settings.kyc, now=clock.now())
    return render(
        request,
        "admin/customer.html",
        status_code=status_code,
        principal=principal,
        file=found,
        may_hold=allowed(principal.role, Permission.CUSTOMERS_FREEZE),
        error=error,
    )


@router.get("/{customer_id}")
async def customer(
    customer_id: uuid.UUID,
    request: Request,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    return await _customer_page(request, principal, session, settings, clock, customer_id)


@router.post("/{customer_id}/{act}")
async def change_hold(
    customer_id: uuid.UUID,
    act: Literal["freeze", "unfreeze"],
    request: Request,
    principal: Holder,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """``freeze`` or ``unfreeze``: a missing reason shows the page again with the refusal."""
    change = freeze_customer if act == "freeze" else unfreeze_customer
    try:
        body = HoldIn(reason=reason)
    except ValidationError:
        error = {"title": "A reason is needed", "detail": "Say why, in 3 to 500 characters."}
        return await _customer_page(
            request, principal, session, settings, clock, customer_id, status_code=422, error=error
        )
    await change(
        session, customer_id=customer_id, staff=principal, reason=body.reason, now=clock.now()
    )
    return RedirectResponse(f"/admin/customers/{customer_id}", status_code=303)
