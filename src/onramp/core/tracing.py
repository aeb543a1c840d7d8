"""OpenTelemetry traces across the money path: API request -> outbox -> JetStream -> workers.

The W3C trace context travels inside each CloudEvent (its ``traceparent`` extension attribute,
written when the event is made, so the outbox stores it and the relay publishes it unchanged); a
consumer continues each event's trace (``consuming``). Spans are exported over OTLP/HTTP
(protobuf) when ``ONRAMP_OTEL__ENDPOINT`` or the standard ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set
(``configure_tracing``, once per process); otherwise nothing is recorded and each helper here
returns at its first check: an event that arrives with a trace context still passes it on
(a process without an exporter does not break the trace), which costs a parse per event.

Only this module imports the OpenTelemetry SDK, and only when an endpoint is configured.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import (
    INVALID_SPAN,
    Link,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    Tracer,
)

TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
# The standard variables that name an OTLP endpoint (the exporter reads them itself).
STANDARD_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")

_tracer: Tracer = trace.NoOpTracer()
_enabled = False
_shutdown: Callable[[], None] | None = None

# Inside a consumer batch: each event's trace, by its correlation id and its subject (entity
# id), so an event emitted while handling the batch continues the trace of the event it
# follows from rather than the batch's first one.
_batch_traces: ContextVar[Mapping[str, Context] | None] = ContextVar("batch_traces", default=None)
# The order a log line is about, when the request or batch knows it (core/logging.py).
_order_source: ContextVar[Callable[[], str | None] | None] = ContextVar(
    "order_source", default=None
)

P = ParamSpec("P")
R = TypeVar("R")


class SpanProcessorLike(Protocol):
    """What the SDK's span processors offer that ``install`` needs (tests pass an in-memory
    exporter's ``SimpleSpanProcessor``)."""

    def shutdown(self) -> None: ...


def enabled() -> bool:
    return _enabled


def tracer() -> Tracer:
    return _tracer


def endpoint_configured(endpoint: str) -> bool:
    return bool(endpoint) or any(os.environ.get(name) for name in STANDARD_ENDPOINTS)


def configure_tracing(
    *, endpoint: str, service: str, environment: str, sample_ratio: float = 1.0
) -> bool:
    """Export this process's spans over OTLP/HTTP when an endpoint is configured; return
    whether it does. ``endpoint`` is the collector's base URL (``/v1/traces`` is added, as
    for ``OTEL_EXPORTER_OTLP_ENDPOINT``); empty: the standard variables decide."""
    if not endpoint_configured(endpoint):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    url = None
    if endpoint:
        base = endpoint.rstrip("/")
        url = base if base.endswith("/v1/traces") else f"{base}/v1/traces"
    install(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=url)),
        service=service,
        environment=environment,
        sample_ratio=sample_ratio,
    )
    return True


def install(
    processor: SpanProcessorLike,
    *,
    service: str,
    environment: str = "development",
    sample_ratio: float = 1.0,
) -> None:
    """Record spans into ``processor`` from now on (a process-wide tracer of our own, not the
    OpenTelemetry global, so a test can install and ``uninstall`` one)."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    global _tracer, _enabled, _shutdown
    assert isinstance(processor, SpanProcessor)
    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": service, "deployment.environment.name": environment}
        ),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    provider.add_span_processor(processor)
    _tracer = provider.get_tracer("onramp")
    _enabled = True
    _shutdown = provider.shutdown


def uninstall() -> None:
    """Stop recording (flushing what the processor holds)."""
    global _tracer, _enabled, _shutdown
    if _shutdown is not None:
        _shutdown()
    _tracer, _enabled, _shutdown = trace.NoOpTracer(), False, None


def format_traceparent(span_context: SpanContext) -> str:
    return (
        f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}"
        f"-{int(span_context.trace_flags):02x}"
    )


def parse_traceparent(value: str | None) -> SpanContext | None:
    """A W3C ``traceparent`` (version 00) as a remote span context; None when absent or not one
    (all-zero ids included): a bad value starts no trace and fails nothing."""
    if not value:
        return None
    match = TRACEPARENT.fullmatch(value)
    if match is None:
        return None
    span_context = SpanContext(
        trace_id=int(match[1], 16),
        span_id=int(match[2], 16),
        is_remote=True,
        trace_flags=TraceFlags(int(match[3], 16)),
    )
    return span_context if span_context.is_valid else None


def valid_traceparent(value: object) -> str | None:
    """For the CloudEvent field: keep a well-formed traceparent, drop anything else."""
    return value if isinstance(value, str) and parse_traceparent(value) is not None else None


def context_of(span_context: SpanContext) -> Context:
    return trace.set_span_in_context(NonRecordingSpan(span_context))


def current_trace() -> SpanContext | None:
    span_context = trace.get_current_span().get_span_context()
    return span_context if span_context.is_valid else None


def traceparent_for(*keys: str | None) -> str | None:
    """The traceparent for an event being made: inside a consumer batch the trace of the
    batch's event sharing one of ``keys`` (the new event's correlation or entity id); else the
    current span's; None outside any trace."""
    traces = _batch_traces.get()
    if traces:
        for key in keys:
            if key is not None and key in traces:
                return format_traceparent(trace.get_current_span(traces[key]).get_span_context())
    current = current_trace()
    return format_traceparent(current) if current is not None else None


