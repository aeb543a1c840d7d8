"""Transactional outbox: a state change and the event announcing it commit together.

Services call :func:`emit` inside their unit of work; the relay (``onramp worker relay``) publishes
committed rows to JetStream with the event id as the message id, so a re-publish after a crash is
dropped by JetStream's duplicate window and consumers' inboxes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import DateTime, Index, LargeBinary, String, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.backlog import Backlog
from onramp.core.clock import utcnow
from onramp.core.db import Base
from onramp.core.errors import InvariantViolated
from onramp.core.events import CloudEvent, is_event_subject
from onramp.core.ids import uuid7
from onramp.core.tracing import span, traceparent_for


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    )


def make_event(
    subject: str,
    data: Mapping[str, Any],
    *,
    source: str,
    entity_id: str | None = None,
    correlation_id: str | None = None,
) -> CloudEvent:
    if not is_event_subject(subject):
        # Refused here, before it is written: one unpublishable row would stall the relay.
        raise InvariantViolated(f"{subject!r} is not an onramp.<domain>.<event>.v<N> subject")
    return CloudEvent(
        id=uuid7(),
        source=source,
        type=subject,
        subject=entity_id,
        time=utcnow(),
        data=dict(data),
        correlationid=correlation_id,
        traceparent=traceparent_for(correlation_id, entity_id),
    )


async def emit_many(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    if not events:
        return
    with span("outbox.write", {"messaging.batch.message_count": len(events)}):
        await session.execute(
            insert(OutboxMessage),
            [{"id": e.id, "subject": e.type, "payload": e.to_json()} for e in events],
        )


async def emit(
    session: AsyncSession,
    subject: str,
    data: Mapping[str, Any],
    *,
    source: str,
    entity_id: str | None = None,
    correlation_id: str | None = None,
) -> CloudEvent:
    event = make_event(
        subject, data, source=source, entity_id=entity_id, correlation_id=correlation_id
    )
    await emit_many(session, [event])
    return event


def decode_payload(payload: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = orjson.loads(payload)
    return decoded


async def outbox_backlog(session: AsyncSession) -> Backlog:
    """Events written and not yet published by the relay: a growing count or age means the
    relay (or NATS) is stuck and every consumer downstream waits."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.published_at.is_(None)
            )
        )
    ).one()
    return Backlog("unpublished", int(count), oldest)
