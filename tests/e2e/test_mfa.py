"""TOTP MFA: enrolment, login with a second factor, recovery codes, replay, step-up."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.api.app import create_app
from onramp.core.clock import FixedClock
from onramp.devstack.stack import Stack
from onramp.identity.models import User
from tests.e2e.conftest import PASSWORD, mark_email_verified


class Person:
    def __init__(self, client: httpx.AsyncClient, clock: FixedClock) -> None:
        self.client, self.clock = client, clock
        self.email = f"mfa.{uuid.uuid4().hex}@example.com"
        self.secret = ""

    def code(self, offset_steps: int = 0) -> str:
        at = self.clock.now() + timedelta(seconds=30 * offset_steps)
        return pyotp.TOTP(self.secret).at(at)

    async def login(self) -> httpx.Response:
        return await self.client.post(
            "/v1/auth/login", json={"email": self.email, "password": PASSWORD}
        )

    def use(self, tokens: dict[str, str]) -> None:
        self.client.headers["Authorization"] = f"Bearer {tokens['access_token']}"


@pytest.fixture
async def person(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Person]:
    clock = FixedClock(datetime.now(UTC))
    app = create_app(infra.settings, clock=clock)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.77.{uuid.uuid4().int % 250}.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        p = Person(client, clock)
        r = await client.post(
            "/v1/auth/register", json={"email": p.email, "password": PASSWORD, "full_name": "M"}
        )
        assert r.status_code == 201
        await mark_email_verified(infra.settings.database.url, r.json()["id"])
        p.use((await p.login()).json())
        yield p


async def _enrol(p: Person) -> list[str]:
    enrolment = (await p.client.post("/v1/me/mfa/totp")).json()
    p.secret = enrolment["secret"]
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/onramp:")
    wrong = await p.client.post("/v1/me/mfa/totp/confirm", json={"code": "000000"})
    assert wrong.status_code == 401
    confirmed = await p.client.post("/v1/me/mfa/totp/confirm", json={"code": p.code()})
    assert confirmed.status_code == 200, confirmed.text
    codes: list[str] = confirmed.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    return codes


async def test_enrol_then_log_in_with_a_second_factor(person: Person) -> None:
    await _enrol(person)
    again = await person.client.post("/v1/me/mfa/totp")
    assert again.json()["code"] == "mfa_already_enabled"

    person.clock.set(person.clock.now() + timedelta(minutes=1))
    first = (await person.login()).json()
    assert first["mfa_required"] is True
    assert "access_token" not in first
    bad = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": first["mfa_token"], "code": "123456"}
    )
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_mfa_code"
    good = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": first["mfa_token"], "code": person.code()}
    )
    assert good.status_code == 200, good.text
    assert good.json()["access_token"]
    # The challenge is spent, and the same code cannot log in twice.
    reused = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": first["mfa_token"], "code": person.code()}
    )
    assert reused.status_code == 401
    second = (await person.login()).json()
    replay = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": second["mfa_token"], "code": person.code()}
    )
    assert replay.status_code == 401
    person.clock.set(person.clock.now() + timedelta(seconds=30))
    later = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": second["mfa_token"], "code": person.code()}
    )
    assert later.status_code == 200


async def test_recovery_codes_work_once(person: Person) -> None:
    codes = await _enrol(person)
    challenge = (await person.login()).json()["mfa_token"]
    ok = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": challenge, "recovery_code": codes[0].upper()}
    )
    assert ok.status_code == 200
    challenge = (await person.login()).json()["mfa_token"]
    spent = await person.client.post(
        "/v1/auth/mfa", json={"mfa_token": challenge, "recovery_code": codes[0]}
    )
    assert spent.status_code == 401


async def test_large_orders_need_a_recent_second_factor(person: Person) -> None:
    async def large_order() -> httpx.Response:
        quote = (
            await person.client.post(
                "/v1/quotes", json={"source_currency": "EUR", "source_amount": "15000.00"}
            )
        ).json()
        return await person.client.post(
            "/v1/orders",
            json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "15000.00"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    without = await large_order()
    assert without.status_code == 403
    assert without.json()["code"] == "mfa_enrollment_required"
    await _enrol(person)  # confirming counts as a fresh second factor
    assert (await large_order()).status_code == 201
    person.clock.set(person.clock.now() + timedelta(minutes=6))
    stale = await large_order()
    assert stale.status_code == 403
    assert stale.json()["code"] == "step_up_required"
    stepped = await person.client.post("/v1/auth/step-up", json={"code": person.code()})
    assert stepped.status_code == 204
    assert (await large_order()).status_code == 201
    small = (
        await person.client.post(
            "/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"}
        )
    ).json()
    person.clock.set(person.clock.now() + timedelta(hours=1))
    r = await person.client.post(
        "/v1/orders",
        json={"quote_id": small["id"], "source_currency": "EUR", "source_amount": "100.00"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code != 403  # small orders need no step-up (this quote has expired: 409)


async def test_the_totp_secret_is_not_stored_in_plaintext(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _enrol(person)
    async with sessions() as session:
        raw = await session.scalar(
            text(
                "SELECT t.secret_sealed FROM mfa_totp t JOIN users u ON u.id = t.user_id "
                "WHERE u.email_index = :index"
            ),
            {"index": User.email.index_of(person.email)},
        )
    assert raw is not None
    assert person.secret.encode() not in bytes(raw)


async def test_credential_changes_need_a_step_up_once_mfa_is_on(person: Person) -> None:
    change = {"current_password": PASSWORD, "new_password": "a different long passphrase here"}
    email_change = {"new_email": f"n.{uuid.uuid4().hex}@example.com", "current_password": PASSWORD}
    await _enrol(person)
    person.clock.set(person.clock.now() + timedelta(minutes=6))
    for method, path, body in (
        ("PUT", "/v1/me/password", change),
        ("POST", "/v1/me/email-change", email_change),
    ):
        stale = await person.client.request(method, path, json=body)
        assert stale.status_code == 403, path
        assert stale.json()["code"] == "step_up_required"
    stepped = await person.client.post("/v1/auth/step-up", json={"code": person.code()})
    assert stepped.status_code == 204
    assert (await person.client.post("/v1/me/email-change", json=email_change)).status_code == 202
    assert (await person.client.put("/v1/me/password", json=change)).status_code == 204
