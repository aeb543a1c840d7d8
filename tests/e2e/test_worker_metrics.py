"""Every process's ``/metrics`` (the API's and each worker's, as ``stack.json`` lists them) while
an order goes through the money path: the money path's counters exist and move."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict

import httpx
from prometheus_client.parser import text_string_to_metric_families

from onramp.core.settings import stack_file
from onramp.devstack.stack import Stack
from onramp.runtime import WORKERS
from tests.e2e.conftest import Customer, pay

Totals = defaultdict[tuple[str, frozenset[tuple[str, str]]], float]


def _answering(urls: dict[str, str]) -> None:
    """Until every process answers on its port: a worker an earlier test stopped and started
    again (or the supervisor restarted) listens a few seconds after it was spawned."""
    deadline = time.monotonic() + 60
    waiting = dict(urls)
    while waiting:
        for name, url in list(waiting.items()):
            try:
                httpx.get(url.removesuffix("/metrics") + "/healthz", timeout=5)
                del waiting[name]
            except httpx.TransportError:
                pass
        assert time.monotonic() < deadline, f"not answering: {sorted(waiting)}"
        if waiting:
            time.sleep(0.2)


async def _scrape(urls: dict[str, str]) -> Totals:
    """Every sample summed over the processes (a counter moves in whichever worker acts)."""
    _answering(urls)
    totals: Totals = defaultdict(float)
    async with httpx.AsyncClient(timeout=10.0) as client:
        pages = await asyncio.gather(
            *(client.get(url) for url in urls.values()), return_exceptions=True
        )
    unanswered = {
        name: repr(page) if isinstance(page, BaseException) else page.status_code
        for name, page in zip(urls, pages, strict=True)
        if isinstance(page, BaseException) or page.status_code != 200
    }
    assert not unanswered
    for page in pages:
        assert isinstance(page, httpx.Response)
        for family in text_string_to_metric_families(page.text):
            for s in family.samples:
                totals[(s.name, frozenset(s.labels.items()))] += s.value
    return totals


def _total(totals: Totals, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in totals.items() if n == name and wanted <= ls)


def test_stack_json_lists_a_metrics_url_for_the_api_and_every_worker(stack: Stack) -> None:
    listed = json.loads(stack_file(stack.state_dir).read_text())["metrics"]

    assert set(listed) == {"api"} | {f"worker-{name}" for name in WORKERS}
    assert listed["api"] == f"{stack.api_url}/metrics"
    _answering(listed)
    for name, url in listed.items():
        base = url.removesuffix("/metrics")
        try:
            alive = httpx.get(f"{base}/healthz", timeout=10)
        except httpx.ConnectError as exc:
            raise AssertionError(f"{name} does not answer at {base}: {exc}") from exc
        assert alive.status_code == 200, name
        ready = httpx.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200, (name, ready.text)


async def test_worker_metrics_move_as_an_order_is_paid_out(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    urls = stack.metrics_urls()
    before = await _scrape(urls)
    order = await customer.order(await customer.quote("40.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")

    after = await _scrape(urls)
    moved = {
        f"{name}{labels}": _total(after, name, **labels) - _total(before, name, **labels)
        for name, labels in (
            ("onramp_order_transitions_total", {"from_state": "priced"}),
            ("onramp_order_transitions_total", {"to_state": "completed"}),
            ("onramp_order_stage_seconds_count", {"stage": "funds_received"}),
            ("onramp_order_stage_seconds_count", {"stage": "payout_broadcast"}),
            ("onramp_screening_decisions_total", {}),
            ("onramp_payout_batch_size_count", {}),
            ("onramp_hsm_sign_duration_seconds_count", {}),
            ("onramp_payout_gas_used_count", {}),
            ("onramp_payout_confirmation_lag_blocks_count", {}),
            ("onramp_payout_confirmation_lag_seconds_count", {}),
            ("onramp_outbox_publish_lag_seconds_count", {}),
        )
    }
    assert all(delta >= 1 for delta in moved.values()), moved
    consumers = {dict(ls).get("consumer") for n, ls in after if n.startswith("onramp_jetstream")}
    assert len(consumers - {None}) >= 2, consumers  # the orders' and the deposits' at least
    assert _total(after, "onramp_worker_last_tick_timestamp_seconds") > 0
