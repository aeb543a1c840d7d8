"""``onramp demo``: one customer's euros become USDC in their wallet, over the real HTTP API."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from onramp.chain import usdc_balance
from onramp.core.audit import verify_database
from onramp.core.money import Money
from onramp.devstack.mail_sandbox import wait_for_link_token
from onramp.devstack.stack import Stack, start_stack
from onramp.ledger import trial_balance_of_database

Say = Callable[[str], None]
TERMINAL = {"completed", "failed", "expired", "rejected", "refunded"}


class DemoFailed(RuntimeError):
    pass


def _check(response: httpx.Response, expected: int) -> dict[str, Any]:
    if response.status_code != expected:
        raise DemoFailed(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text}"
        )
    body: dict[str, Any] = response.json() if response.content else {}
    return body


def verify_identity(api: httpx.Client, say: Say, *, timeout: float) -> None:
    """Tier 1 through the KYC sandbox: submit, then wait for its signed webhook's verdict."""
    submitted = _check(
        api.post(
            "/v1/me/kyc",
            json={
                "tier": 1,
                "given_names": "Ada",
                "surname": "Lovelace",
                "date_of_birth": "1815-12-10",
                "nationality": "GB",
                "address": {
                    "line1": "12 St James's Square",
                    "city": "London",
                    "postal_code": "SW1Y 4JH",
                    "country": "GB",
                },
                "documents": [
                    {"type": "passport", "filename": "passport.png", "content_base64": "aGk="}
                ],
            },
        ),
        202,
    )
    say(f"kyc         case {submitted['case']['id']} submitted to the KYC sandbox (tier 1)")
    deadline = time.monotonic() + timeout
    while True:
        status = _check(api.get("/v1/me/kyc"), 200)
        if status["case"]["status"] != "pending":
            break
        if time.monotonic() > deadline:
            raise DemoFailed(f"KYC case still pending after {timeout}s")
        time.sleep(0.05)
    if status["case"]["status"] != "approved":
        raise DemoFailed(f"KYC case ended {status['case']['status']}: {status['case']['reasons']}")
    limits = status["limits"]
    say(
        f"            approved by signed webhook: tier {status['tier']}, limits "
        f"EUR {limits['daily_eur']} a day, EUR {limits['monthly_eur']} a month"
    )


def drive_customer(stack: Stack, say: Say, *, timeout: float = 60.0) -> dict[str, Any]:
    """Register, verify identity, quote, order, pay by bank transfer, and follow the order to
    the end."""
    api = httpx.Client(base_url=stack.api_url, timeout=10.0)
    bank = httpx.Client(base_url=stack.bank.url if stack.bank else "", timeout=10.0)
    sign_up(stack, api, say)
    verify_identity(api, say, timeout=timeout)
    order = place_order(api, say)
    started = time.monotonic()
    pay_by_bank_transfer(bank, order["deposit_instructions"], say)
    order = follow_order(api, order, say, started=started, timeout=timeout)
    if order["state"] != "completed":
        raise DemoFailed(f"order ended {order['state']}")
    return order


def sign_up(stack: Stack, api: httpx.Client, say: Say) -> None:
    """A new customer registers, verifies their email from the sandbox inbox and logs in:
    ``api`` carries their bearer token from then on."""
    email = f"ada.{uuid.uuid4().hex[:8]}@example.com"
    password = "correct horse battery staple"  # noqa: S105 - the demo customer's password
    user = _check(
        api.post(
            "/v1/auth/register",
            json={"email": email, "password": password, "full_name": "Ada Lovelace"},
        ),
        201,
    )
    say(f"registered  {email} (user {user['id']})")
    verify = wait_for_link_token(stack.mail.url, to=email, link_path="/verify-email")
    _check(api.post("/v1/auth/email-verification", json={"token": verify}), 204)
    say("verified    email address (link read from the sandbox inbox over SMTP)")
    token = _check(api.post("/v1/auth/login", json={"email": email, "password": password}), 200)
    api.headers["Authorization"] = f"Bearer {token['access_token']}"
    say("logged in   bearer token issued")


