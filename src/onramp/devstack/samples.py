"""``onramp samples load``: samples/ into a running dev (or staging) stack, idempotently.

Staff go in through the database, as ``onramp users create-admin`` does (roles are otherwise
four-eyes decisions between admins), each with the sample's authenticator confirmed. Customers
go in through the API as a person signs up: register, verify the email from the stack's mail
sandbox, submit KYC or KYB, which the KYC sandbox decides by the samples' magic names. A
second load finds every address taken and changes nothing.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.keys import install_keyring, open_keyring
from onramp.core.settings import Settings
from onramp.devstack.mail_sandbox import wait_for_link_token
from onramp.identity import create_sample_staff


class SamplesFailed(RuntimeError):
    pass


@dataclass
class Loaded:
    created: int = 0
    present: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.present} already there"


async def load_staff(settings: Settings, samples: Path) -> Loaded:
    data = json.loads((samples / "users" / "staff.json").read_text())
    loaded = Loaded()
    async with standalone_sessions(settings.database.url) as sessions:
        # Names and emails are stored sealed: the HSM's keys are needed.
        install_keyring(await open_keyring(sessions, settings.hsm))
        for person in data["staff"]:
            async with unit_of_work(sessions) as session:
                user = await create_sample_staff(
                    session,
                    email=person["email"],
                    password=data["password"],
                    full_name=person["full_name"],
                    role=person["role"],
                    totp_secret=person["totp_secret"],
                    operator=getpass.getuser(),
                    now=datetime.now(UTC),
                )
            loaded.created += user is not None
            loaded.present += user is None
    return loaded


def _check(response: httpx.Response, *expected: int) -> dict[str, Any]:
    if response.status_code not in expected:
        raise SamplesFailed(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text}"
        )
    body: dict[str, Any] = response.json() if response.content else {}
    return body


def _sign_up(api: httpx.Client, mail_url: str, person: dict[str, Any], password: str) -> bool:
    """Register and verify ``person``; False when the address is already registered."""
    registered = api.post(
        "/v1/auth/register",
        json={"email": person["email"], "password": password, "full_name": person["full_name"]},
    )
    if registered.status_code == 409 and registered.json().get("code") == "email_taken":
        return False
    _check(registered, 201)
    token = wait_for_link_token(mail_url, to=person["email"], link_path="/verify-email")
    _check(api.post("/v1/auth/email-verification", json={"token": token}), 204)
    login = _check(
        api.post("/v1/auth/login", json={"email": person["email"], "password": password}), 200
    )
    api.headers["Authorization"] = f"Bearer {login['access_token']}"
    return True


def load_customers(stack: dict[str, Any], samples: Path) -> Loaded:
    data = json.loads((samples / "users" / "customers.json").read_text())
    loaded = Loaded()
    people = [(p, "/v1/me/kyc", p["kyc"]) for p in data["individuals"]]
    people += [(p, "/v1/me/kyb", p["kyb"]) for p in data["businesses"]]
    for person, route, submission in people:
        with httpx.Client(base_url=stack["api"], timeout=15.0, trust_env=False) as api:
            if not _sign_up(api, stack["mail_sandbox"], person, data["password"]):
                loaded.present += 1
                continue
            if submission is not None:
                _check(api.post(route, json=submission), 202)
            loaded.created += 1
    return loaded
