"""``/v1/me/webhooks`` on an in-process API and the real database: register (the secret shown
once), list, refuse internal addresses and plain http in production mode, bound the input,
read the delivery log, replay, rotate the secret, remove; another customer sees none of it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent, subject_for
from onramp.core.ids import uuid7
from onramp.core.settings import Settings
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from onramp.webhooks.deliveries import record_deliveries
from tests.e2e.conftest import mark_email_verified
from tests.e2e.mfa_people import PASSWORD

COMPLETED = subject_for("orders", "completed")


def _client(settings: Settings, engine: AsyncEngine, sessions: Any) -> httpx.AsyncClient:
    app = create_app(settings)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.79.{uuid.uuid4().int % 250}.9", 1))
    return httpx.AsyncClient(transport=transport, base_url="http://onramp.test")


async def _log_in(client: httpx.AsyncClient, infra: Stack) -> str:
    email = f"hooks.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Hook"}
    )
    assert r.status_code == 201, r.text
    user_id: str = r.json()["id"]
    await mark_email_verified(infra.settings.database.url, user_id)
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return user_id


@pytest.fixture
async def production(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """A customer on an API whose webhooks may reach public https addresses only."""
    settings = infra.settings.model_copy(
        update={"webhooks": infra.settings.webhooks.model_copy(update={"allow_private": False})}
    )
    async with _client(settings, engine, sessions) as client:
        await _log_in(client, infra)
        yield client


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1/hook", "webhook_url_not_allowed"),
        ("https://10.0.0.1/hook", "webhook_url_not_allowed"),
        ("https://169.254.169.254/latest/meta-data", "webhook_url_not_allowed"),
        ("https://localhost:8443/hook", "webhook_url_not_allowed"),
        ("http://93.184.216.34/hook", "webhook_url_invalid"),
    ],
)
async def test_internal_addresses_and_plain_http_are_refused_in_production(
    production: httpx.AsyncClient, url: str, code: str
) -> None:
    r = await production.post("/v1/me/webhooks", json={"url": url, "event_types": [COMPLETED]})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    assert (await production.get("/v1/me/webhooks")).json()["data"] == []


async def test_input_is_bounded(production: httpx.AsyncClient) -> None:
    too_long = "https://example.com/" + "a" * 2000
    cases = [
        {"url": too_long, "event_types": [COMPLETED]},
        {"url": "https://example.com/h", "event_types": []},
        {"url": "https://example.com/h", "event_types": [COMPLETED] * 100},
        {"url": "https://example.com/h", "event_types": ["onramp.orders.nope.v1"]},
    ]
    for body in cases:
        r = await production.post("/v1/me/webhooks", json=body)
        assert r.status_code == 422, r.text


async def test_a_customer_manages_endpoints_reads_deliveries_and_replays(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        _client(infra.settings, engine, sessions) as client,
        _client(infra.settings, engine, sessions) as other,
    ):
        user_id = await _log_in(client, infra)
        await _log_in(other, infra)
        types = (await client.get("/v1/webhooks/event-types")).json()["data"]
        assert COMPLETED in types
        r = await client.post(
            "/v1/me/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "event_types": [COMPLETED], "description": "t"},
        )
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["secret"].startswith("whsec_")
        hook = created["id"]
        listed = (await client.get("/v1/me/webhooks")).json()
        assert [h["id"] for h in listed["data"]] == [hook]
        assert "secret" not in listed["data"][0]
        assert (await other.get(f"/v1/me/webhooks/{hook}")).status_code == 404

        event = CloudEvent(
            id=uuid7(),
            source="onramp/orders",
            type=COMPLETED,
            time=created["created_at"],
            data={"order_id": str(uuid7()), "customer_id": user_id, "state": "completed"},
        )
        async with unit_of_work(sessions) as session:
            await record_deliveries(session, [event], now=event.time)
        log = (await client.get(f"/v1/me/webhooks/{hook}/deliveries")).json()["data"]
        assert [(d["event_id"], d["status"]) for d in log] == [(str(event.id), "pending")]
        replay_url = f"/v1/me/webhooks/{hook}/deliveries/{log[0]['id']}/replay"
        assert (await client.post(replay_url)).status_code == 202
        assert (await other.post(replay_url)).status_code == 404
        missing = f"/v1/me/webhooks/{hook}/deliveries/{uuid7()}/replay"
        assert (await client.post(missing)).json()["code"] == "webhook_delivery_not_found"

        rotated = (await client.post(f"/v1/me/webhooks/{hook}/rotate-secret")).json()
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != created["secret"]
        assert (await client.delete(f"/v1/me/webhooks/{hook}")).status_code == 204
        assert (await client.get("/v1/me/webhooks")).json()["data"] == []
        assert (await client.get(f"/v1/me/webhooks/{hook}")).json()[
            "code"
        ] == "webhook_endpoint_not_found"
