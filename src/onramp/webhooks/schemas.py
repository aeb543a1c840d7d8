"""The webhooks API's bodies: an endpoint (its secret shown once), its deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import Text
from onramp.webhooks.addresses import MAX_URL_LENGTH
from onramp.webhooks.catalogue import MAX_EVENT_TYPES

EventType = Annotated[Text, Field(min_length=1, max_length=200)]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Text = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        examples=["https://example.com/hooks/onramp"],
        description="https; its host must resolve to public addresses only.",
    )
    event_types: list[EventType] = Field(
        min_length=1,
        max_length=MAX_EVENT_TYPES,
        examples=[["onramp.orders.completed.v1"]],
        description="From GET /v1/webhooks/event-types.",
    )
    description: Text = Field(default="", max_length=200)


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str
    status: Literal["active", "disabled"]
    created_at: datetime
    secret_rotated_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="The signing secret (whsec_...), shown this once. Verify each request's "
        "webhook-signature with it (Standard Webhooks)."
    )


class WebhookList(BaseModel):
    data: list[WebhookOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


class EventTypeList(BaseModel):
    data: list[str]


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="Also the webhook-id header: deduplicate on it")
    event_type: str
    status: Literal["pending", "succeeded", "dead"]
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


class DeliveryList(BaseModel):
    data: list[DeliveryOut]
    next_before: uuid.UUID | None
