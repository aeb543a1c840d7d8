"""``/app/kyc``: the customer's identity verification: the tier, the latest case (its status,
attempts, reasons and dates) and what to do next, and the form that sends their identity to the
configured vendor (the sandbox in development). kyc's, as ``/v1/me/kyc`` calls it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.kyc import KycSubmissionIn, kyc_status_of, submit_own_kyc
from onramp.web.customer.forms import back_to, parse
from onramp.web.rendering import render

PAGE = "/app/kyc"
router = APIRouter(prefix=PAGE, include_in_schema=False)
Owner = Annotated[Principal, require(Permission.KYC_MANAGE_OWN)]
# A person asserts their own identity: never an API key.
Person = Annotated[Principal, require(Permission.KYC_MANAGE_OWN, person=True)]
Field = Annotated[str, Form(max_length=200)]


@router.get("")
async def kyc_page(
    request: Request,
    principal: Owner,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    done: str = "",
) -> HTMLResponse:
    kyc = await kyc_status_of(
        session, customer_id=principal.user_id, settings=settings.kyc, now=clock.now()
    )
    return render(request, "app/account/kyc.html", principal=principal, kyc=kyc, done=done)


@router.post("")
async def submit(
    request: Request,
    given_names: Field,
    surname: Field,
    date_of_birth: Field,
    nationality: Field,
    line1: Field,
    city: Field,
    postal_code: Field,
    country: Field,
    document_type: Field,
    principal: Person,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    tier: Annotated[int, Form()] = 1,
) -> RedirectResponse:
    address = {"line1": line1, "city": city, "postal_code": postal_code, "country": country}
    body = parse(
        KycSubmissionIn,
        {
            "tier": tier,
            "given_names": given_names,
            "surname": surname,
            "date_of_birth": date_of_birth,
            "nationality": nationality,
            "address": address,
            # The document's number and picture are the vendor's to take in its own flow.
            "documents": [{"type": document_type, "filename": f"{document_type}.jpg"}],
        },
    )
    await submit_own_kyc(
        session,
        vendors=request.app.state.kyc_vendors,
        customer_id=principal.user_id,
        body=body,
        settings=settings.kyc,
        now=clock.now(),
    )
    return back_to(PAGE, "submitted")
