"""The webhooks domain's operations other packages and the API call: the URL policy from the
settings, the delivery log's rows, and the consumer that turns orders' events into deliveries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import utcnow
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent
from onramp.core.settings import Settings
from onramp.webhooks.addresses import UrlPolicy
from onramp.webhooks.catalogue import EVENT_TYPES
from onramp.webhooks.deliveries import record_deliveries
from onramp.webhooks.models import WebhookDelivery
from onramp.webhooks.schemas import DeliveryOut

CONSUMER = "webhooks"


def url_policy(settings: Settings) -> UrlPolicy:
    return UrlPolicy(allow_private=settings.webhooks.allow_private)


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    status = delivery.status if delivery.status in ("succeeded", "dead") else "pending"
    return DeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=status,
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at if status == "pending" else None,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
    )


async def _record(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    await record_deliveries(session, events, now=utcnow())


def webhooks_consumer(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Consumer:
    """The durable consumer ``webhooks``: each order event once (its inbox), its deliveries
    written in the same transaction."""
    return Consumer(CONSUMER, EVENT_TYPES, _record)
