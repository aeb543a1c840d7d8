"""The API's hot routes (quote, create order, order status, bank webhook) each run a bounded,
small number of SQL statements, counted on the engine the app uses: a change that adds a round
trip per request fails here instead of showing up as a slower benchmark. The caller's session is
looked up once and then remembered (``auth.lookup_cache``), so a second request of the same
session reads no ``auth_sessions`` row."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from onramp.auth import listening_for_changes
from onramp.devstack.bank_sandbox import sign_payload
from onramp.devstack.stack import Stack
from tests.e2e.mfa_people import Person
from tests.integration.sql_statements import counted_statements

# The most statements each route may run (BEGIN/COMMIT are not statements here). Lower them
# when a route gets cheaper; raising one needs a reason in the commit.
BOUNDS = {"quote": 3, "order": 14, "status": 4, "webhook": 3}


@pytest.fixture
async def listening(infra: Stack) -> AsyncIterator[None]:
    """What the API's lifespan starts: the credential cache, live while it hears changes."""
    async with listening_for_changes(infra.settings.database.url) as listener:
        assert await listener.connected()
        yield


def _webhook(stack: Stack, reference: str) -> tuple[bytes, dict[str, str]]:
    body = orjson.dumps(
        {
            "id": "evt_" + uuid.uuid4().hex,
            "type": "credit_transfer.booked",
            "created_at": "2026-01-01T00:00:00Z",
            "data": {
                "entry_id": "hot-" + uuid.uuid4().hex,
                "amount": "100.00",
                "currency": "EUR",
                "reference": reference,
                "sender_name": "Test Customer",
                "sender_iban": "GB33BUKB20201555555555",
                "account_iban": stack.settings.banking.treasury_iban,
                "booked_at": "2026-01-01T00:00:00Z",
            },
        }
    )
    secret = stack.settings.banking.webhook_secret.get_secret_value().encode()
    signature = sign_payload(secret, int(time.time()), body)
    return body, {"Sandbank-Signature": signature, "Content-Type": "application/json"}


async def test_each_hot_route_runs_a_bounded_number_of_statements(
    listening: None, person: Person, engine: AsyncEngine, infra: Stack
) -> None:
    client = person.client
    quote_body = {"source_currency": "EUR", "source_amount": "100.00"}
    assert (await client.post("/v1/quotes", json=quote_body)).status_code == 201  # warm
    counts: dict[str, list[str]] = {}

    with counted_statements(engine) as counts["quote"]:
        quote = (await client.post("/v1/quotes", json=quote_body)).json()
    with counted_statements(engine) as counts["order"]:
        r = await client.post(
            "/v1/orders",
            json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "100.00"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert r.status_code == 201, r.text
    order = r.json()
    with counted_statements(engine) as counts["status"]:
        assert (await client.get(f"/v1/orders/{order['id']}")).status_code == 200
    body, headers = _webhook(infra, order["deposit_instructions"]["reference"])
    with counted_statements(engine) as counts["webhook"]:
        r = await client.post("/v1/webhooks/bank/sandbox", content=body, headers=headers)
    assert r.status_code == 200, r.text

    for route, statements in counts.items():
        assert not [s for s in statements if "FROM auth_sessions" in s], route
    over = {
        route: [s.split("\n")[0][:100] for s in statements]
        for route, statements in counts.items()
        if len(statements) > BOUNDS[route]
    }
    assert over == {}, "\n".join(f"{r}: {len(s)}\n  " + "\n  ".join(s) for r, s in over.items())
