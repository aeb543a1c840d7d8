"""Treasury in the back office: the wallets' USDC on chain and in the books with their
liquidity against policy, the bank, FX and customers' positions (``/admin/treasury``, the
service of ``GET /v1/admin/treasury/positions`` and ``/wallets``), and the issuer mint request
(``/admin/treasury/mints``, four-eyes, as ``POST /v1/admin/treasury/mints``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.treasury import read_positions, request_issuer_mint, treasury_chain_client
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/treasury", include_in_schema=False)
USDC_AMOUNT = r"^\d{1,15}(\.\d{1,6})?$"  # as the JSON route


@router.get("")
async def overview(
    request: Request,
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
    clock: ClockDep,
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    found = await read_positions(
        session, treasury_chain_client(request), usdc=settings.chain.usdc_address, now=clock.now()
    )
    return render(request, "admin/treasury/overview.html", principal=principal, positions=found)


@router.get("/mints")
async def mint_form(
    request: Request,
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    requested: str = "",
) -> HTMLResponse:
    return render(
        request,
        "admin/treasury/mints.html",
        principal=principal,
        requested=requested,
        can_act=allowed(principal.role, Permission.TREASURY_MANAGE),
    )


@router.post("/mints")
async def mint(
    principal: Annotated[Principal, require(Permission.TREASURY_MANAGE, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    amount: Annotated[str, Form(pattern=USDC_AMOUNT, max_length=40)],
    note: Annotated[str, Form(min_length=1, max_length=300)],
    wallet: Annotated[str, Form(max_length=100)] = "vault",
) -> RedirectResponse:
    approval = await request_issuer_mint(
        session,
        staff=principal,
        amount=Money.parse(amount, "USDC"),
        wallet_name=wallet,
        issuer=settings.issuer.vendor,
        note=note,
        now=clock.now(),
    )
    return RedirectResponse(f"/admin/treasury/mints?requested={approval.id}", status_code=303)
