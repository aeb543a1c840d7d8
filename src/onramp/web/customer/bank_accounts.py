"""``/app/bank-accounts``: the customer's bank accounts: add one (IBAN and holder; a recent
second factor), list them, have micro-deposits sent and confirm their two amounts, remove one.
banking's, as ``/v1/me/bank-accounts`` calls them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, require
from onramp.banking import (
    BankAccountIn,
    BankAccountStatusQuery,
    add_own_bank_account,
    confirm_own_micro_deposits,
    own_bank_accounts,
    remove_own_bank_account,
    request_own_micro_deposits,
)
from onramp.compliance import ListMatchersDep
from onramp.core.paging import PageDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.web.customer.forms import ListFilter, back_to, pager_of, parse, removal_route
from onramp.web.rendering import render

PAGE = "/app/bank-accounts"
router = APIRouter(prefix=PAGE, include_in_schema=False)
Owner = Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)]
# Adding, and proving, an account is a person's act: never an API key's.
Person = Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN, person=True)]
Field = Annotated[str, Form(max_length=200)]
Amount = Annotated[str, Form(max_length=20)]


@router.get("")
async def bank_accounts_page(
    request: Request,
    principal: Owner,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    page: PageDep,
    status: BankAccountStatusQuery = None,
    done: str = "",
) -> HTMLResponse:
    accounts = await own_bank_accounts(
        session, principal=principal, settings=settings, now=clock.now(), page=page, status=status
    )
    return render(
        request,
        "app/account/bank_accounts.html",
        principal=principal,
        accounts=accounts,
        status=ListFilter.of("status", status, BankAccountStatusQuery),
        done=done,
        **pager_of(page, accounts),
    )


@router.post("")
async def add(
    holder_name: Field,
    iban: Field,
    principal: Person,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
    currency: Field = "EUR",
    bic: Field = "",
) -> RedirectResponse:
    body = parse(
        BankAccountIn, {"holder_name": holder_name, "iban": iban, "bic": bic, "currency": currency}
    )
    await add_own_bank_account(
        session, matchers, principal=principal, body=body, settings=settings, now=clock.now()
    )
    return back_to(PAGE, "added")


@router.post("/{bank_account_id}/micro-deposits")
async def send_micro_deposits(
    bank_account_id: uuid.UUID,
    principal: Person,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> RedirectResponse:
    await request_own_micro_deposits(
        session,
        customer_id=principal.user_id,
        bank_account_id=bank_account_id,
        settings=settings,
        now=clock.now(),
    )
    return back_to(PAGE, "micro_deposits_requested")


@router.post("/{bank_account_id}/micro-deposits/confirm")
async def confirm_micro_deposits(
    request: Request,
    bank_account_id: uuid.UUID,
    first: Amount,
    second: Amount,
    principal: Person,
    settings: SettingsDep,
    clock: ClockDep,
) -> RedirectResponse:
    await confirm_own_micro_deposits(
        request.app.state.sessions,
        customer_id=principal.user_id,
        bank_account_id=bank_account_id,
        amounts=[first, second],
        settings=settings,
        now=clock.now(),
    )
    return back_to(PAGE, "verified")


removal_route(
    router,
    "",
    page=PAGE,
    permission=Permission.BANK_ACCOUNTS_MANAGE_OWN,
    remove=remove_own_bank_account,
    key="bank_account_id",
)
