"""Prometheus metrics of the API process, at ``GET /metrics`` (Prometheus text format).

- Every HTTP request by route template (never the raw path: ids would make the labels
  unbounded), method and status, with its latency: ``HttpMetrics``, the outermost middleware, so
  a 413 or a 404 is counted too (route ``unmatched``).
- Everything core/metrics.py counts as it happens in this process (rate-limit refusals, login
  failures and lockouts, order transitions the API makes).
- The money path's queues, read at each scrape with one grouped query per table, from the
  domains' own backlog functions (routers hold no SQL): how many orders wait in each state that
  is not an end, payouts not yet final, deposits waiting to be matched or in suspense, open
  reconciliation breaks by type, the outbox's unpublished events; each with the age of the
  oldest, which is what an alert on a stuck queue looks at.

Names follow Prometheus' conventions: the ``onramp_`` prefix, base units (seconds), ``_total``
on counters. docs/observability.md lists them.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Message, Receive, Scope, Send

from onramp.api.http_middleware import HttpMiddleware
from onramp.banking import deposit_backlog
from onramp.chain import payout_backlog
from onramp.core import metrics as process_metrics
from onramp.core.backlog import Backlog
from onramp.core.clock import utcnow
from onramp.core.errors import Unauthenticated
from onramp.core.outbox import outbox_backlog
from onramp.core.request_fields import Text
from onramp.core.web import SessionDep, SettingsDep
from onramp.orders import order_backlog
from onramp.recon import break_backlog


class MetricsTokenRequired(Unauthenticated):
    code = "metrics_token_required"
    title = "Reading the metrics needs the scrape token (Authorization: Bearer <token>)"


# The process's registry (core/metrics.py): the money path's counters the API's own requests move
# (rate-limit refusals, login failures, orders it moves) are on the same page.
REGISTRY = process_metrics.REGISTRY

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
HTTP_REQUESTS = Counter(
    "onramp_http_requests_total",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "onramp_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


@dataclass(frozen=True)
class _Queue:
    count: Gauge
    age: Gauge
    read: Callable[[AsyncSession], Awaitable[list[Backlog]]]


async def _outbox(session: AsyncSession) -> list[Backlog]:
    return [await outbox_backlog(session)]


def _queue(
    name: str, label: str, what: str, read: Callable[[AsyncSession], Awaitable[list[Backlog]]]
) -> _Queue:
    # With several API processes the one answering the scrape has just read the queues: its
    # values are the most recent (the others' are older readings of the same tables).
    return _Queue(
        Gauge(
            f"onramp_{name}",
            f"{what}, by {label}",
            [label],
            registry=REGISTRY,
            multiprocess_mode="mostrecent",
        ),
        Gauge(
            f"onramp_{name}_oldest_age_seconds",
            f"How long the oldest of the {what.lower()} has waited, by {label} (0 when none)",
            [label],
            registry=REGISTRY,
            multiprocess_mode="mostrecent",
        ),
        read,
    )


QUEUES: Sequence[_Queue] = (
    _queue("orders_waiting", "state", "Orders in a state that is not an end", order_backlog),
    _queue("payouts_waiting", "status", "Payouts not yet final", payout_backlog),
    _queue("deposits_waiting", "status", "Deposits to match or in suspense", deposit_backlog),
    _queue("recon_breaks_open", "type", "Open reconciliation breaks", break_backlog),
    _queue("outbox_events", "state", "Events not yet published by the relay", _outbox),
)


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


async def refresh_queues(session: AsyncSession) -> None:
    now = utcnow()
    for queue in QUEUES:
        for row in await queue.read(session):
            queue.count.labels(row.label).set(row.count)
            queue.age.labels(row.label).set(_age(row.oldest, now))


router = APIRouter(tags=["health"])


def require_scrape_token(
    settings: SettingsDep,
    authorization: Annotated[Text | None, Header(max_length=500)] = None,
) -> None:
    """Before anything is read: with a token configured, only its holder scrapes."""
    if not process_metrics.scrape_allowed(authorization, settings.metrics.token.get_secret_value()):
        raise MetricsTokenRequired()


@router.get(
    "/metrics",
    summary="Prometheus metrics of the API (text format)",
    description=(
        "Summed over every API process when several serve it (`ONRAMP_API__WORKERS`), "
        "whichever answers. With `ONRAMP_METRICS__TOKEN` set (production requires it), only "
        "for `Authorization: Bearer <token>`."
    ),
    response_class=Response,
    dependencies=[Depends(require_scrape_token)],
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}},
        401: {"description": "metrics_token_required"},
    },
)
async def metrics(session: SessionDep) -> Response:
    await refresh_queues(session)
    body, content_type = process_metrics.exposition()
    return Response(body, media_type=content_type)


class HttpMetrics(HttpMiddleware):
    """Counts and times every HTTP request by the route template that answered it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500  # what the client sees when the app raises before answering

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path_format", None) or "unmatched"
            method = scope["method"] if scope["method"] in METHODS else "other"
            HTTP_REQUESTS.labels(route, method, str(status)).inc()
            HTTP_DURATION.labels(route, method).observe(time.perf_counter() - started)
