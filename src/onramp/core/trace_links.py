"""Spans that link traces rather than continue one (core/tracing.py): a batch that carries many
orders' events or payouts belongs to none of their traces, so it links each of them. The outbox
relay's publish (``publishing``) and the payout batch (``link_traces``) use them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import INVALID_SPAN, Link, Span, SpanContext, SpanKind

from onramp.core.tracing import enabled, parse_traceparent, tracer


def _distinct_traces(traceparents: Iterable[str | None]) -> list[SpanContext]:
    """The valid trace contexts among ``traceparents``, one per trace, in first-seen order."""
    found: dict[int, SpanContext] = {}
    for value in traceparents:
        parsed = parse_traceparent(value)
        if parsed is not None:
            found.setdefault(parsed.trace_id, parsed)
    return list(found.values())


@contextmanager
def publishing(
    name: str, traceparents: Sequence[str | None], attributes: Mapping[str, str | int]
) -> Iterator[Span]:
    """A producer span for one publish of many events (the outbox relay): a root of its own,
    linking each event's trace (a batch mixes many orders' traces, so none is its parent)."""
    if not enabled():
        yield INVALID_SPAN
        return
    links = [Link(c) for c in _distinct_traces(traceparents)]
    with tracer().start_as_current_span(
        name, context=Context(), kind=SpanKind.PRODUCER, links=links, attributes=attributes
    ) as current:
        yield current


def link_traces(traceparents: Iterable[str | None]) -> int:
    """Link the current span to each trace in ``traceparents`` (the payout batch to the orders
    it pays, known only once it has picked them); how many it linked."""
    if not enabled():
        return 0
    current = trace.get_current_span()
    contexts = _distinct_traces(traceparents)
    for span_context in contexts:
        current.add_link(span_context)
    return len(contexts)
