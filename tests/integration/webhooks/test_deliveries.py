"""Deliveries against a local receiver on the real database, with the clock in the test's hands
(a day ahead, so a running stack's own webhooks worker leaves them to the test): each event
exactly once and in order per order id though the receiver fails at first, a second copy of an
event adds nothing, replay re-delivers, and an endpoint that keeps failing is disabled and its
owner emailed once; a customer who turned the webhook channel off gets none."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent, subject_for
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.identity import Preferences, set_preferences
from onramp.notifications.models import OutgoingEmail
from onramp.webhooks.addresses import UrlPolicy
from onramp.webhooks.catalogue import EVENT_TYPES
from onramp.webhooks.deliveries import RetryPolicy, deliver_next, record_deliveries, replay
from onramp.webhooks.endpoints import register_endpoint
from onramp.webhooks.models import WebhookDelivery, WebhookEndpoint
from onramp.webhooks.schemas import WebhookCreate
from onramp.webhooks.sender import WebhookSender
from tests.e2e import conftest as e2e
from tests.e2e.mfa_people import PASSWORD
from tests.integration.webhooks.conftest import Receiver

client = e2e.client  # the API in this process, on the test's engine

LOCAL = UrlPolicy(allow_private=True)
RETRY = RetryPolicy(
    max_attempts=5, first_retry=timedelta(seconds=30), disable_after=timedelta(hours=1)
)


def _event(order_id: uuid.UUID, customer: uuid.UUID, state: str, at: datetime) -> CloudEvent:
    return CloudEvent(
        id=uuid7(),
        source="onramp/orders",
        type=subject_for("orders", state),
        subject=str(order_id),
        time=at,
        data={"order_id": str(order_id), "customer_id": str(customer), "state": state},
    )


async def _endpoint(
    sessions: async_sessionmaker[AsyncSession],
    receiver: Receiver,
    user_id: uuid.UUID,
    now: datetime,
) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        created = await register_endpoint(
            session,
            user_id=user_id,
            body=WebhookCreate(url=receiver.url, event_types=list(EVENT_TYPES)),
            policy=LOCAL,
            max_endpoints=10,
            now=now,
        )
    receiver.secret = created.secret
    return created.id


async def _record(
    sessions: async_sessionmaker[AsyncSession], events: list[CloudEvent], now: datetime
) -> None:
    async with unit_of_work(sessions) as session:
        await record_deliveries(session, events, now=now)


async def _start(
    sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> tuple[datetime, uuid.UUID, uuid.UUID]:
    """A day ahead, a new customer and their endpoint (every event type) at the receiver."""
    now = datetime.now(UTC) + timedelta(days=1)
    customer = uuid7()
    return now, customer, await _endpoint(sessions, receiver, customer, now)


async def _deliver_all(
    sessions: async_sessionmaker[AsyncSession], start: datetime, *, rounds: int = 12
) -> datetime:
    """Deliver what is due, then a minute later, ``rounds`` times; the time reached."""
    sender = WebhookSender(policy=LOCAL, timeout_seconds=5)
    at = start
    try:
        for _ in range(rounds):
            while await deliver_next(sessions, sender=sender, retry=RETRY, now=at):
                pass
            at += timedelta(minutes=1)
    finally:
        await sender.close()
    return at


async def test_a_receiver_failing_three_times_gets_each_event_once_in_order(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    now, customer, _ = await _start(sessions, receiver)
    receiver.fail_next = 3
    first, second = uuid7(), uuid7()
    states = ["awaiting_funds", "funds_received", "manual_review", "priced"]
    events = [
        _event(order, customer, state, now + timedelta(milliseconds=10 * i + j))
        for i, state in enumerate(states)
        for j, order in enumerate((first, second))
    ]
    someone_else = _event(uuid7(), uuid7(), "completed", now)
    for _ in range(2):  # the consumer sees every event twice: one delivery each all the same
        await _record(sessions, [*events, someone_else], now)

    await _deliver_all(sessions, now)

    assert receiver.refusals == []
    assert len(receiver.attempts) == len(events) + 3
    got = [(p["data"]["order_id"], p["data"]["state"]) for p in receiver.accepted]
    assert sorted(got) == sorted((e.data["order_id"], e.data["state"]) for e in events)
    for order in (first, second):
        assert [s for o, s in got if o == str(order)] == states
    assert {p["id"] for p in receiver.accepted} == {str(e.id) for e in events}
    assert all("customer_id" not in p["data"] for p in receiver.accepted)


async def test_the_webhook_channel_turned_off_stops_deliveries_and_on_again_resumes(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    now, customer, endpoint_id = await _start(sessions, receiver)

    async def choose(*channels: str) -> None:
        async with unit_of_work(sessions) as session:
            await set_preferences(
                session,
                user_id=customer,
                preferences=Preferences(notification_channels=channels),
                now=now,
            )

    await choose("email")
    muted = _event(uuid7(), customer, "completed", now)
    await _record(sessions, [muted], now)
    await choose("email", "webhook")
    heard = _event(uuid7(), customer, "completed", now + timedelta(seconds=1))
    await _record(sessions, [heard], now)
    await _deliver_all(sessions, now, rounds=1)

    async with sessions() as session:
        recorded = list(
            await session.scalars(
                select(WebhookDelivery.event_id).where(WebhookDelivery.endpoint_id == endpoint_id)
            )
        )
    assert recorded == [heard.id]
    assert [p["id"] for p in receiver.accepted] == [str(heard.id)]


async def test_replay_delivers_the_same_event_again(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    now, customer, endpoint_id = await _start(sessions, receiver)
    event = _event(uuid7(), customer, "completed", now)
    await _record(sessions, [event], now)
    at = await _deliver_all(sessions, now, rounds=1)
    async with sessions() as session:
        delivery = await session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
    assert delivery is not None
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)

    async with unit_of_work(sessions) as session:
        await replay(
            session, user_id=customer, endpoint_id=endpoint_id, delivery_id=delivery.id, now=at
        )
    await _deliver_all(sessions, at, rounds=1)

    assert [p["id"] for p in receiver.accepted] == [str(event.id), str(event.id)]


async def test_an_endpoint_failing_persistently_is_disabled_its_owner_emailed_once(
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    receiver: Receiver,
    client: httpx.AsyncClient,
) -> None:
    registered = await client.post(
        "/v1/auth/register",
        json={"email": f"h.{uuid7().hex}@example.com", "password": PASSWORD, "full_name": "H"},
    )
    assert registered.status_code == 201, registered.text
    customer = uuid.UUID(registered.json()["id"])
    now = datetime.now(UTC) + timedelta(days=1)
    endpoint_id = await _endpoint(sessions, receiver, customer, now)
    receiver.always_fail = True
    events = [_event(uuid7(), customer, "completed", now + timedelta(seconds=i)) for i in range(3)]
    await _record(sessions, events[:1], now)
    # 5 attempts 30 s, 1, 2, 4 min apart: dead within 8 min; still failing after an hour.
    at = await _deliver_all(sessions, now, rounds=10)
    await _record(sessions, events[1:], at + timedelta(hours=1))
    await _deliver_all(sessions, at + timedelta(hours=1), rounds=2)

    async with sessions() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        statuses = list(
            await session.scalars(
                select(WebhookDelivery.status).where(WebhookDelivery.endpoint_id == endpoint_id)
            )
        )
    assert endpoint is not None
    assert endpoint.status == "disabled"
    assert endpoint.disabled_reason is not None
    assert statuses.count("dead") == 1
    before = len(receiver.attempts)
    await _deliver_all(sessions, at + timedelta(hours=3), rounds=2)
    assert len(receiver.attempts) == before  # a disabled endpoint is not called
    async with sessions() as session:
        emails = list(
            await session.scalars(
                select(OutgoingEmail.template).where(OutgoingEmail.user_id == customer)
            )
        )
    assert emails.count("webhook_disabled") == 1
