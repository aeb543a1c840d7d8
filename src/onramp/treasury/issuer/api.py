"""The issuer's notifications in: ``POST /v1/webhooks/issuer/{vendor}``, verified over the raw
body before anything changes, then applied to the operation they concern (at most once: a
redelivery finds it moved on already)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.treasury.issuer.config import build_issuer
from onramp.treasury.issuer.errors import UnknownIssuer
from onramp.treasury.issuer.service import apply_notice

webhook_router = APIRouter(prefix="/v1/webhooks/issuer", tags=["webhooks"])


class IssuerWebhookAck(BaseModel):
    notification_id: str
    operation_id: str | None  # the mint or redeem it moved, if any


@webhook_router.post(
    "/{vendor}",
    dependencies=[rate_limited("webhook")],
    summary="Receive a signed notification from the USDC issuer",
    description=(
        "Verifies the issuer's signature over the raw body before anything is stored; a finished "
        "transfer (mint) or payout (redeem) moves its operation on. Redeliveries change nothing."
    ),
    responses={
        401: {"description": "invalid_issuer_webhook_signature"},
        404: {"description": "unknown_issuer"},
        422: {"description": "malformed_issuer_notification"},
    },
)
async def issuer_webhook(
    vendor: Annotated[Text, Path(max_length=40)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> IssuerWebhookAck:
    issuer = build_issuer(settings.issuer)
    if vendor != issuer.name:
        raise UnknownIssuer(f"no issuer adapter named {vendor!r}")
    notice = issuer.parse_notification(request.headers, await request.body(), now=clock.now())
    moved = await apply_notice(session, notice)
    return IssuerWebhookAck(
        notification_id=notice.notification_id,
        operation_id=str(moved.id) if moved else None,
    )
