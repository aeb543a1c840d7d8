"""``/v1/admin/customers``: support finds a customer, reads them in one place, and puts their
account on hold or lifts the hold (``identity/staff/freezing.py``), with a reason, audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, require
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import HoldChange, customer_record, freeze_customer, unfreeze_customer
from onramp.support import search
from onramp.support.dossier import customer_file
from onramp.support.schemas import CustomerFile, CustomerPage, CustomerSummary, HoldIn

router = APIRouter(prefix="/v1/admin/customers", tags=["customers (staff)"])

Reader = Annotated[Principal, require(Permission.CUSTOMERS_READ)]
Holder = Annotated[Principal, require(Permission.CUSTOMERS_FREEZE, person=True)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "customer_not_found (no such id, or not a customer's)"}
}
_REASON: dict[int | str, dict[str, Any]] = {422: {"description": "request_invalid (no reason)"}}


@router.get(
    "",
    summary="Find customers by email, name, id, IBAN or wallet address (newest first, paged)",
    description=(
        "`q` is read as a customer id (a UUID), a wallet address (`0x` and 40 hex digits, any "
        "case; saved in the address book, now or before), an email (contains `@`; exact, any "
        "case, through the email's blind index), an IBAN (saved bank accounts, removed ones "
        "too, through the account number's blind index; spaces allowed) or else part of the "
        "customer's name (any case). `matched_by` says which. Staff accounts are never found. "
        "Pass `next_before` back as `before` with the same `q` for the next page."
    ),
    responses={422: {"description": "customer_search_invalid, request_invalid"}},
)
async def find_customers(
    principal: Reader,
    session: SessionDep,
    q: Annotated[Text, Query(min_length=1, max_length=200)],
    before: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=search.MAX_LIMIT)] = search.DEFAULT_LIMIT,
) -> CustomerPage:
    return await search.find_customers(session, q, before=before, limit=limit)


@router.get(
    "/{customer_id}",
    summary="One customer: profile, hold, KYC status and history, limits, orders, cases, logins",
    responses=_NOT_FOUND,
)
async def get_customer(
    customer_id: uuid.UUID,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> CustomerFile:
    return await customer_file(session, customer_id, settings=settings.kyc, now=clock.now())


@router.post(
    "/{customer_id}/freeze",
    summary="Put the customer's account on hold: no new quote or order until it is lifted",
    description=(
        "Takes effect on the customer's next request: `POST /v1/quotes` and `POST /v1/orders` "
        "answer `403 customer_frozen` and change nothing. Signing in, reading, and orders "
        "already placed are not affected. The reason is kept on the account and, with who "
        "froze it, in the audit log (`customer.frozen`). A person's act: never an API key."
    ),
    responses={**_NOT_FOUND, **_REASON, 409: {"description": "customer_already_frozen"}},
)
async def freeze(
    customer_id: uuid.UUID, body: HoldIn, principal: Holder, session: SessionDep, clock: ClockDep
) -> CustomerSummary:
    return await _hold(freeze_customer, session, customer_id, principal, body, clock.now())


@router.post(
    "/{customer_id}/unfreeze",
    summary="Lift the hold on the customer's account",
    description="Audited (`customer.unfrozen`, with the reason and since when it was frozen).",
    responses={**_NOT_FOUND, **_REASON, 409: {"description": "customer_not_frozen"}},
)
async def unfreeze(
    customer_id: uuid.UUID, body: HoldIn, principal: Holder, session: SessionDep, clock: ClockDep
) -> CustomerSummary:
    return await _hold(unfreeze_customer, session, customer_id, principal, body, clock.now())


async def _hold(
    act: HoldChange,
    session: AsyncSession,
    customer_id: uuid.UUID,
    staff: Principal,
    body: HoldIn,
    now: datetime,
) -> CustomerSummary:
    await act(session, customer_id=customer_id, staff=staff, reason=body.reason, now=now)
    return search.summary_of(await customer_record(session, customer_id))
