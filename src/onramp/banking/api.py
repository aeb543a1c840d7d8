from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from onramp.banking.adapters.base import BankWebhookAdapter
from onramp.banking.errors import UnknownBank
from onramp.banking.intake import service
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, rate_limited

router = APIRouter(prefix="/v1/webhooks/bank", tags=["webhooks"])


class WebhookAck(BaseModel):
    received: int
    duplicates: int


@router.post(
    "/{bank}",
    dependencies=[rate_limited("webhook")],
    summary="Receive a signed notification from a bank",
    description=(
        "Verifies the bank's signature over the raw body before anything is stored. One event "
        "carries one booked entry (`credit_transfer.booked`) or up to 500 of them "
        "(`credit_transfers.booked`, `data.entries`), stored with one statement. Each bank "
        "event and each booked entry is stored once: redeliveries are acknowledged and ignored "
        "(`received` counts the entries new to us, `duplicates` those known before)."
    ),
    responses={
        401: {"description": "webhook_signature_invalid"},
        404: {"description": "unknown_bank"},
        413: {"description": "request_too_large: the body is over 1 MiB"},
        422: {"description": "bank_notification_malformed (also: more than 500 entries)"},
    },
)
async def bank_webhook(
    bank: Annotated[Text, Path(max_length=40)],
    request: Request,
    session: SessionDep,
    clock: ClockDep,
) -> WebhookAck:
    adapters: dict[str, BankWebhookAdapter] = request.app.state.bank_adapters
    adapter = adapters.get(bank)
    if adapter is None:
        raise UnknownBank(f"no bank adapter named {bank!r}")
    body = await request.body()
    notice = adapter.parse_webhook(request.headers, body, now=clock.now())
    result = await service.intake_notice(session, bank=adapter.name, notice=notice)
    return WebhookAck(received=result.received, duplicates=result.duplicates)
