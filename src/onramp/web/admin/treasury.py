"""Treasury in the back office: the wallets' USDC on chain and in the books with their
liquidity against policy, the bank, FX and customers' positions (``/admin/treasury``, the
service of ``GET /v1/admin/treasury/positions`` and ``/wallets``), and the issuer
(``/admin/treasury/mints``): its mints and redeems (``GET /v1/admin/treasury/issuer-operations``)
and the mint and redeem requests (four-eyes, as ``POST /v1/admin/treasury/mints`` and
``/redeems``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.treasury import (
    issuer_operation_out,
    list_issuer_operations,
    read_positions,
    request_issuer_mint,
    request_issuer_redeem,
    treasury_chain_client,
)
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/treasury", include_in_schema=False)
USDC_AMOUNT = r"^\d{1,15}(\.\d{1,6})?$"  # as the JSON route
PAGE_SIZE = 50
OPERATION_COLUMNS = (
    "id", "kind", "status", "amount", "destination", "idempotency_key", "requested_by",
    "tx_hash", "error_code", "send_with", "created_at", "updated_at",
)  # fmt: skip
Kind = Literal["mint", "redeem", ""]


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
async def issuer_page(
    request: Request,
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
    kind: Kind = "",
    before: uuid.UUID | None = None,
    requested: str = "",
    redeem: str = "",
    format: Format = "html",
) -> Response:
    """The mints and redeems, newest first; the mint and redeem forms for those who may ask."""
    limit = 10_000 if format == "csv" else PAGE_SIZE
    rows = await list_issuer_operations(
        session, kind=kind or None, status=None, limit=limit, before=before
    )
    operations = [issuer_operation_out(r) for r in rows]
    if format == "csv":
        cells = ([getattr(o, k) for k in OPERATION_COLUMNS] for o in operations)
        return csv_download("issuer-operations.csv", OPERATION_COLUMNS, cells)
    return render(
        request,
        "admin/treasury/mints.html",
        principal=principal,
        requested=requested,
        redeem_requested=redeem,
        operations=operations,
        filters={"kind": kind},
        first_page=before is None,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        can_act=allowed(principal.role, Permission.TREASURY_MANAGE),
    )


class IssuerAsk:
    """What a mint and a redeem request both carry: the treasurer asking, how much and why."""

    def __init__(
        self,
        principal: Annotated[Principal, require(Permission.TREASURY_MANAGE, person=True)],
        session: SessionDep,
        settings: SettingsDep,
        clock: ClockDep,
        amount: Annotated[str, Form(pattern=USDC_AMOUNT, max_length=40)],
        note: Annotated[str, Form(min_length=1, max_length=300)],
    ) -> None:
        self.principal, self.session, self.clock, self.note = principal, session, clock, note
        self.issuer = settings.issuer.vendor
        self.amount = Money.parse(amount, "USDC")


Ask = Annotated[IssuerAsk, Depends()]


@router.post("/mints")
async def mint(
    ask: Ask, wallet: Annotated[str, Form(max_length=100)] = "vault"
) -> RedirectResponse:
    approval = await request_issuer_mint(
        ask.session,
        staff=ask.principal,
        amount=ask.amount,
        wallet_name=wallet,
        issuer=ask.issuer,
        note=ask.note,
        now=ask.clock.now(),
    )
    return RedirectResponse(f"/admin/treasury/mints?requested={approval.id}", status_code=303)


@router.post("/redeems")
async def redeem(ask: Ask) -> RedirectResponse:
    approval = await request_issuer_redeem(
        ask.session,
        staff=ask.principal,
        amount=ask.amount,
        issuer=ask.issuer,
        note=ask.note,
        now=ask.clock.now(),
    )
    return RedirectResponse(f"/admin/treasury/mints?redeem={approval.id}", status_code=303)
