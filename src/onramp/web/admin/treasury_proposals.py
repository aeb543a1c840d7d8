"""Rebalancing proposals in the back office (``/admin/treasury/proposals``): the list (by
status, newest first), a proposal by hand, one proposal with the EIP-712 typed data its Safe's
owners sign, a treasurer's signature (made with their own owner key, outside the browser, and
pasted: the service checks it recovers to an owner and binds the key to the person; at the
threshold, from two people, the treasury worker executes it) and cancelling. The services are
``/v1/admin/treasury/proposals``'s."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep
from onramp.treasury import (
    ProposalKind,
    cancel_proposal,
    latest_proposals,
    proposal_out,
    propose_rebalancing,
    rebalancing_proposal,
    sign_proposal,
    treasury_chain_client,
)
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/treasury/proposals", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.TREASURY_READ)]
Manager = Annotated[Principal, require(Permission.TREASURY_MANAGE)]
STATUSES = ("awaiting_signatures", "ready", "executing", "executed", "failed", "cancelled")
COLUMNS = (
    "id", "kind", "source", "destination", "amount", "status", "threshold", "proposed_by",
    "created_at", "executed_at",
)  # fmt: skip
USDC_AMOUNT = r"^\d{1,15}(\.\d{1,6})?$"  # as the JSON route


def _to(proposal_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"/admin/treasury/proposals/{proposal_id}", status_code=303)


@router.get("")
async def proposals(
    request: Request,
    principal: Reader,
    session: SessionDep,
    status: Annotated[str, Query(max_length=30)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    format: Format = "html",
) -> Response:
    rows = await latest_proposals(session, status=status or None, limit=limit)
    if format == "csv":
        outs = [await proposal_out(session, p) for p in rows]
        cells = ([*(getattr(p, k) for k in COLUMNS), len(p.signatures)] for p in outs)
        return csv_download("proposals.csv", (*COLUMNS, "signatures"), cells)
    return render(
        request,
        "admin/treasury/proposals.html",
        principal=principal,
        proposals=[await proposal_out(session, p) for p in rows],
        status=status,
        statuses=STATUSES,
        can_manage=allowed(principal.role, Permission.TREASURY_MANAGE),
    )


@router.post("")
async def propose(
    request: Request,
    principal: Manager,
    session: SessionDep,
    kind: Annotated[ProposalKind, Form()],
    source: Annotated[str, Form(max_length=100)],
    destination: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(min_length=1, max_length=300)],
    amount: Annotated[str, Form(pattern=USDC_AMOUNT, max_length=40)] = "0",
    address: Annotated[str, Form(max_length=60)] = "",
) -> RedirectResponse:
    settings: Settings = request.app.state.settings
    p = await propose_rebalancing(
        session,
        treasury_chain_client(request),
        kind=kind,
        source=source,
        destination=destination,
        amount=Money.parse(amount, "USDC").minor,
        reason=reason,
        proposed_by=f"user:{principal.user_id}",
        usdc=settings.chain.usdc_address,
        chain_id=settings.chain.chain_id,
        subject=address or None,
    )
    return _to(p.id)


@router.get("/{proposal_id}")
async def proposal(
    proposal_id: uuid.UUID, request: Request, principal: Reader, session: SessionDep
) -> HTMLResponse:
    out = await proposal_out(session, await rebalancing_proposal(session, proposal_id))
    return render(
        request,
        "admin/treasury/proposal.html",
        principal=principal,
        proposal=out,
        typed_data=json.dumps(out.typed_data, indent=2),
        can_sign=allowed(principal.role, Permission.TREASURY_SIGN),
        can_manage=allowed(principal.role, Permission.TREASURY_MANAGE),
    )


@router.post("/{proposal_id}/signatures")
async def sign(
    proposal_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, require(Permission.TREASURY_SIGN, person=True)],
    session: SessionDep,
    clock: ClockDep,
    signature: Annotated[str, Form(max_length=200)],
) -> RedirectResponse:
    await sign_proposal(
        session,
        treasury_chain_client(request),
        proposal_id=proposal_id,
        user_id=principal.user_id,
        signature=signature.strip(),
        now=clock.now(),
    )
    return _to(proposal_id)


@router.post("/{proposal_id}/cancel")
async def cancel(
    proposal_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> RedirectResponse:
    await cancel_proposal(
        session, proposal_id=proposal_id, actor=f"user:{principal.user_id}", now=clock.now()
    )
    return _to(proposal_id)