@contextmanager
def span(
    name: str,
    attributes: Mapping[str, str | int | float | bool] | None = None,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
) -> Iterator[Span]:
    """A span around the block, a child of the current one; nothing when tracing is off."""
    if not _enabled:
        yield INVALID_SPAN
        return
    with _tracer.start_as_current_span(name, kind=kind, attributes=attributes) as current:
        yield current


def annotate(**attributes: Any) -> None:
    """Adds attributes to the current span (none when tracing is off)."""
    if _enabled:
        trace.get_current_span().set_attributes(attributes)


def traced(name: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorates a coroutine function with a span of ``name`` around each call."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if not _enabled:
                return await fn(*args, **kwargs)
            with _tracer.start_as_current_span(name):
                return await fn(*args, **kwargs)

        return call

    return decorate


class TracedEvent(Protocol):
    """What ``consuming`` reads from an event (core/events.py's CloudEvent)."""

    @property
    def type(self) -> str: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def correlationid(self) -> str | None: ...
    @property
    def traceparent(self) -> str | None: ...
    @property
    def data(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class _Incoming:
    event: TracedEvent
    parent: SpanContext


@contextmanager
def consuming(consumer: str, events: Sequence[TracedEvent]) -> Iterator[None]:
    """Continue the events' traces while ``consumer`` handles them as one batch.

    The batch's span is a child of the first traced event's span and links the others; an
    event of another trace also gets a span of its own in that trace, so every trace shows its
    event handled. Events emitted meanwhile continue the trace of the event they follow from
    (``traceparent_for``). With tracing off, only the contexts are passed on.
    """
    incoming = [
        _Incoming(e, parent)
        for e in events
        if (parent := parse_traceparent(e.traceparent)) is not None
    ]
    order_token = _order_source.set(_single_order(events))
    try:
        if not incoming and not _enabled:
            yield
            return
        if not _enabled:
            with _continued({_key: context_of(i.parent) for i in incoming for _key in _keys(i)}):
                token = otel_context.attach(context_of(incoming[0].parent))
                try:
                    yield
                finally:
                    otel_context.detach(token)
            return
        with _recorded_batch(consumer, events, incoming):
            yield
    finally:
        _order_source.reset(order_token)


@contextmanager
def _recorded_batch(
    consumer: str, events: Sequence[TracedEvent], incoming: Sequence[_Incoming]
) -> Iterator[None]:
    first = incoming[0].parent if incoming else None
    links = [Link(i.parent) for i in incoming[1:]]
    attributes: dict[str, str | int] = {
        "messaging.system": "nats",
        "messaging.consumer.group.name": consumer,
        "messaging.batch.message_count": len(events),
    }
    with _tracer.start_as_current_span(
        f"consume {consumer}",
        context=context_of(first) if first is not None else None,
        kind=SpanKind.CONSUMER,
        links=links,
        attributes=attributes,
    ) as batch_span:
        batch_context = trace.set_span_in_context(batch_span)
        own: list[Span] = []
        traces: dict[str, Context] = {}
        for item in incoming:
            context = batch_context
            if first is None or item.parent.trace_id != first.trace_id:
                event_span = _tracer.start_span(
                    f"consume {consumer} {item.event.type}",
                    context=context_of(item.parent),
                    kind=SpanKind.CONSUMER,
                    links=[Link(batch_span.get_span_context())],
                    attributes={"messaging.consumer.group.name": consumer},
                )
                own.append(event_span)
                context = trace.set_span_in_context(event_span)
            for key in _keys(item):
                traces[key] = context
        try:
            with _continued(traces):
                yield
        except BaseException as exc:
            for event_span in own:
                event_span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        finally:
            for event_span in own:
                event_span.end()


@contextmanager
def _continued(traces: Mapping[str, Context]) -> Iterator[None]:
    token = _batch_traces.set(traces)
    try:
        yield
    finally:
        _batch_traces.reset(token)


def _keys(item: _Incoming) -> list[str]:
    return [k for k in (item.event.correlationid, item.event.subject) if k]


def _single_order(events: Sequence[TracedEvent]) -> Callable[[], str | None] | None:
    """The batch's order when all its events are about one (the logs name it), else none."""
    orders = {str(e.data.get("order_id")) for e in events if e.data.get("order_id")}
    if len(orders) != 1:
        return None
    (order_id,) = orders
    return lambda: order_id


def set_order_source(source: Callable[[], str | None] | None) -> object:
    """Where log lines in this context read their order id from (the HTTP middleware: the
    matched route's ``order_id``); returns the token for ``reset_order_source``."""
    return _order_source.set(source)


def reset_order_source(token: object) -> None:
    _order_source.reset(token)  # type: ignore[arg-type]


def log_fields() -> dict[str, str]:
    """The trace, span and order ids a log line made here should carry."""
    fields: dict[str, str] = {}
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        fields["trace_id"] = f"{span_context.trace_id:032x}"
        fields["span_id"] = f"{span_context.span_id:016x}"
    source = _order_source.get()
    if source is not None:
        order_id = source()
        if order_id:
            fields["order_id"] = order_id
    return fields