def place_order(api: httpx.Client, say: Say) -> dict[str, Any]:
    """A firm quote for EUR 1000 in USDC, and the order on it."""
    quote = _check(
        api.post(
            "/v1/quotes",
            json={"source_currency": "EUR", "source_amount": "1000.00", "target_currency": "USDC"},
        ),
        201,
    )
    say(
        f"quote       EUR {quote['source_amount']} -> {quote['target_amount']} USDC at "
        f"{quote['rate']} (ECB {quote['rates_date']}), fee EUR {quote['fee']}, "
        f"firm until {quote['expires_at']}"
    )
    order = _check(
        api.post(
            "/v1/orders",
            json={"quote_id": quote["id"], "source_currency": "EUR", "source_amount": "1000.00"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        ),
        201,
    )
    ins = order["deposit_instructions"]
    say(f"order       {order['id']} {order['state']}")
    say(
        f"            pay {ins['currency']} {ins['amount']} to {ins['account_name']}, "
        f"IBAN {ins['iban']}, BIC {ins['bic']}, reference {ins['reference']}"
    )
    say(f"            USDC goes to the customer's wallet {order['destination_address']}")
    return order


def pay_by_bank_transfer(bank: httpx.Client, instructions: dict[str, Any], say: Say) -> None:
    """The customer's transfer arrives at the sandbox bank as the deposit instructions say."""
    transfer = _check(
        bank.post(
            "/transfers",
            json={
                "amount": instructions["amount"],
                "currency": instructions["currency"],
                "reference": instructions["reference"],
                "sender_name": "Ada Lovelace",
                "sender_iban": "GB33BUKB20201555555555",
            },
        ),
        202,
    )
    say(f"bank        transfer {transfer['id']} booked; the bank sends a signed webhook")


def follow_order(
    api: httpx.Client, order: dict[str, Any], say: Say, *, started: float, timeout: float
) -> dict[str, Any]:
    """Each new step of the order's history as it happens, until the order ends."""
    seen = 1
    deadline = started + timeout
    while True:
        order = _check(api.get(f"/v1/orders/{order['id']}"), 200)
        for step in order["history"][seen:]:
            elapsed = time.monotonic() - started
            reason = f" ({step['reason']})" if step["reason"] else ""
            say(f"  +{elapsed:5.2f}s  {step['to_state']}{reason}")
        seen = len(order["history"])
        if order["state"] in TERMINAL:
            return order
        if time.monotonic() > deadline:
            raise DemoFailed(f"order stuck in {order['state']} after {timeout}s")
        time.sleep(0.05)


def report(stack: Stack, order: dict[str, Any], say: Say) -> None:
    payout = order["payout"]
    say(f"order       {order['id']}  state {order['state']}")
    for step in order["history"]:
        say(
            f"            {step['at'][11:23]}  {step['from_state'] or '-':>16}"
            f" -> {step['to_state']}"
        )
    say(f"payout      {payout['amount']} USDC to {payout['to']}")
    say(f"            tx {payout['tx_hash']} in block {payout['block_number']}")
    balance = usdc_balance(stack.anvil.url, stack.deployment.usdc, order["destination_address"])
    say(f"on-chain    balanceOf({order['destination_address']}) = {Money(balance, 'USDC')} USDC")
    if str(Money(balance, "USDC")) != payout["amount"]:
        raise DemoFailed("the wallet's on-chain balance differs from the payout")
    tb = asyncio.run(trial_balance_of_database(stack.settings.database.url))
    say("ledger      trial balance")
    for account in tb.accounts:
        say(f"            {account.code:<58} {account.balance!s:>20} {account.balance.currency}")
    for totals in tb.totals:
        say(
            f"            {totals.currency:<5} debits {totals.debits!s:>20}  credits "
            f"{totals.credits!s:>20}  net {totals.net}"
        )
    if not tb.balanced:
        raise DemoFailed(f"the trial balance is not zero: drifted accounts {tb.drifted}")
    chain = asyncio.run(verify_database(stack.settings.database.url, seal_first=True))
    say(
        f"audit log   {chain.sealed} records hash-chained: "
        + ("intact" if chain.intact else "BROKEN")
    )
    if not chain.intact:
        raise DemoFailed(f"the audit chain is broken: {chain.problems}")


def run_demo(state_dir: Path, say: Say) -> None:
    t0 = time.monotonic()
    say("==> starting the embedded stack")
    stack = start_stack(state_dir, progress=lambda line: say(f"  {line}"))
    try:
        say(f"==> stack ready in {time.monotonic() - t0:.1f}s; driving one customer over the API")
        t1 = time.monotonic()
        order = drive_customer(stack, lambda line: say(f"  {line}"))
        say(f"==> deposit to confirmed payout in {time.monotonic() - t1:.2f}s")
        report(stack, order, lambda line: say(f"  {line}"))
        say(f"==> demo finished in {time.monotonic() - t0:.1f}s: a euro deposit became USDC")
        web = stack.web_urls()
        say(f"==> the web UI (`onramp dev` keeps it up): dashboard {web['app']}")
        say(f"    back office {web['admin']}")
    finally:
        stack.stop()
