"""A person on an in-process app whose clock the test moves, with TOTP at hand: the MFA tests
and every test of a step-up-guarded route use it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pyotp

from onramp.core.clock import FixedClock

PASSWORD = "a perfectly long passphrase"


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


async def enrol(p: Person) -> list[str]:
    enrolment = (await p.client.post("/v1/me/mfa/totp")).json()
    p.secret = enrolment["secret"]
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/onramp:")
    assert enrolment["qr_svg"].startswith("data:image/svg+xml")
    wrong = await p.client.post("/v1/me/mfa/totp/confirm", json={"code": "000000"})
    assert wrong.status_code == 401
    confirmed = await p.client.post("/v1/me/mfa/totp/confirm", json={"code": p.code()})
    assert confirmed.status_code == 200, confirmed.text
    codes: list[str] = confirmed.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    return codes
