"""``POST /v1/webhooks/issuer/{vendor}``: a signed notification of a finished transfer completes
its mint once; a changed, unsigned or stale one is refused with 401 and changes nothing."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.api.errors import install_error_handlers
from onramp.core.clock import SystemClock
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.treasury.issuer import get_operation, request_mint
from onramp.treasury.issuer.api import webhook_router
from onramp.treasury.issuer.service import Status, record_step
from onramp.treasury.issuer.webhooks import signature_for

SECRET = b"whsec-issuer-route"


@pytest.fixture
async def client(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    issuer = infra.settings.issuer.model_copy(update={"webhook_secret": SecretStr(SECRET.decode())})
    app.state.settings = infra.settings.model_copy(update={"issuer": issuer})
    app.state.sessions = sessions
    app.state.clock = SystemClock()
    install_error_handlers(app)
    app.include_router(webhook_router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
        yield http


async def pending_mint(infra: Stack, sessions: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        operation = await request_mint(
            session,
            issuer="circle",
            amount=Money.parse("5.00", "USDC"),
            destination=infra.settings.chain.vault_address,
            idempotency_key=f"route-{uuid.uuid4()}",
            requested_by="test",
        )
        moved = await record_step(
            session, operation.id, Status.TRANSFER_PENDING, transfer_id=f"tr-{operation.id}"
        )
    assert moved is not None
    return operation.id


def notification(transfer_id: str, address: str) -> bytes:
    event: dict[str, Any] = {
        "notificationId": str(uuid.uuid4()),
        "clientId": str(uuid.uuid4()),
        "notificationType": "transfers",
        "version": 1,
        "transfer": {
            "id": transfer_id,
            "status": "complete",
            "amount": {"amount": "5.00", "currency": "USD"},
            "destination": {"type": "blockchain", "address": address, "chain": "ETH"},
            "transactionHash": "0x" + "ab" * 32,
        },
    }
    return json.dumps(event).encode()


def signed(body: bytes, *, secret: bytes = SECRET, at: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if at is None else at
    return {
        "Content-Type": "application/json",
        "Sandmint-Signature": f"t={stamp},v1={signature_for(secret, stamp, body)}",
    }


async def status_of(sessions: async_sessionmaker[AsyncSession], operation_id: uuid.UUID) -> str:
    async with unit_of_work(sessions) as session:
        return (await get_operation(session, operation_id)).status


async def test_a_signed_notification_completes_the_mint_once(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    operation_id = await pending_mint(infra, sessions)
    body = notification(f"tr-{operation_id}", infra.settings.chain.vault_address)
    first = await client.post("/v1/webhooks/issuer/circle", content=body, headers=signed(body))
    assert first.status_code == 200, first.text
    assert first.json()["operation_id"] == str(operation_id)
    again = await client.post("/v1/webhooks/issuer/circle", content=body, headers=signed(body))
    assert again.status_code == 200
    assert again.json()["operation_id"] is None
    async with unit_of_work(sessions) as session:
        done = await get_operation(session, operation_id)
    assert (done.status, done.tx_hash) == ("completed", "0x" + "ab" * 32)


@pytest.mark.parametrize("forgery", ["changed", "wrong_secret", "stale", "unsigned"])
async def test_a_bad_signature_is_refused_and_changes_nothing(
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    forgery: str,
) -> None:
    operation_id = await pending_mint(infra, sessions)
    body = notification(f"tr-{operation_id}", infra.settings.chain.vault_address)
    headers = {
        "changed": signed(body.replace(b"5.00", b"9.00")),
        "wrong_secret": signed(body, secret=b"not-the-secret"),
        "stale": signed(body, at=int(time.time()) - 3600),
        "unsigned": {"Content-Type": "application/json"},
    }[forgery]
    response = await client.post("/v1/webhooks/issuer/circle", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_issuer_webhook_signature"
    assert await status_of(sessions, operation_id) == "transfer_pending"


async def test_an_unknown_issuer_is_not_found(client: httpx.AsyncClient) -> None:
    body = b"{}"
    response = await client.post("/v1/webhooks/issuer/tether", content=body, headers=signed(body))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_issuer"
