"""The staff routes that list what went to and came from the bank as files: the pain.001 files
of refunds (listed newest first, a page at a time, each downloadable as it was sent) and the
imported statement files, on an in-process API; a customer is refused them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.banking.models import BankFile
from onramp.banking.refund_models import RefundFile
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import as_if_logged_in_with_mfa
from tests.e2e.mfa_people import PASSWORD

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def api(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(infra.settings)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.79.{uuid.uuid4().int % 250}.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        yield client


async def _person(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: str
) -> dict[str, str]:
    email = f"{role}.{uuid.uuid4().hex}@example.com"
    made = await api.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "F"}
    )
    assert made.status_code == 201, made.text
    user_id = made.json()["id"]
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = :r WHERE id = :id"), {"r": role, "id": user_id}
        )
    login = await api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    await as_if_logged_in_with_mfa(sessions, user_id)
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _refund_file(sessions: async_sessionmaker[AsyncSession]) -> RefundFile:
    stored = RefundFile(
        id=uuid7(),
        message_id=f"T{uuid7().hex[:30]}",
        schema="pain.001.001.03",
        currency="EUR",
        count=2,
        total=33_00,
        xml="<Document>two refunds</Document>",
        created_by="test",
        created_at=NOW,
    )
    async with unit_of_work(sessions) as session:
        session.add(stored)
    return stored


async def test_refund_files_are_listed_newest_first_and_downloaded_as_sent(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    older, newer = await _refund_file(sessions), await _refund_file(sessions)
    treasurer = await _person(api, sessions, "treasurer")

    page = await api.get("/v1/admin/refunds/files?limit=1", headers=treasurer)
    assert page.status_code == 200, page.text
    (first,) = page.json()["data"]
    assert first["message_id"] == newer.message_id
    assert (first["schema"], first["count"], first["total"]) == ("pain.001.001.03", 2, "33.00")
    after = await api.get(
        f"/v1/admin/refunds/files?limit=200&before={page.json()['next_before']}", headers=treasurer
    )
    assert older.message_id in [f["message_id"] for f in after.json()["data"]]
    assert newer.message_id not in [f["message_id"] for f in after.json()["data"]]

    xml = await api.get(f"/v1/admin/refunds/files/{older.message_id}", headers=treasurer)
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.text == "<Document>two refunds</Document>"
    assert f'filename="{older.message_id}.xml"' in xml.headers["content-disposition"]
    missing = await api.get("/v1/admin/refunds/files/NOSUCHFILE", headers=treasurer)
    assert missing.status_code == 404
    assert missing.json()["code"] == "refund_file_not_found"

    customer = await _person(api, sessions, "customer")
    refused = await api.get("/v1/admin/refunds/files", headers=customer)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


async def test_imported_bank_files_are_listed_by_bank(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bank = f"bank{uuid7().hex[-10:]}"
    imported = BankFile(
        id=uuid7(),
        sha256=uuid.uuid4().hex * 2,
        bank=bank,
        filename="statement.xml",
        format="camt.053",
        message_id="STMT-1",
        source="cli",
        counts={"deposits": 3, "skipped": 1},
        imported_at=NOW,
    )
    async with unit_of_work(sessions) as session:
        session.add(imported)
    treasurer = await _person(api, sessions, "treasurer")

    listed = await api.get(f"/v1/admin/deposits/files?bank={bank}", headers=treasurer)
    assert listed.status_code == 200, listed.text
    assert [
        (f["filename"], f["format"], f["source"], f["counts"]) for f in listed.json()["data"]
    ] == [("statement.xml", "camt.053", "cli", {"deposits": 3, "skipped": 1})]
    assert listed.json()["next_before"] is None

    customer = await _person(api, sessions, "customer")
    refused = await api.get("/v1/admin/deposits/files", headers=customer)
    assert refused.status_code == 403
