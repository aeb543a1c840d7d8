"""The event types a webhook endpoint may subscribe to: each state an order enters, as its
CloudEvent type (``onramp.orders.<state>.v1``), and what of the event a customer is sent."""

from __future__ import annotations

from typing import Any, Final

import orjson

from onramp.core.events import CloudEvent, subject_for
from onramp.orders import OrderState

# Every state but ``screening``, a step inside onramp that lasts a moment and tells a customer
# nothing (funds_received is followed by priced, manual_review or rejected).
EVENT_TYPES: Final[tuple[str, ...]] = tuple(
    subject_for("orders", state.value) for state in OrderState if state != OrderState.SCREENING
)
MAX_EVENT_TYPES = len(EVENT_TYPES)
# What of an order event leaves onramp: never a hold's reason nor staff's notes.
SHARED_FIELDS: Final[tuple[str, ...]] = ("order_id", "from", "state", "tx_hash")


def owner_of(event: CloudEvent) -> str | None:
    """The customer an order event is about (their endpoints alone receive it)."""
    owner = event.data.get("customer_id")
    return str(owner) if owner else None


def ordering_key(event: CloudEvent) -> str:
    return str(event.data.get("order_id") or event.subject or event.id)[:100]


def webhook_body(event: CloudEvent) -> bytes:
    data: dict[str, Any] = {k: event.data[k] for k in SHARED_FIELDS if k in event.data}
    return orjson.dumps(
        {
            "id": str(event.id),
            "type": event.type,
            "timestamp": event.time.isoformat(),
            "data": data,
        }
    )
