"""Emailed links over the running stack: the mailer sends through SMTP to the mail sandbox, and the
test reads the inbox the way the customer would read theirs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.devstack.stack import Stack
from onramp.notifications.models import OutgoingEmail
from tests.e2e.conftest import PASSWORD, Customer, emailed_token

NEW_PASSWORD = "another long and unguessable passphrase"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        yield client


async def _inbox(stack: Stack, to: str) -> list[dict[str, str]]:
    async with httpx.AsyncClient(base_url=stack.mail.url) as mail:
        messages: list[dict[str, str]] = (await mail.get("/messages", params={"to": to})).json()[
            "data"
        ]
        return messages


async def _login(api: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await api.post("/v1/auth/login", json={"email": email, "password": password})


async def _email_starting(stack: Stack, to: str, subject_start: str) -> str:
    """The text of the first email to ``to`` whose subject starts so, once the mailer sent it."""
    for _ in range(600):  # 30 s: some notices travel outbox -> relay -> mailer first
        for message in await _inbox(stack, to):
            if message["subject"].startswith(subject_start):
                return message["text"]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no email to {to} starting {subject_start!r}")


async def test_orders_wait_for_a_verified_email(stack: Stack, api: httpx.AsyncClient) -> None:
    email = f"v.{uuid.uuid4().hex}@example.com"
    registered = await api.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Vera V"}
    )
    assert registered.json()["email_verified"] is False
    api.headers["Authorization"] = f"Bearer {(await _login(api, email)).json()['access_token']}"
    quote = (
        await api.post("/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"})
    ).json()
    order = await api.post(
        "/v1/orders",
        json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "100.00"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert order.status_code == 403
    assert order.json()["code"] == "email_not_verified"

    first = await emailed_token(stack, to=email, link_path="/verify-email")
    (message,) = await _inbox(stack, email)
    assert message["subject"] == "Confirm your email address"
    assert "Hello Vera V" in message["text"]
    # Asking again sends a new link; the first one stops working.
    assert (await api.post("/v1/me/email-verification")).status_code == 202
    second = await emailed_token(stack, to=email, link_path="/verify-email", after=1)
    assert second != first
    stale = await api.post("/v1/auth/email-verification", json={"token": first})
    assert stale.status_code == 422
    assert stale.json()["code"] == "invalid_email_token"

    assert (
        await api.post("/v1/auth/email-verification", json={"token": second})
    ).status_code == 204
    again = await api.post("/v1/auth/email-verification", json={"token": second})
    assert again.json()["code"] == "invalid_email_token"
    assert (await api.get("/v1/me")).json()["email_verified"] is True
    resend = await api.post("/v1/me/email-verification")
    assert resend.status_code == 409
    assert resend.json()["code"] == "email_already_verified"


async def test_made_up_tokens_are_refused(api: httpx.AsyncClient) -> None:
    for path in ("/v1/auth/email-verification", "/v1/auth/email-change/confirm"):
        r = await api.post(path, json={"token": "ev_" + "x" * 43})
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_email_token"
    r = await api.post(
        "/v1/auth/password-reset/confirm", json={"token": "pr_nope", "new_password": NEW_PASSWORD}
    )
    assert r.json()["code"] == "invalid_email_token"


async def test_password_reset_signs_out_everywhere(
    stack: Stack, api: httpx.AsyncClient, customer: Customer
) -> None:
    old_session = customer.client.headers["Authorization"]
    unknown = f"nobody.{uuid.uuid4().hex}@example.com"
    # Same answer for an unknown address, and nothing is sent to it.
    assert (await api.post("/v1/auth/password-reset", json={"email": unknown})).status_code == 202
    assert (
        await api.post("/v1/auth/password-reset", json={"email": customer.email.upper()})
    ).status_code == 202
    token = await emailed_token(stack, to=customer.email, link_path="/reset-password")

    weak = await api.post(
        "/v1/auth/password-reset/confirm", json={"token": token, "new_password": "password1234"}
    )
    assert weak.json()["code"] == "password_too_weak"
    # A refused password does not spend the link.
    done = await api.post(
        "/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 204, done.text
    reused = await api.post(
        "/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert reused.json()["code"] == "invalid_email_token"

    me = await customer.client.get("/v1/me", headers={"Authorization": old_session})
    assert me.status_code == 401
    assert (await _login(api, customer.email)).status_code == 401
    assert (await _login(api, customer.email, NEW_PASSWORD)).status_code == 200
    assert "was changed at" in await _email_starting(stack, customer.email, "Your password was")
    assert await _inbox(stack, unknown) == []


async def test_changing_the_password_keeps_this_session_only(
    stack: Stack, api: httpx.AsyncClient, customer: Customer
) -> None:
    other = (await _login(api, customer.email)).json()["access_token"]
    wrong = await customer.client.put(
        "/v1/me/password",
        json={"current_password": "not the password at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "current_password_incorrect"
    changed = await customer.client.put(
        "/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text
    assert (await customer.client.get("/v1/me")).status_code == 200
    ended = await api.get("/v1/me", headers={"Authorization": f"Bearer {other}"})
    assert ended.status_code == 401
    assert (await _login(api, customer.email, NEW_PASSWORD)).status_code == 200


async def test_changing_the_email_needs_the_new_mailbox(
    stack: Stack, api: httpx.AsyncClient, customer: Customer, other_customer: Customer
) -> None:
    taken = await customer.client.post(
        "/v1/me/email-change",
        json={"new_email": other_customer.email, "current_password": PASSWORD},
    )
    assert taken.status_code == 409
    new_email = f"new.{uuid.uuid4().hex}@example.com"
    wrong = await customer.client.post(
        "/v1/me/email-change", json={"new_email": new_email, "current_password": "wrong one!"}
    )
    assert wrong.json()["code"] == "current_password_incorrect"
    asked = await customer.client.post(
        "/v1/me/email-change", json={"new_email": new_email, "current_password": PASSWORD}
    )
    assert asked.status_code == 202, asked.text
    token = await emailed_token(stack, to=new_email, link_path="/confirm-email-change")
    # The old address hears about it, and nothing changed yet.
    notice = await _email_starting(stack, customer.email, "A change of your email")
    assert new_email in notice
    assert (await customer.client.get("/v1/me")).json()["email"] == customer.email

    confirmed = await api.post("/v1/auth/email-change/confirm", json={"token": token})
    assert confirmed.status_code == 204, confirmed.text
    me = (await customer.client.get("/v1/me")).json()
    assert (me["email"], me["email_verified"]) == (new_email, True)
    assert (await _login(api, new_email)).status_code == 200
    assert (await _login(api, customer.email)).status_code == 401
    # The mailer tells the new address, from the change's event.
    told = await _email_starting(stack, new_email, "Your sign-in email address was changed")
    assert "became the sign-in email address" in told


async def test_sent_emails_keep_no_address_or_link(
    stack: Stack, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        rows = list(
            await session.scalars(
                select(OutgoingEmail).where(OutgoingEmail.user_id == uuid.UUID(customer.user_id))
            )
        )
    assert [(r.template, r.status, r.message_sealed) for r in rows] == [
        ("verify_email", "sent", None)
    ]
