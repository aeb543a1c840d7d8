"""Support in the back office, in Chromium: a support person signs in with their second factor,
finds a customer by email, freezes the account with a reason (a freeze without one is refused
and changes nothing), and the frozen customer's next quote and order are refused by the API;
the customer's order is found by the orders search (and its CSV) and read on its page; the hold
is lifted and the customer may quote again."""

from __future__ import annotations

import random
import re
import string
import time
import uuid
from typing import Any

import httpx
import pyotp
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import (
    PASSWORD,
    enrol_totp,
    look,
    new_email,
    run_sql,
    sign_in,
    staff_member,
)

QUOTE = {"source_currency": "EUR", "source_amount": "150.00", "target_currency": "USDC"}


def _customer(stack: Stack) -> dict[str, Any]:
    """A customer (email confirmed, KYC tier 2) with one order awaiting funds, and a quote
    priced before any hold."""
    email = new_email()
    name = "Philippa " + "".join(random.choices(string.ascii_lowercase, k=8)).capitalize()  # noqa: S311
    api = httpx.Client(base_url=stack.api_url, timeout=10.0)
    r = api.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": name}
    )
    assert r.status_code == 201, r.text
    user_id = r.json()["id"]
    run_sql(stack, "UPDATE users SET email_verified_at = now() WHERE id = :id", id=user_id)
    run_sql(
        stack,
        "INSERT INTO kyc_cases (id, customer_id, tier_requested, tier_granted, status, vendor,"
        " attempts, reasons, document_types, created_at, submitted_at, reviewed_at, expires_at)"
        " VALUES (:id, :customer, 2, 2, 'approved', 'test', 1, '[]', '[]', now(), now(), now(),"
        " now() + interval '365 days')",
        id=uuid.uuid4(),
        customer=uuid.UUID(user_id),
    )
    login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    quote = api.post("/v1/quotes", json=QUOTE).json()
    order = _order(api, api.post("/v1/quotes", json=QUOTE).json())
    assert order.status_code == 201, order.text
    return {"api": api, "email": email, "name": name, "id": user_id, "quote": quote,
            "order": order.json()}  # fmt: skip


def _order(api: httpx.Client, quote: dict[str, Any]) -> httpx.Response:
    return api.post(
        "/v1/orders",
        json={k: quote[k] for k in ("source_currency", "source_amount")}
        | {"quote_id": quote["id"]},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def _sign_in_as_support(web: Page, stack: Stack) -> None:
    email = staff_member(web, stack, "support")
    secret = enrol_totp(stack, email)
    sign_in(web, email=email)
    # The next step's code: the enrolment spent this one (each step counts once).
    web.get_by_label("The code from your authenticator app").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    web.get_by_role("button", name="Sign in").click()
    expect(web).to_have_url(re.compile(r"/admin$"))


def _find_and_open(web: Page, customer: dict[str, Any]) -> None:
    web.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    look(web, "admin-customers")
    web.get_by_label("Email, name, customer id, IBAN or wallet address").fill(customer["email"])
    web.get_by_role("button", name="Search").click()
    expect(web.locator("#customers tbody tr")).to_have_count(1)
    look(web, "admin-customers-found")
    web.get_by_role("link", name=customer["name"]).click()
    expect(web.get_by_role("heading", level=1)).to_contain_text(customer["name"])
    look(web, "admin-customer")


def _freeze(web: Page, customer: dict[str, Any]) -> None:
    # Without a reason the server refuses too (the form's `required` aside): nothing changes.
    token = web.locator('meta[name="csrf-token"]').get_attribute("content")
    refused = web.request.post(
        f"/admin/customers/{customer['id']}/freeze",
        form={"csrf_token": token or "", "reason": ""},
        headers={"accept": "text/html"},
    )
    assert refused.status == 422
    assert "A reason is needed" in refused.text()
    web.reload()
    expect(web.locator("#account-state")).to_have_text("active")

    web.get_by_label("Reason (kept in the audit log)").fill("Caller says the login was stolen")
    web.get_by_role("button", name="Freeze the account").click()
    expect(web.locator("#hold-badge")).to_have_text("frozen")
    expect(web.locator("#hold-state")).to_contain_text("Caller says the login was stolen")
    expect(web.locator("#holds")).to_contain_text("frozen by")
    look(web, "admin-customer-frozen")


def _the_customer_is_refused(customer: dict[str, Any]) -> None:
    api: httpx.Client = customer["api"]
    quoted = api.post("/v1/quotes", json=QUOTE)
    assert (quoted.status_code, quoted.json()["code"]) == (403, "customer_frozen")
    ordered = _order(api, customer["quote"])  # priced before the hold, placed after
    assert (ordered.status_code, ordered.json()["code"]) == (403, "customer_frozen")
    mine = api.get("/v1/orders").json()["data"]
    assert [o["id"] for o in mine] == [customer["order"]["id"]]  # nothing was placed


def _the_order_is_found(web: Page, customer: dict[str, Any]) -> None:
    web.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    web.get_by_label("Customer id").fill(customer["id"])
    web.get_by_label("State").select_option("awaiting_funds")
    web.get_by_role("button", name="Search").click()
    expect(web.locator("#orders tbody tr")).to_have_count(1)
    expect(web.locator("#orders")).to_contain_text("150.00 EUR")
    look(web, "admin-orders")
    csv = web.request.get(f"/admin/orders/export.csv?customer_id={customer['id']}")
    assert csv.status == 200
    lines = csv.text().strip().splitlines()
    assert lines[0].startswith("id,created_at,state")
    assert [line.split(",")[0] for line in lines[1:]] == [customer["order"]["id"]]
    web.locator("#orders tbody a").first.click()
    expect(web.locator("#order-state")).to_have_text("awaiting_funds")
    expect(web.locator("#history")).to_contain_text("awaiting_funds")
    look(web, "admin-order")


def test_support_freezes_a_customer_whose_next_order_is_refused(web: Page, stack: Stack) -> None:
    customer = _customer(stack)
    _sign_in_as_support(web, stack)
    _find_and_open(web, customer)
    _freeze(web, customer)
    _the_customer_is_refused(customer)
    _the_order_is_found(web, customer)

    web.get_by_role("link", name=customer["id"]).click()  # back to the customer
    web.get_by_label("Reason (kept in the audit log)").fill("Identity confirmed on a call")
    web.get_by_role("button", name="Unfreeze the account").click()
    expect(web.locator("#hold-state")).to_contain_text("Not frozen")
    assert customer["api"].post("/v1/quotes", json=QUOTE).status_code == 201
    customer["api"].close()
