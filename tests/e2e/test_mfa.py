"""TOTP MFA: enrolment, login with a second factor, recovery codes, replay, step-up."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.identity.models import User
from tests.e2e.conftest import PASSWORD
from tests.e2e.mfa_people import Person, enrol


async def test_enrol_then_log_in_with_a_second_factor(person: Person) -> None:
    await enrol(person)
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
    codes = await enrol(person)
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


async def expire_orders_of(person: Person, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Expired orders count against no limit (orders/tier_limits/limits.py)."""
    me = (await person.client.get("/v1/me")).json()["id"]
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE orders SET state = 'expired' WHERE customer_id = :id"),
            {"id": uuid.UUID(me)},
        )


async def test_large_orders_need_a_recent_second_factor(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
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
    await enrol(person)  # confirming counts as a fresh second factor
    assert (await large_order()).status_code == 201
    await expire_orders_of(person, sessions)  # two EUR 15,000 orders exceed tier 2's daily limit
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
    await enrol(person)
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
    await enrol(person)
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


async def test_a_customer_turns_mfa_off_after_a_step_up_audited_and_announced(
    person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert (await person.client.delete("/v1/me/mfa/totp")).json()["code"] == "mfa_not_enrolled"
    codes = await enrol(person)
    person.clock.set(person.clock.now() + timedelta(minutes=6))
    stale = await person.client.delete("/v1/me/mfa/totp")
    assert stale.status_code == 403
    assert stale.json()["code"] == "step_up_required"
    stepped = await person.client.post("/v1/auth/step-up", json={"code": person.code()})
    assert stepped.status_code == 204

    removed = await person.client.delete("/v1/me/mfa/totp")
    assert removed.status_code == 204, removed.text
    assert (await person.client.delete("/v1/me/mfa/totp")).status_code == 409
    # Signing in needs the password alone now; the recovery codes went with the factor.
    assert (await person.login()).json()["access_token"]
    recovery = await person.client.post("/v1/auth/step-up", json={"recovery_code": codes[0]})
    assert recovery.status_code == 401
    async with sessions() as session:
        user_id = await session.scalar(
            text("SELECT id FROM users WHERE email_index = :index"),
            {"index": User.email.index_of(person.email)},
        )
        audited = await session.scalar(
            text(
                "SELECT count(*) FROM audit_log WHERE action = 'auth.mfa_disabled'"
                " AND entity_id = :id"
            ),
            {"id": str(user_id)},
        )
        announced = await session.scalar(
            text(
                "SELECT count(*) FROM outbox WHERE subject = 'onramp.identity.mfa_removed.v1'"
                " AND convert_from(payload, 'UTF8')::jsonb -> 'data' ->> 'user_id' = :id"
            ),
            {"id": str(user_id)},
        )
    assert (audited, announced) == (1, 1)
