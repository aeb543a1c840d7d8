"""Sandbank's batch booking: many incoming transfers in one request, notified the way bank APIs
batch their notifications (many entries per webhook), or not notified at all so that they reach
the operator by camt.054 only.

``POST /transfers/batch``
    Body: ``{"transfers": [<as POST /transfers>, ...] (1 to 1,000), "webhook_batch_size": 100
    (1 to 500), "notify": "webhook" | "none"}``. Each transfer is booked as ``POST /transfers``
    books it (its own entry, its own single-entry event for ``/redeliver``); the notification is
    one ``credit_transfers.booked`` event per ``webhook_batch_size`` entries, ``data:
    {"entries": [<the single event's data>, ...]}`` (a batch size of 1 sends the single events
    themselves). Answers 202 ``{"entries": [<entry>, ...], "events": <webhooks scheduled>}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from onramp.devstack.bank_sandbox_state import Entry, Sandbank, TransferIn, parse_amount
from onramp.devstack.sandbox_kit import WebhookEvent, iso_now

BATCH_EVENT_TYPE = "credit_transfers.booked"
MAX_BATCH_TRANSFERS = 1000
MAX_WEBHOOK_ENTRIES = 500  # what the operator's intake accepts in one event


class TransferBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transfers: Annotated[list[TransferIn], Field(min_length=1, max_length=MAX_BATCH_TRANSFERS)]
    webhook_batch_size: Annotated[int, Field(ge=1, le=MAX_WEBHOOK_ENTRIES)] = 100
    notify: Literal["webhook", "none"] = "webhook"


def batch_event(entries: Sequence[Entry]) -> WebhookEvent:
    """One notification for several bookings: each entry's single-event data, in a list."""
    event_id = f"evt_{uuid.uuid4().hex}"
    body = {
        "id": event_id,
        "type": BATCH_EVENT_TYPE,
        "created_at": iso_now(),
        "data": {"entries": [json.loads(e.event_body)["data"] for e in entries]},
    }
    encoded = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return WebhookEvent(event_id=event_id, event_body=encoded)


def batch_router(bank: Sandbank) -> APIRouter:
    router = APIRouter()

    @router.post("/transfers/batch", status_code=202)
    async def create_transfers(body: TransferBatchIn) -> dict[str, Any]:
        # Every amount checked before anything is booked: a bad one books none of the batch.
        amounts = [parse_amount(t.amount, t.currency) for t in body.transfers]
        entries = [bank.book(a, t) for a, t in zip(amounts, body.transfers, strict=True)]
        events = 0
        if body.notify == "webhook":
            size = body.webhook_batch_size
            for start in range(0, len(entries), size):
                chunk = entries[start : start + size]
                bank.webhooks.schedule(chunk[0] if size == 1 else batch_event(chunk))
                events += 1
        return {"entries": [e.view() for e in entries], "events": events}

    return router
