"""The account's security and KYC emails, read from the mail sandbox's inbox: in the customer's
language (German here), as text and HTML, not sent to a customer who turned email off; a login
from a new device writes its event to the outbox with the session."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent, subject_for
from onramp.core.ids import uuid7
from onramp.core.outbox import OutboxMessage, decode_payload
from onramp.devstack.stack import Stack
from onramp.identity.accounts.security_emails import tell_account_owners
from onramp.notifications.adapters.smtp import SmtpSender
from onramp.notifications.service import deliver_next
from tests.e2e import conftest as e2e
from tests.e2e.mfa_people import PASSWORD

client = e2e.client  # the API in this process, on the test's engine


async def _customer(
    client: httpx.AsyncClient, preferences: dict[str, object] | None = None
) -> tuple[str, str]:
    """A new customer (user id, email), logged in from Firefox, with these preferences."""
    email = f"acct.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Grete"}
    )
    assert r.status_code == 201, r.text
    if preferences is not None:
        token = await _log_in(client, email, "Firefox")
        changed = await client.put(
            "/v1/me/preferences", json=preferences, headers={"Authorization": f"Bearer {token}"}
        )
        assert changed.status_code == 200, changed.text
    return r.json()["id"], email


async def _log_in(client: httpx.AsyncClient, email: str, user_agent: str) -> str:
    r = await client.post(
        "/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"User-Agent": user_agent},
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _event(subject: str, user_id: str, **data: object) -> CloudEvent:
    return CloudEvent(
        id=uuid7(),
        source="onramp/test",
        type=subject,
        time=datetime.now(UTC),
        data={"user_id": user_id, **data},
    )


async def _send_and_read(
    sessions: async_sessionmaker[AsyncSession], infra: Stack, events: list[CloudEvent], to: str
) -> list[dict[str, str]]:
    async with unit_of_work(sessions) as session:
        await tell_account_owners(session, events)
    sender = SmtpSender(infra.settings.notifications)
    later = datetime.now(UTC) + timedelta(days=1)  # others' queued emails are sent too
    while await deliver_next(sessions, sender=sender, now=later, max_attempts=3):
        pass
    async with httpx.AsyncClient(base_url=infra.mail.url) as mail:
        found: list[dict[str, str]] = (await mail.get("/messages", params={"to": to})).json()[
            "data"
        ]
    # Registering sent the verification email (before the language was chosen): not ours.
    return [m for m in found if m["subject"] != "Confirm your email address"]


async def test_security_and_kyc_emails_arrive_in_german_as_text_and_html(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    user_id, email = await _customer(client, {"language": "de"})
    events = [
        _event(subject_for("identity", "api_key_created"), user_id, name="<b>bot</b>", prefix="p1"),
        _event(subject_for("kyc", "case_decided"), user_id, status="approved", tier=2),
        _event(subject_for("kyc", "case_decided"), user_id, status="pending", tier=0),
        _event(subject_for("identity", "password_changed"), user_id, how="changed"),
        _event(subject_for("identity", "email_changed"), user_id),
        _event(subject_for("identity", "mfa_removed"), user_id),
    ]

    messages = await _send_and_read(sessions, infra, events, email)

    subjects = sorted(m["subject"] for m in messages)
    assert subjects == [
        "Die Zwei-Faktor-Authentifizierung wurde ausgeschaltet",
        "Ein neuer API-Schlüssel wurde erstellt",
        "Ihr Passwort wurde geändert",
        "Ihre Anmelde-E-Mail-Adresse wurde geändert",
        "Ihre Identität ist bestätigt",
    ]
    key = next(m for m in messages if "API" in m["subject"])
    assert 'der API-Schlüssel "<b>bot</b>" (p1)' in key["text"]
    assert "&lt;b&gt;bot&lt;/b&gt;" in key["html"]
    assert '<html lang="de">' in key["html"]


async def test_a_customer_who_turned_email_off_gets_none(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    user_id, email = await _customer(client, {"notification_channels": []})
    event = _event(subject_for("identity", "mfa_enrolled"), user_id)
    assert await _send_and_read(sessions, infra, [event], email) == []


async def test_a_login_from_a_new_device_is_announced_once(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    user_id, email = await _customer(client)
    await _log_in(client, email, "Firefox")  # the first device: nothing to compare with
    await _log_in(client, email, "Firefox")
    await _log_in(client, email, "Curious Browser 1.0")
    async with sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.subject == subject_for("identity", "new_device_login")
                )
            )
        ).all()
    mine = [d for r in rows if (d := decode_payload(r.payload)["data"])["user_id"] == user_id]
    assert [d["device"] for d in mine] == ["Curious Browser 1.0"]
