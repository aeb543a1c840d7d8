"""``/app/wallets``: the custodial wallet (address, USDC held) with withdrawals out of it (a form
and the list), and the external wallets orders may pay: add one, prove its ownership (the
challenge to sign, then the signature), remove one. wallets', as ``/v1/me/wallet`` and
``/v1/me/wallets`` call them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, require
from onramp.compliance import ListMatchersDep, SessionFactoryDep
from onramp.core.errors import OnrampError
from onramp.core.paging import PageDep, PageQuery
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.wallets import (
    CustodyQuery,
    WalletIn,
    WithdrawalIn,
    WithdrawalStatusQuery,
    add_own_wallet,
    custodial_wallet_of,
    own_challenge,
    prove_ownership,
    remove_own_wallet,
    saved_wallets_of,
    withdraw_once,
    withdrawals_of,
)
from onramp.web.customer.forms import ListFilter, back_to, pager_of, parse, removal_route
from onramp.web.rendering import render

PAGE = "/app/wallets"
router = APIRouter(include_in_schema=False)
Owner = Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)]
# Adding a destination and moving USDC out are a person's acts: never an API key's.
Person = Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN, person=True)]
Field = Annotated[str, Form(max_length=200)]


@router.get(PAGE)
async def wallets_page(
    request: Request,
    principal: Owner,
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    withdrawals_before: Annotated[uuid.UUID | None, Query()] = None,
    custody: CustodyQuery = None,
    status: WithdrawalStatusQuery = None,
    done: str = "",
) -> HTMLResponse:
    try:
        custodial = await custodial_wallet_of(
            session, customer_id=principal.user_id, settings=settings
        )
    except OnrampError as exc:  # no wallet factory (or no chain) here: the rest still shows
        custodial, unavailable = None, exc.detail
    else:
        unavailable = ""
    # Two lists, each paged on its own: the saved wallets by ``before``, the withdrawals by
    # ``withdrawals_before``; each filtered on its own (``custody``, ``status``), and its pages
    # keep both filters.
    wallets = await saved_wallets_of(
        session, customer_id=principal.user_id, page=page, custody=custody
    )
    withdrawals_page = PageQuery(limit=page.limit, before=withdrawals_before)
    withdrawals = await withdrawals_of(
        session, customer_id=principal.user_id, page=withdrawals_page, status=status
    )
    wallet_filter = ListFilter.of("custody", custody, CustodyQuery)
    withdrawal_filter = ListFilter.of("status", status, WithdrawalStatusQuery)
    return render(
        request,
        "app/account/wallets.html",
        principal=principal,
        custodial=custodial,
        unavailable=unavailable,
        withdrawals=withdrawals,
        wallets=wallets,
        custody=wallet_filter,
        status=withdrawal_filter,
        filters=wallet_filter.params | withdrawal_filter.params,
        idempotency_key=uuid.uuid4().hex,
        done=done,
        **pager_of(page, wallets),
        **pager_of(withdrawals_page, withdrawals, "withdrawals_"),
    )


@router.post(PAGE)
async def add(
    label: Field,
    address: Field,
    principal: Person,
    session: SessionDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
    custody: Field = "self_hosted",
    vasp_name: Field = "",
) -> RedirectResponse:
    fields = {"label": label, "address": address, "custody": custody, "vasp_name": vasp_name}
    body = parse(WalletIn, fields)
    await add_own_wallet(
        session,
        sessions,
        matchers,
        principal=principal,
        body=body,
        settings=settings,
        now=clock.now(),
    )
    return back_to(PAGE, "added")


@router.post(PAGE + "/{wallet_id}/challenge")
async def challenge(
    request: Request,
    wallet_id: uuid.UUID,
    principal: Owner,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> HTMLResponse:
    issued = await own_challenge(
        session,
        customer_id=principal.user_id,
        wallet_id=wallet_id,
        settings=settings,
        now=clock.now(),
    )
    return render(
        request, "app/account/wallet_challenge.html", principal=principal, challenge=issued
    )


@router.post(PAGE + "/{wallet_id}/proof")
async def proof(
    wallet_id: uuid.UUID,
    challenge_id: Annotated[uuid.UUID, Form()],
    signature: Field,
    principal: Owner,
    session: SessionDep,
    clock: ClockDep,
) -> RedirectResponse:
    await prove_ownership(
        session,
        customer_id=principal.user_id,
        wallet_id=wallet_id,
        challenge_id=challenge_id,
        signature=signature,
        message=None,
        now=clock.now(),
    )
    return back_to(PAGE, "proven")


removal_route(
    router,
    PAGE,
    page=PAGE,
    permission=Permission.WALLETS_MANAGE_OWN,
    remove=remove_own_wallet,
    key="wallet_id",
)


@router.post("/app/wallet/withdrawals")
async def withdraw(
    to: Field,
    amount: Field,
    idempotency_key: Field,
    principal: Person,
    session: SessionDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
) -> RedirectResponse:
    # The form's own key: sending it twice (a double click, a reload) withdraws once.
    await withdraw_once(
        session,
        sessions,
        matchers,
        principal=principal,
        body=parse(WithdrawalIn, {"to": to, "amount": amount}),
        idempotency_key=idempotency_key,
        settings=settings,
        now=clock.now(),
    )
    return back_to(PAGE, "withdrawal")
