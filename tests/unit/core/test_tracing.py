"""Traces through the outbox and the consumers: the traceparent an event carries, the trace a
consumer batch continues, the ids log lines carry; and that with no exporter nothing is
recorded while an incoming trace still passes on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import structlog
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from onramp.core import trace_links, tracing
from onramp.core.events import CloudEvent
from onramp.core.logging import add_trace_ids, configure_logging, get_logger
from onramp.core.outbox import make_event

TRACE_A = "0af7651916cd43dd8448eb211c80319c"
TRACE_B = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_A = f"00-{TRACE_A}-b7ad6b7169203331-01"
PARENT_B = f"00-{TRACE_B}-00f067aa0ba902b7-01"
SUBJECT = "onramp.banking.deposit_matched.v1"


def event(traceparent: str | None, *, order: str = "o-1", subject: str = "d-1") -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="onramp/banking",
        type=SUBJECT,
        subject=subject,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        data={"order_id": order},
        correlationid=order,
        traceparent=traceparent,
    )


def trace_of(traceparent: str | None) -> str:
    assert traceparent is not None
    return traceparent.split("-")[1]


def named(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    (found,) = [s for s in exporter.get_finished_spans() if s.name == name]
    return found


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        f"01-{TRACE_A}-b7ad6b7169203331-01",  # a version this code does not know
        f"00-{'0' * 32}-b7ad6b7169203331-01",  # all-zero trace id: invalid
        f"00-{TRACE_A}-{'0' * 16}-01",
        f"00-{TRACE_A.upper()}-b7ad6b7169203331-01",
        PARENT_A + "-extra",
    ],
)
def test_a_malformed_traceparent_is_dropped_not_refused(value: str) -> None:
    assert tracing.parse_traceparent(value) is None
    raw = event(None).to_json().replace(b"}", b',"traceparent":"' + value.encode() + b'"}', 1)
    assert CloudEvent.from_json(raw).traceparent is None


def test_a_traceparent_round_trips_through_the_event_json() -> None:
    parsed = tracing.parse_traceparent(PARENT_A)
    assert parsed is not None
    assert tracing.format_traceparent(parsed) == PARENT_A
    assert CloudEvent.from_json(event(PARENT_A).to_json()).traceparent == PARENT_A
    assert b"traceparent" not in event(None).to_json()  # absent, not null


def test_off_records_nothing_and_events_carry_no_trace() -> None:
    assert not tracing.enabled()
    with tracing.span("nothing") as span:
        assert not span.get_span_context().is_valid
        made = make_event(SUBJECT, {}, source="onramp/test")
    assert made.traceparent is None


def test_off_an_incoming_trace_still_passes_on_through_a_consumer() -> None:
    """A process without an exporter between two that export keeps the trace whole."""
    with tracing.consuming("deposits", [event(PARENT_A)]):
        made = make_event(SUBJECT, {}, source="onramp/test", correlation_id="o-1")
        assert tracing.log_fields()["trace_id"] == TRACE_A
    assert made.traceparent == PARENT_A  # the upstream span stays the parent


def test_an_event_made_inside_a_span_carries_its_trace(spans: InMemorySpanExporter) -> None:
    with tracing.span("request") as span:
        made = make_event(SUBJECT, {}, source="onramp/test")
    assert made.traceparent == tracing.format_traceparent(span.get_span_context())


def test_a_batch_continues_each_events_trace(spans: InMemorySpanExporter) -> None:
    first, second = event(PARENT_A, order="o-1"), event(PARENT_B, order="o-2", subject="d-2")
    with tracing.consuming("orders", [first, second]):
        follows_second = make_event(SUBJECT, {}, source="onramp/test", correlation_id="o-2")
        follows_entity = make_event(SUBJECT, {}, source="onramp/test", entity_id="d-2")
        unrelated = make_event(SUBJECT, {}, source="onramp/test")

    batch = named(spans, "consume orders")
    assert batch.kind == SpanKind.CONSUMER
    assert batch.parent is not None
    assert f"{batch.context.trace_id:032x}" == TRACE_A
    assert [f"{link.context.trace_id:032x}" for link in batch.links] == [TRACE_B]
    assert batch.attributes is not None
    assert batch.attributes["messaging.batch.message_count"] == 2
    own = named(spans, f"consume orders {SUBJECT}")  # the second trace's own span
    assert f"{own.context.trace_id:032x}" == TRACE_B
    assert trace_of(follows_second.traceparent) == TRACE_B
    assert trace_of(follows_entity.traceparent) == TRACE_B
    assert trace_of(unrelated.traceparent) == TRACE_A


def test_a_failing_batch_marks_its_spans_failed(spans: InMemorySpanExporter) -> None:
    with (
        pytest.raises(RuntimeError),
        tracing.consuming("orders", [event(PARENT_A), event(PARENT_B, order="o-2")]),
    ):
        raise RuntimeError("handler failed")
    assert all(not s.status.is_ok for s in spans.get_finished_spans())
    assert len(spans.get_finished_spans()) == 2


def test_an_untraced_batch_starts_a_trace_of_its_own(spans: InMemorySpanExporter) -> None:
    with tracing.consuming("orders", [event(None)]):
        made = make_event(SUBJECT, {}, source="onramp/test", correlation_id="o-1")
    batch = named(spans, "consume orders")
    assert batch.parent is None
    assert trace_of(made.traceparent) == f"{batch.context.trace_id:032x}"


def test_log_lines_carry_the_trace_and_the_batchs_order(spans: InMemorySpanExporter) -> None:
    with tracing.consuming("orders", [event(PARENT_A, order="o-7")]):
        line = add_trace_ids(None, "info", {"event": "order.moved"})
    assert line["trace_id"] == TRACE_A
    assert line["order_id"] == "o-7"
    assert len(line["span_id"]) == 16
    # A batch about several orders names none; outside any trace a line carries no ids.
    with tracing.consuming("orders", [event(PARENT_A), event(PARENT_B, order="o-2")]):
        assert "order_id" not in add_trace_ids(None, "info", {"event": "x"})
    assert add_trace_ids(None, "info", {"event": "x"}) == {"event": "x"}


def test_log_lines_rendered_as_json_carry_the_trace(
    spans: InMemorySpanExporter, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = structlog.get_config()
    try:
        configure_logging(process="test")
        with tracing.span("request") as span:
            get_logger("t").info("thing.happened")
        trace_id = f"{span.get_span_context().trace_id:032x}"
        assert f'"trace_id":"{trace_id}"' in capsys.readouterr().err.replace(" ", "")
    finally:
        structlog.configure(**saved)


async def test_traced_coroutines_get_a_span_with_their_annotations(
    spans: InMemorySpanExporter,
) -> None:
    @tracing.traced("payout.batch")
    async def send() -> int:
        tracing.annotate(**{"onramp.payouts": 3})
        return 3

    assert await send() == 3
    sent = named(spans, "payout.batch")
    assert sent.attributes is not None
    assert sent.attributes["onramp.payouts"] == 3


def test_configured_only_with_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in tracing.STANDARD_ENDPOINTS:
        monkeypatch.delenv(name, raising=False)
    assert not tracing.configure_tracing(endpoint="", service="s", environment="development")
    assert not tracing.enabled()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    try:
        assert tracing.configure_tracing(endpoint="", service="s", environment="development")
        assert tracing.enabled()
    finally:
        tracing.uninstall()


def test_a_publish_span_is_a_root_linking_each_events_trace_once(
    spans: InMemorySpanExporter,
) -> None:
    with tracing.span("unrelated"):  # the relay's own context is no parent of the publish
        with trace_links.publishing(
            "publish outbox", [PARENT_A, None, "garbage", PARENT_B, PARENT_A], {"n": 5}
        ):
            pass
    published = named(spans, "publish outbox")
    assert published.parent is None
    assert published.kind == SpanKind.PRODUCER
    assert [f"{link.context.trace_id:032x}" for link in published.links] == [TRACE_A, TRACE_B]


def test_a_running_span_links_the_traces_it_learns_of(spans: InMemorySpanExporter) -> None:
    with tracing.span("payout.batch"):
        assert trace_links.link_traces([PARENT_B, None, PARENT_B, PARENT_A]) == 2
    batch = named(spans, "payout.batch")
    assert {f"{link.context.trace_id:032x}" for link in batch.links} == {TRACE_A, TRACE_B}


def test_publishing_and_linking_record_nothing_with_tracing_off() -> None:
    with trace_links.publishing("publish outbox", [PARENT_A], {}) as span:
        assert not span.get_span_context().is_valid
    assert trace_links.link_traces([PARENT_A]) == 0
