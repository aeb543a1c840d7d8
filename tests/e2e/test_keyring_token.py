"""The key-encryption keys on a token of their own (``ONRAMP_KEYRING_HSM__*``): an API whose
signing token is out of reach (as for every pod outside the chain zone) starts, and seals and
opens personal data through the keyring token; without that setting the same API cannot start,
since the keyring would be looked for on the signing token."""

from __future__ import annotations

import sys
import time

import httpx
import pytest

from onramp.devstack.process import ManagedProcess, free_port
from onramp.devstack.stack import Stack
from tests.e2e.conftest import register

pytestmark = pytest.mark.integration

NAME = "api-keyring-token"
# A PIN set (an empty one would be filled in from the dev stack's stack.json), for no token.
UNREACHABLE_SIGNING_TOKEN = {
    "ONRAMP_HSM__TOKEN_LABEL": "no-such-token",
    "ONRAMP_HSM__USER_PIN": "not-the-pin",
}


def _keyring_token(stack: Stack) -> dict[str, str]:
    return {
        "ONRAMP_KEYRING_HSM__TOKEN_LABEL": stack.hsm.token_label,
        "ONRAMP_KEYRING_HSM__USER_PIN": stack.hsm.user_pin,
        "ONRAMP_KEYRING_HSM__SOFTHSM2_CONF": str(stack.hsm.conf),
    }


def _api(stack: Stack, env: dict[str, str]) -> tuple[ManagedProcess, str]:
    port = free_port()
    argv = [sys.executable, "-m", "onramp", "api", "--port", str(port)]
    return stack.spawn_app(NAME, argv, env, supervised=False), f"http://127.0.0.1:{port}"


def _ready(process: ManagedProcess, url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.alive():
        try:
            if httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


async def test_an_api_without_the_signing_token_opens_personal_data_on_the_keyring_token(
    stack: Stack,
) -> None:
    process, url = _api(stack, UNREACHABLE_SIGNING_TOKEN | _keyring_token(stack))
    try:
        assert _ready(process, url), f"the API did not start: see {process.log_path}"
        async with httpx.AsyncClient(base_url=url, timeout=10.0) as client:
            customer = await register(client, stack)
            me = await client.get("/v1/me")
        assert me.status_code == 200, me.text
        assert me.json()["full_name"] == "Test Customer"  # sealed, then opened with the keyring
        assert customer.email == me.json()["email"]
    finally:
        stack.apps.pop(NAME).stop()


def test_without_the_keyring_token_such_an_api_refuses_to_start(stack: Stack) -> None:
    process, url = _api(stack, UNREACHABLE_SIGNING_TOKEN)
    try:
        assert not _ready(process, url, timeout=30.0)
        process.popen.wait(timeout=30)
        assert process.log_path is not None
        assert "no-such-token" in process.log_path.read_text(errors="replace")  # looked for there
    finally:
        stack.apps.pop(NAME).stop()
