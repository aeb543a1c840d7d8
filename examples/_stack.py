"""What every example needs from a running ``onramp dev``: where its parts listen (its
``.onramp/stack.json``, or the file ``ONRAMP_STACK_FILE`` names) and the sandbox vendors a
real customer would meet as their inbox, their bank and the KYC vendor.

Only the sandboxes are driven with plain httpx; onramp itself only through onramp_client.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

from onramp_client import JSON, Client

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"  # noqa: S105 - the examples' customers' password
TERMINAL = {"completed", "refunded", "expired", "failed", "rejected"}


def say(line: str) -> None:
    print(line, flush=True)


def stack() -> dict[str, Any]:
    """The running dev stack's addresses; exits with a hint when none runs."""
    path = Path(os.environ.get("ONRAMP_STACK_FILE") or ROOT / ".onramp" / "stack.json")
    if not path.exists():
        sys.exit(f"no running stack ({path} is missing): start one with `make dev`")
    described: dict[str, Any] = json.loads(path.read_text())
    return described


def inbox_token(mail_url: str, *, to: str, link_path: str, timeout: float = 30.0) -> str:
    """The token of the newest emailed link to ``link_path`` (the mail sandbox's inbox)."""
    pattern = re.compile(re.escape(link_path) + r"\?token=([A-Za-z0-9_\-]+)")
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=mail_url, timeout=5.0, trust_env=False) as inbox:
        while True:
            for message in inbox.get("/messages", params={"to": to}).json()["data"]:
                if found := pattern.search(message["text"]):
                    return found.group(1)
            if time.monotonic() > deadline:
                raise TimeoutError(f"no email to {to} with a {link_path} link")
            time.sleep(0.1)


def signed_up(api: Client, where: dict[str, Any], *, name: str = "Ada Lovelace") -> str:
    """A new customer, email verified, signed in on ``api``: their email."""
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com"
    user = api.register(email, PASSWORD, name)
    token = inbox_token(where["mail_sandbox"], to=email, link_path="/verify-email")
    api.post("/v1/auth/email-verification", {"token": token})
    api.login(email, PASSWORD)
    say(f"registered   {email} (user {user['id']}), email verified, signed in")
    return email


def identity(surname: str = "Lovelace", given: str = "Ada", tier: int = 1) -> JSON:
    """A KYC submission; the sandbox vendor decides by the surname (REJECT, MOREINFO, EXPIRE)."""
    return {
        "tier": tier,
        "given_names": given,
        "surname": surname,
        "date_of_birth": "1815-12-10",
        "nationality": "GB",
        "address": {
            "line1": "12 St James's Square",
            "city": "London",
            "postal_code": "SW1Y 4JH",
            "country": "GB",
        },
        "documents": [{"type": "passport", "filename": "passport.png", "content_base64": "aGk="}],
    }


def verify_identity(api: Client, submission: JSON, *, timeout: float = 30.0) -> JSON:
    """Submit to KYC and wait for the vendor's verdict (a signed webhook): the KYC status."""
    case = api.post("/v1/me/kyc", submission)["case"]
    deadline = time.monotonic() + timeout
    while (status := api.get("/v1/me/kyc"))["case"]["status"] == "pending":
        if time.monotonic() > deadline:
            raise TimeoutError(f"KYC case {case['id']} still pending")
        time.sleep(0.1)
    kyc: JSON = status
    return kyc


def bank_transfer(
    where: dict[str, Any], order: JSON, *, sender: str, amount: str | None = None
) -> JSON:
    """The customer's transfer as the deposit instructions say, booked by the sandbox bank
    (from an account in ``sender``'s name: another name is held for review)."""
    ins = order["deposit_instructions"]
    body = {
        "amount": amount or ins["amount"],
        "currency": ins["currency"],
        "reference": ins["reference"],
        "sender_name": sender,
        "sender_iban": "GB33BUKB20201555555555",
    }
    with httpx.Client(base_url=where["bank_sandbox"], timeout=10.0, trust_env=False) as bank:
        answer = bank.post("/transfers", json=body)
        answer.raise_for_status()
        transfer: JSON = answer.json()
        return transfer


def follow(
    api: Client, order_id: str, *, until: Iterable[str] = TERMINAL, timeout: float = 60.0
) -> JSON:
    """The order once it reaches one of ``until``, printing each step as it happens."""
    wanted, seen, started = set(until), 1, time.monotonic()
    while True:
        order: JSON = api.get(f"/v1/orders/{order_id}")
        for step in order["history"][seen:]:
            say(f"  +{time.monotonic() - started:5.2f}s  {step['to_state']}")
        seen = len(order["history"])
        if order["state"] in wanted:
            return order
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"order {order_id} is still {order['state']}")
        time.sleep(0.1)
