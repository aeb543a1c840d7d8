"""One trace from the API to the orders worker: a bank notification the API receives (with a
caller's ``traceparent``) books a deposit whose events travel through the outbox, JetStream
and the deposits worker to the orders worker, and both the API and the orders worker export
their spans of that trace over OTLP/HTTP to a collector (a tiny local one here).

Only the API (a second API process beside the stack's) and the orders worker export: the
deposits worker between them has no endpoint and still passes the trace on."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
import uuid

import httpx
import orjson

from onramp.core.settings.base import REPO_ROOT
from onramp.devstack.bank_sandbox import sign_payload
from onramp.devstack.process import free_port, spawn
from onramp.devstack.stack import Stack, wait_ready
from tests.e2e.conftest import Customer
from tests.e2e.otlp_receiver import OtlpReceiver, ReceivedSpan


def _bank_notice(stack: Stack, order: dict[str, object]) -> tuple[bytes, str]:
    instructions = order["deposit_instructions"]
    assert isinstance(instructions, dict)
    body = orjson.dumps(
        {
            "id": "evt_" + uuid.uuid4().hex,
            "type": "credit_transfer.booked",
            "created_at": "2026-01-01T00:00:00Z",
            "data": {
                "entry_id": "traced-" + uuid.uuid4().hex,
                "amount": instructions["amount"],
                "currency": instructions["currency"],
                "reference": instructions["reference"],
                "sender_name": "Test Customer",
                "sender_iban": "GB33BUKB20201555555555",
                "account_iban": stack.settings.banking.treasury_iban,
                "booked_at": "2026-01-01T00:00:00Z",
            },
        }
    )
    secret = stack.settings.banking.webhook_secret.get_secret_value().encode()
    return body, sign_payload(secret, int(time.time()), body)


async def _spans_of(
    receiver: OtlpReceiver, trace_id: str, *, services: set[str], timeout: float = 30.0
) -> list[ReceivedSpan]:
    deadline = time.monotonic() + timeout
    while True:
        spans = receiver.in_trace(trace_id)
        if services <= {s.service for s in spans}:
            return spans
        assert time.monotonic() < deadline, f"spans of {trace_id}: {spans}"
        await asyncio.sleep(0.1)


async def test_one_trace_spans_the_api_request_and_the_orders_workers_handling(
    stack: Stack, customer: Customer
) -> None:
    order = await customer.order(await customer.quote("42.00"))
    trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
    with OtlpReceiver() as receiver:
        # Exported every 100 ms rather than every 5 s, so the test need not wait.
        otel = {"ONRAMP_OTEL__ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
        stack.apps["worker-orders"].stop()
        stack.spawn_worker("orders", otel)
        port = free_port()
        api = spawn(
            "api-traced",
            [sys.executable, "-m", "onramp", "api", "--port", str(port)],
            log_dir=stack.state_dir / "logs",
            env=stack.env() | otel,
            cwd=REPO_ROOT,
        )
        try:
            api_url = f"http://127.0.0.1:{port}"
            await asyncio.to_thread(wait_ready, api_url, stack, timeout=120)
            body, signature = _bank_notice(stack, order)
            async with httpx.AsyncClient(base_url=api_url, timeout=10.0) as client:
                answer = await client.post(
                    "/v1/webhooks/bank/sandbox",
                    content=body,
                    headers={
                        "Sandbank-Signature": signature,
                        "Content-Type": "application/json",
                        "traceparent": f"00-{trace_id}-{caller_span}-01",
                    },
                )
            assert answer.status_code < 300, answer.text
            await customer.wait_for(order["id"], "payout_queued")
            spans = await _spans_of(
                receiver, trace_id, services={"onramp-api", "onramp-worker-orders"}
            )
        finally:
            api.stop()
            stack.apps["worker-orders"].stop()
            stack.spawn_worker("orders")

    by_service = {(s.service, s.name): s for s in spans}
    request = by_service[("onramp-api", "POST /v1/webhooks/bank/{bank}")]
    assert request.parent_span_id == caller_span  # the caller's trace went on
    assert request.attributes["http.route"] == "/v1/webhooks/bank/{bank}"
    assert ("onramp-api", "outbox.write") in by_service
    # "consume orders" when the event led its batch, "consume orders <type>" (a span of its
    # own in this trace, linked to the batch's) when another trace's event did (a busy stream).
    handled = next(
        s
        for (service, name), s in by_service.items()
        if service == "onramp-worker-orders" and name.startswith("consume orders")
    )
    assert handled.attributes["messaging.consumer.group.name"] == "orders"
    # The orders worker's own writes (the order's next events) are in the same trace.
    assert ("onramp-worker-orders", "outbox.write") in by_service
    await customer.wait_for(order["id"], "completed")  # the restored worker goes on
