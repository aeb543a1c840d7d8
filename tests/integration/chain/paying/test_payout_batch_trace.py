"""The payout batch's span links the traces of the orders it pays: each payout keeps the trace
context it was queued in (``payouts.traceparent``), and the batch, a root of its own since it
picks payouts from their table, links each of those traces once it knows what it sends."""

from __future__ import annotations

import uuid

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import PayoutRequest, queue_payouts
from onramp.chain.models import Payout
from onramp.core import tracing
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from tests.integration.chain.paying.senders import stack_sender

pytestmark = pytest.mark.usefixtures("no_payout_worker")


async def test_the_batch_links_the_trace_each_payout_was_queued_in(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], spans: InMemorySpanExporter
) -> None:
    orders = [uuid.uuid4(), uuid.uuid4()]
    traces = []
    for order_id in orders:
        with tracing.span("order") as order_span:  # each order's own trace
            traces.append(order_span.get_span_context().trace_id)
            async with unit_of_work(sessions) as session:
                to = "0x" + uuid.uuid4().hex + "0000beef"
                await queue_payouts(session, [PayoutRequest(order_id, to, Money(1, "USDC"))])
    async with sessions() as session:
        kept = set(
            await session.scalars(select(Payout.traceparent).where(Payout.order_id.in_(orders)))
        )
    assert {tracing.parse_traceparent(t).trace_id for t in kept if t} == set(traces)  # type: ignore[union-attr]

    sender = stack_sender(infra, sessions)
    assert await sender.send_batch() >= 2
    (batch,) = [s for s in spans.get_finished_spans() if s.name == "payout.batch"]
    assert batch.parent is None
    assert set(traces) <= {link.context.trace_id for link in batch.links}
