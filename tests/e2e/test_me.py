"""The caller's own data: profile, preferences, and the GDPR export."""

from __future__ import annotations

import httpx
import orjson

from tests.e2e.conftest import Customer, pay


async def test_profile(customer: Customer) -> None:
    me = (await customer.client.get("/v1/me")).json()
    assert me["id"] == customer.user_id
    assert me["email"] == customer.email


async def test_preferences_default_set_and_validate(customer: Customer) -> None:
    defaults = (await customer.client.get("/v1/me/preferences")).json()
    assert defaults == {
        "display_currency": "EUR",
        "default_fiat_currency": "EUR",
        "notification_channels": ["email"],
        "language": "en",
    }
    wanted = {
        "display_currency": "USD",
        "default_fiat_currency": "GBP",
        "notification_channels": ["webhook", "email"],
        "language": "de",
    }
    saved = await customer.client.put("/v1/me/preferences", json=wanted)
    assert saved.status_code == 200, saved.text
    assert (await customer.client.get("/v1/me/preferences")).json() == {
        **wanted,
        "notification_channels": ["email", "webhook"],
    }
    for bad, code in (
        ({**wanted, "display_currency": "XYZ"}, "unknown_currency"),
        ({**wanted, "default_fiat_currency": "USDC"}, "preferences_invalid"),
        ({**wanted, "notification_channels": ["pigeon"]}, "preferences_invalid"),
        ({**wanted, "language": "tlh"}, "preferences_invalid"),
        ({**wanted, "theme": "dark"}, "request_invalid"),
    ):
        r = await customer.client.put("/v1/me/preferences", json=bad)
        assert r.status_code == 422, bad
        assert r.json()["code"] == code
    assert (await customer.client.get("/v1/me/preferences")).json()["language"] == "de"


async def test_export_holds_everything_about_the_caller_and_nothing_else(
    customer: Customer, other_customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("210.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    await other_customer.order(await other_customer.quote("99.00"))

    r = await customer.client.get("/v1/me/export")
    assert r.status_code == 200
    data = r.json()
    assert data["profile"]["email"] == customer.email
    assert len(data["sessions"]) >= 1
    assert [q["source_amount"] for q in data["quotes"]] == ["21000"]
    (exported,) = data["orders"]
    assert exported["id"] == order["id"]
    assert [h["to_state"] for h in exported["history"]][-1] == "completed"
    assert exported["deposits"][0]["status"] == "matched"
    assert exported["payout"]["status"] == "confirmed"
    actions = {a["action"] for a in data["audit"]}
    assert {"user.registered", "auth.login_succeeded", "order.created"} <= actions
    raw = orjson.dumps(data).decode()
    assert "password_hash" not in raw
    assert "$argon2" not in raw
    assert other_customer.email not in raw
    assert other_customer.user_id not in raw
