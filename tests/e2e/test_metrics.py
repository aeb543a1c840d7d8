"""``GET /metrics`` on the running API: every request counted by its route template (never a
raw path), the money path's queues read at each scrape, in Prometheus' text format."""

from __future__ import annotations

import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_requests_are_counted_by_route_template_and_status(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        before = _samples((await client.get("/metrics")).text)
        await client.get("/healthz")
        await client.get(f"/v1/orders/{uuid.uuid4()}")  # no token: 401
        await client.get(f"/no/such/{uuid.uuid4()}")
        scraped = await client.get("/metrics")

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=")
    after = _samples(scraped.text)
    total = "onramp_http_requests_total"
    for labels in (
        {"route": "/healthz", "method": "GET", "status": "200"},
        {"route": "/v1/orders/{order_id}", "method": "GET", "status": "401"},
        {"route": "unmatched", "method": "GET", "status": "404"},
    ):
        assert _value(after, total, **labels) == _value(before, total, **labels) + 1, labels
    routes = {dict(labels).get("route") for name, labels in after if name == total}
    assert not any(str(r).count("-") >= 4 for r in routes), "a raw id became a label value"
    timed = _value(
        after, "onramp_http_request_duration_seconds_count", route="/healthz", method="GET"
    )
    assert timed >= 1


async def test_a_new_order_shows_in_the_queue_of_orders_awaiting_funds(
    stack: Stack, customer: Customer
) -> None:
    await customer.order(await customer.quote("25.00"))
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        samples = _samples((await client.get("/metrics")).text)

    assert _value(samples, "onramp_orders_waiting", state="awaiting_funds") >= 1
    assert _value(samples, "onramp_orders_waiting_oldest_age_seconds", state="awaiting_funds") >= 0
    for status in ("queued", "signed", "broadcast", "held"):
        assert ("onramp_payouts_waiting", frozenset({("status", status)})) in samples
    for kind in ("missing_in_ledger", "missing_at_bank", "amount_mismatch", "duplicate", "timing"):
        assert ("onramp_recon_breaks_open", frozenset({("type", kind)})) in samples
    assert ("onramp_outbox_events", frozenset({("state", "unpublished")})) in samples
    assert ("onramp_deposits_waiting", frozenset({("status", "unmatched")})) in samples
