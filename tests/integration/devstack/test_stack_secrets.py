"""The stack runs on secrets of its own, made when it started: nothing committed to the
repository signs a session, a webhook or a quote that runs."""

from __future__ import annotations

import json
import stat
import uuid

import httpx
import pytest

from onramp.auth.tokens import issue_access_token
from onramp.core.clock import utcnow
from onramp.core.settings import Settings, load_settings, secrets_file
from onramp.devstack.stack import Stack
from onramp.devstack.stack_secrets import STACK_SECRETS


def _value(settings: Settings, path: str) -> str:
    section, field = path.split(".")
    value: str = getattr(getattr(settings, section), field).get_secret_value()
    return value


@pytest.mark.parametrize("path", STACK_SECRETS)
def test_no_shipped_secret_is_in_use(infra: Stack, path: str) -> None:
    shipped, running = _value(Settings(), path), _value(infra.settings, path)
    assert running != shipped
    assert len(running) >= 32


def test_the_secrets_are_the_owners_alone_and_commands_beside_the_stack_read_them(
    infra: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = secrets_file(infra.state_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) >= set(STACK_SECRETS)
    monkeypatch.setenv("ONRAMP_STATE_DIR", str(infra.state_dir))
    beside = load_settings()
    assert {p: _value(beside, p) for p in STACK_SECRETS} == {
        p: _value(infra.settings, p) for p in STACK_SECRETS
    }


def test_the_api_refuses_a_token_signed_with_the_shipped_secret(stack: Stack) -> None:
    token = issue_access_token(
        user_id=uuid.uuid4(),
        role="admin",
        session_id=uuid.uuid4(),
        secret=Settings().auth.jwt_secret.get_secret_value(),
        issuer=stack.settings.auth.issuer,
        ttl_seconds=600,
        now=utcnow(),
    )
    r = httpx.get(f"{stack.api_url}/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
