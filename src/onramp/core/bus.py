"""NATS JetStream: the stream every event lands in, publishing, and durable pull consumers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NatsClient
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from onramp.core.errors import Unavailable

EVENT_SUBJECTS = "onramp.>"
# JetStream drops a message whose Nats-Msg-Id it saw within this window: a relay that crashed after
# publishing and before marking the outbox row re-publishes harmlessly.
DUPLICATE_WINDOW_SECONDS = 600.0


class BusUnavailable(Unavailable):
    code = "event_bus_unavailable"
    title = "The event bus is unavailable"


@dataclass
class EventBus:
    """The stream, under the installation's subject prefix: callers name subjects as the
    events do (``onramp.orders.…``), the wire carries ``<prefix>onramp.orders.…``."""

    client: NatsClient
    js: JetStreamContext
    stream: str
    prefix: str = ""
    ack_wait: float = 30.0  # the durable consumers' (NatsSettings.ack_wait_seconds)

    async def close(self) -> None:
        # Not drain(): a pull subscription with a fetch in flight would hold drain until its
        # timeout. Everything we publish is awaited and every ack is sent before this point.
        await self.client.close()

    async def publish_batch(self, messages: Sequence[tuple[str, str, bytes]]) -> int:
        """Publish (subject, message id, payload) triples concurrently; return duplicates seen."""
        acks = await asyncio.gather(
            *(
                self.js.publish(self.prefix + subject, payload, headers={"Nats-Msg-Id": msg_id})
                for subject, msg_id, payload in messages
            )
        )
        return sum(1 for ack in acks if ack.duplicate)

    async def durable_consumer(
        self,
        name: str,
        subjects: Sequence[str],
        *,
        ack_wait: float | None = None,
        max_ack_pending: int = 10_000,
    ) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=name,
            ack_policy=AckPolicy.EXPLICIT,
            filter_subjects=[self.prefix + subject for subject in subjects],
            ack_wait=self.ack_wait if ack_wait is None else ack_wait,
            max_ack_pending=max_ack_pending,
            max_deliver=-1,
        )
        await self.js.add_consumer(self.stream, config)
        return await self.js.pull_subscribe_bind(durable=name, stream=self.stream)


async def connect_bus(
    url: str, *, stream: str, replicas: int = 1, prefix: str = "", ack_wait: float = 30.0
) -> EventBus:
    if not url:
        raise BusUnavailable("no NATS URL configured: set ONRAMP_NATS__URL or run onramp dev")
    try:
        client = await nats.connect(url, name="onramp", max_reconnect_attempts=-1)
    except (OSError, NatsTimeout, nats.errors.NoServersError) as exc:
        raise BusUnavailable(f"cannot reach NATS at {url}: {exc}") from exc
    js = client.jetstream()
    await ensure_stream(js, stream, replicas=replicas, prefix=prefix)
    return EventBus(client=client, js=js, stream=stream, prefix=prefix, ack_wait=ack_wait)


async def ensure_stream(
    js: JetStreamContext, stream: str, *, replicas: int = 1, prefix: str = ""
) -> None:
    config = StreamConfig(
        name=stream,
        num_replicas=replicas,
        subjects=[prefix + EVENT_SUBJECTS],
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )
    try:
        await js.stream_info(stream)
    except NotFoundError:
        await js.add_stream(config)
