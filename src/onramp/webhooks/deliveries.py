"""Deliveries: made from the orders' events (one per endpoint and event), sent one at a time
with exponential backoff, in order per order id, then ``dead``; replayed on request; an
endpoint that keeps failing is disabled and its owner emailed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.ids import uuid7
from onramp.core.logging import get_logger
from onramp.core.settings import WebhookSettings
from onramp.identity import email_recipients, webhook_muted
from onramp.notifications import enqueue_email
from onramp.webhooks.catalogue import ordering_key, owner_of, webhook_body
from onramp.webhooks.endpoints import endpoint_secret, own_endpoint
from onramp.webhooks.errors import WebhookDeliveryNotFound, WebhookEndpointDisabled
from onramp.webhooks.models import WebhookDelivery, WebhookEndpoint
from onramp.webhooks.sender import Outcome, WebhookSender
from onramp.webhooks.signing import signed_headers

log = get_logger(__name__)

WEBHOOKS_CHANNEL = "onramp_webhooks"
MAX_BACKOFF = timedelta(hours=8)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 12
    first_retry: timedelta = timedelta(seconds=30)
    disable_after: timedelta = timedelta(days=5)

    @classmethod
    def from_settings(cls, settings: WebhookSettings) -> RetryPolicy:
        return cls(
            max_attempts=settings.max_attempts,
            first_retry=timedelta(seconds=settings.first_retry_seconds),
            disable_after=timedelta(seconds=settings.disable_after_seconds),
        )

    def backoff(self, attempts: int) -> timedelta:
        """30 s, 1 min, 2 min ... doubling (at most 8 h): 12 attempts span about a day."""
        delay: timedelta = self.first_retry * 2 ** (attempts - 1)
        return min(delay, MAX_BACKOFF)


async def record_deliveries(
    session: AsyncSession, events: Sequence[CloudEvent], *, now: datetime
) -> int:
    """A delivery for each active endpoint of the event's customer subscribed to its type,
    unless the customer turned the ``webhook`` channel off in their preferences; a second call
    with the same events adds none (unique per endpoint and event)."""
    owners = {uuid.UUID(owner) for e in events if (owner := owner_of(e)) is not None}
    owners -= await webhook_muted(session, owners)
    if not owners:
        return 0
    endpoints = (
        await session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.user_id.in_(owners), WebhookEndpoint.status == "active"
            )
        )
    ).all()
    rows = [
        {
            "id": uuid7(),
            "endpoint_id": endpoint.id,
            "event_id": event.id,
            "event_type": event.type,
            "event_time": event.time,
            "ordering_key": ordering_key(event),
            "payload": webhook_body(event),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event in events
        for endpoint in endpoints
        if str(endpoint.user_id) == owner_of(event) and event.type in endpoint.event_types
    ]
    if not rows:
        return 0
    await session.execute(
        insert(WebhookDelivery)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_webhook_deliveries_endpoint_event")
    )
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WEBHOOKS_CHANNEL})
    return len(rows)


def _due(now: datetime) -> Select[WebhookDelivery, WebhookEndpoint]:
    """Pending and due, its endpoint active, and no earlier event of the same order pending."""
    earlier = aliased(WebhookDelivery)
    waiting_for_earlier = exists().where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.ordering_key == WebhookDelivery.ordering_key,
        earlier.status == "pending",
        tuple_(earlier.event_time, earlier.event_id)
        < tuple_(WebhookDelivery.event_time, WebhookDelivery.event_id),
    )
    return (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.status == "active",
            ~waiting_for_earlier,
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(1)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )


async def deliver_next(
    sessions: async_sessionmaker[AsyncSession],
    *,
    sender: WebhookSender,
    retry: RetryPolicy,
    now: datetime,
    wall_clock: Callable[[], float] = time.time,
) -> bool:
    """Send one due delivery in a transaction of its own; False when none is due.

    ``now`` schedules (what is due, when to retry); ``webhook-timestamp`` is the wall clock's,
    as receivers check it against theirs.

    The row stays locked while the endpoint is called: a crash before the commit leaves it
    pending, so it is sent again with the same ``webhook-id`` (receivers deduplicate on it).
    """
    async with unit_of_work(sessions) as session:
        found = (await session.execute(_due(now))).first()
        if found is None:
            return False
        delivery, endpoint = found
        delivery.attempts += 1
        delivery.last_attempt_at = now
        headers = signed_headers(
            endpoint_secret(endpoint),
            str(delivery.event_id),
            int(wall_clock()),
            delivery.payload,
        )
        outcome = await sender.post(endpoint.url, headers=headers, body=delivery.payload)
        delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
        if outcome.succeeded:
            delivery.status, delivery.delivered_at = "succeeded", now
            endpoint.failing_since = None
            log.info("webhook.delivered", delivery_id=str(delivery.id), attempts=delivery.attempts)
            return True
        await _failed(session, delivery, endpoint, outcome, retry=retry, now=now)
        return True


async def _failed(
    session: AsyncSession,
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    outcome: Outcome,
    *,
    retry: RetryPolicy,
    now: datetime,
) -> None:
    if delivery.attempts >= retry.max_attempts:
        delivery.status = "dead"
        log.warning("webhook.dead", delivery_id=str(delivery.id), error=outcome.error)
    else:
        delivery.next_attempt_at = now + retry.backoff(delivery.attempts)
        log.info("webhook.retry", delivery_id=str(delivery.id), attempts=delivery.attempts)
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    if now - endpoint.failing_since >= retry.disable_after:
        await _disable(session, endpoint, now=now)


async def _disable(session: AsyncSession, endpoint: WebhookEndpoint, *, now: datetime) -> None:
    """Stop calling an endpoint that has failed persistently, and tell its owner (once: an
    endpoint is disabled once until its owner enables it again)."""
    since = (endpoint.failing_since or now).isoformat(timespec="seconds")
    endpoint.status, endpoint.disabled_at = "disabled", now
    endpoint.disabled_reason = f"every delivery failed since {since}"
    log.warning("webhook.endpoint_disabled", endpoint_id=str(endpoint.id))
    to = (await email_recipients(session, {endpoint.user_id})).get(endpoint.user_id)
    if to is None:
        return
    await enqueue_email(
        session,
        to=to.email,
        template="webhook_disabled",
        params={"name": to.name, "url": endpoint.url, "since": since},
        now=now,
        user_id=to.user_id,
        language=to.language,
    )


async def own_deliveries(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    limit: int,
    before: uuid.UUID | None,
) -> list[WebhookDelivery]:
    endpoint = await own_endpoint(session, user_id=user_id, endpoint_id=endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    return list(await session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


async def replay(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
    now: datetime,
) -> WebhookDelivery:
    """Send a delivery again (a dead one, or one the receiver lost), with a fresh set of
    attempts and the same ``webhook-id``."""
    endpoint = await own_endpoint(session, user_id=user_id, endpoint_id=endpoint_id)
    if endpoint.status != "active":
        raise WebhookEndpointDisabled()
    delivery = await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id)
        .with_for_update()
    )
    if delivery is None:
        raise WebhookDeliveryNotFound()
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WEBHOOKS_CHANNEL})
    return delivery
