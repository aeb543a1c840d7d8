"""A server span for every HTTP request the API answers (core/tracing.py), named by the route
template that answered it (``POST /v1/orders/{order_id}/cancel``, never the raw path, which
holds ids); a caller's W3C ``traceparent`` header is continued. Events the request writes to the
outbox carry the span's trace on to the workers. With tracing off the request passes straight
through."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.types import Message, Receive, Scope, Send

from onramp.api.http_middleware import HttpMiddleware
from onramp.core import tracing


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _order_of(scope: Scope) -> str | None:
    """The matched route's ``order_id`` (the router fills ``path_params`` in this same scope
    before the endpoint runs, so log lines written there can name the order)."""
    params: dict[str, Any] = scope.get("path_params") or {}
    order_id = params.get("order_id")
    return str(order_id) if order_id is not None else None


class HttpTracing(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        order_token = tracing.set_order_source(lambda: _order_of(scope))
        try:
            if not tracing.enabled():
                await self.app(scope, receive, send)
                return
            await self._traced(scope, receive, send)
        finally:
            tracing.reset_order_source(order_token)

    async def _traced(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = str(scope["method"])
        parent = tracing.parse_traceparent(_header(scope, b"traceparent"))
        with tracing.tracer().start_as_current_span(
            f"{method} unmatched",
            context=tracing.context_of(parent) if parent is not None else None,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method},
        ) as span:

            async def send_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            try:
                await self.app(scope, receive, send_status)
            finally:
                route = getattr(scope.get("route"), "path_format", None)
                if route is not None:
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                order_id = _order_of(scope)
                if order_id is not None:
                    span.set_attribute("onramp.order_id", order_id)
