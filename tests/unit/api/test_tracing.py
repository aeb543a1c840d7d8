"""The API's request spans: named by route template (never the raw path), continuing a caller's
traceparent, with the status and the order the route names; none with tracing off."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from onramp.api.tracing import HttpTracing
from onramp.core import tracing
from onramp.core.logging import add_trace_ids
from onramp.core.settings import Settings
from onramp.runtime.app import create_app

CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _client() -> TestClient:
    return TestClient(create_app(Settings()))  # no lifespan: these routes need no database


def _order_app() -> TestClient:
    """A route shaped like the order routes, which answers what its log line would carry."""
    app = FastAPI()
    app.add_middleware(HttpTracing)

    @app.get("/v1/orders/{order_id}")
    async def order(order_id: uuid.UUID) -> dict[str, str]:
        return add_trace_ids(None, "info", {"event": "order.read"})

    return TestClient(app)


def test_a_request_span_is_named_by_its_route_template(spans: InMemorySpanExporter) -> None:
    order_id = uuid.uuid4()
    response = _order_app().get(f"/v1/orders/{order_id}", headers={"traceparent": CALLER})
    assert response.status_code == 200
    (span,) = spans.get_finished_spans()
    assert span.name == "GET /v1/orders/{order_id}"
    assert span.kind == SpanKind.SERVER
    assert span.attributes is not None
    assert span.attributes["http.route"] == "/v1/orders/{order_id}"
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["onramp.order_id"] == str(order_id)
    assert str(order_id) not in span.name
    # The caller's trace goes on.
    assert f"{span.context.trace_id:032x}" == CALLER.split("-")[1]
    assert span.parent is not None
    assert f"{span.parent.span_id:016x}" == CALLER.split("-")[2]
    # A log line written by the route names the request's trace and the route's order.
    logged = response.json()
    assert logged["trace_id"] == CALLER.split("-")[1]
    assert logged["order_id"] == str(order_id)


def test_the_real_apps_routes_are_traced(spans: InMemorySpanExporter) -> None:
    assert _client().get("/healthz").status_code == 200
    (span,) = spans.get_finished_spans()
    assert span.name == "GET /healthz"


def test_an_unmatched_path_is_not_a_span_name(spans: InMemorySpanExporter) -> None:
    assert _client().get("/no/such/route/12345").status_code == 404
    (span,) = spans.get_finished_spans()
    assert span.name == "GET unmatched"
    assert span.parent is None  # no traceparent: a trace of its own


def test_a_bad_traceparent_starts_a_new_trace(spans: InMemorySpanExporter) -> None:
    _client().get("/healthz", headers={"traceparent": "00-zz-yy-01"})
    (span,) = spans.get_finished_spans()
    assert span.name == "GET /healthz"
    assert span.parent is None


def test_off_no_span_is_made_and_logs_still_name_the_order() -> None:
    assert not tracing.enabled()
    order_id = uuid.uuid4()
    logged = _order_app().get(f"/v1/orders/{order_id}", headers={"traceparent": CALLER}).json()
    assert logged == {"event": "order.read", "order_id": str(order_id)}
