"""OAuth 2.0 client credentials (RFC 6749 section 4.4): an API key for a short-lived token,
with the RFC's errors inside our problem+json."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.clock import FixedClock
from onramp.core.settings import RateLimitSettings
from onramp.devstack.stack import Stack
from tests.e2e.corporate import TRADING, Corporate, bearer, clock, corporate, new_corporate

__all__ = ["clock", "corporate"]  # fixtures

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


async def token(
    c: Corporate, key: dict[str, Any], form: dict[str, str] | None = None, **headers: str
) -> httpx.Response:
    return await c.client.post(
        "/v1/oauth/token",
        data={"grant_type": "client_credentials", **(form or {})},
        headers={**basic(key["prefix"], key["key"]), **headers},
    )


def assert_oauth_error(r: httpx.Response, status: int, error: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error
    assert body["code"] == error
    assert body["error_description"] == body["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_a_key_gets_a_bound_token_with_its_scopes(corporate: Corporate) -> None:
    key = await corporate.create_key()
    r = await token(corporate, key)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["scope"] == " ".join(sorted(TRADING))
    assert r.headers["cache-control"] == "no-store"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["akid"] == key["id"]
    assert "sid" not in claims
    assert key["key"] not in body["access_token"]
    orders = await corporate.client.get("/v1/orders", headers=bearer(body["access_token"]))
    assert orders.status_code == 200
    [issued] = await corporate.audit("auth.client_credentials_issued")
    assert issued["data"]["prefix"] == key["prefix"]
    assert key["key"] not in str(issued)


async def test_credentials_in_the_form_and_a_narrower_scope(corporate: Corporate) -> None:
    key = await corporate.create_key()
    r = await corporate.client.post(
        "/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": key["prefix"],
            "client_secret": key["key"],
            "scope": "orders:read_own",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "orders:read_own"
    access = bearer(r.json()["access_token"])
    assert (await corporate.client.get("/v1/orders", headers=access)).status_code == 200
    quote_ = await corporate.client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"}, headers=access
    )
    assert quote_.json()["code"] == "insufficient_scope"


async def test_a_scope_beyond_the_key_is_invalid_scope(corporate: Corporate) -> None:
    key = await corporate.create_key(["orders:read_own"])
    for scope in ("orders:create", "orders:read_own api_keys:manage_own", "root"):
        assert_oauth_error(await token(corporate, key, {"scope": scope}), 400, "invalid_scope")


async def test_other_grant_types_are_unsupported(corporate: Corporate) -> None:
    key = await corporate.create_key()
    r = await token(corporate, key, {"grant_type": "password"})
    assert_oauth_error(r, 400, "unsupported_grant_type")


async def test_malformed_requests_are_invalid_request(corporate: Corporate) -> None:
    key = await corporate.create_key()
    no_grant = await corporate.client.post(
        "/v1/oauth/token", data={"scope": "x"}, headers=basic(key["prefix"], key["key"])
    )
    assert_oauth_error(no_grant, 400, "invalid_request")
    as_json = await corporate.client.post(
        "/v1/oauth/token",
        json={"grant_type": "client_credentials"},
        headers=basic(key["prefix"], key["key"]),
    )
    assert_oauth_error(as_json, 400, "invalid_request")
    both = await token(corporate, key, {"client_id": key["prefix"], "client_secret": key["key"]})
    assert_oauth_error(both, 400, "invalid_request")
    repeated = await corporate.client.post(
        "/v1/oauth/token",
        content="grant_type=client_credentials&grant_type=client_credentials",
        headers={**FORM, **basic(key["prefix"], key["key"])},
    )
    assert_oauth_error(repeated, 400, "invalid_request")
    with_nul = await corporate.client.post(
        "/v1/oauth/token",
        content=f"grant_type=client_credentials&client_id={key['prefix']}"
        f"&client_secret={key['key']}%00",
        headers=FORM,
    )
    assert_oauth_error(with_nul, 400, "invalid_request")


async def test_failed_client_authentication_is_invalid_client(corporate: Corporate) -> None:
    key = await corporate.create_key()
    other = await corporate.create_key()
    wrong_secret = {**key, "key": key["key"][:-3] + "zzz"}
    mismatch = {**key, "prefix": other["prefix"]}
    for attempt in (wrong_secret, mismatch, {**key, "prefix": "nobody"}):
        r = await token(corporate, attempt)
        assert_oauth_error(r, 401, "invalid_client")
        assert r.headers["www-authenticate"].startswith("Basic")
    missing = await corporate.client.post(
        "/v1/oauth/token", data={"grant_type": "client_credentials"}
    )
    assert_oauth_error(missing, 401, "invalid_client")
    garbled = await corporate.client.post(
        "/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic !!!"},
    )
    assert_oauth_error(garbled, 401, "invalid_client")
    assert [f["data"]["reason"] for f in await corporate.audit("auth.api_key_failed")] == [
        "wrong_secret"
    ]


async def test_a_revoked_or_expired_key_gets_no_token(corporate: Corporate) -> None:
    revoked = await corporate.create_key()
    await corporate.client.delete(f"/v1/me/api-keys/{revoked['id']}", headers=corporate.session)
    assert_oauth_error(await token(corporate, revoked), 401, "invalid_client")
    soon = (corporate.clock.now() + timedelta(minutes=5)).isoformat()
    expiring = await corporate.create_key(expires_at=soon)
    r = await token(corporate, expiring)
    assert r.json()["expires_in"] == 300  # never past the key's own expiry
    corporate.tick(301)
    assert_oauth_error(await token(corporate, expiring), 401, "invalid_client")


async def test_revoking_the_key_ends_its_tokens_at_once(corporate: Corporate) -> None:
    key = await corporate.create_key()
    access = bearer((await token(corporate, key)).json()["access_token"])
    assert (await corporate.client.get("/v1/orders", headers=access)).status_code == 200
    await corporate.client.delete(f"/v1/me/api-keys/{key['id']}", headers=corporate.session)
    r = await corporate.client.get("/v1/orders", headers=access)
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_token"


async def test_rotation_ends_the_old_keys_tokens_after_the_grace(corporate: Corporate) -> None:
    key = await corporate.create_key()
    access = bearer((await token(corporate, key)).json()["access_token"])
    await corporate.client.post(
        f"/v1/me/api-keys/{key['id']}/rotate",
        json={"grace_period_seconds": 60},
        headers=corporate.session,
    )
    assert (await corporate.client.get("/v1/orders", headers=access)).status_code == 200
    corporate.tick(61)
    assert (await corporate.client.get("/v1/orders", headers=access)).status_code == 401


async def test_an_owner_whose_role_lost_the_keys_scopes_gets_invalid_grant(
    corporate: Corporate,
) -> None:
    key = await corporate.create_key(["orders:read_own"])
    access = bearer((await token(corporate, key)).json()["access_token"])
    await corporate.set_role("support")
    assert_oauth_error(await token(corporate, key), 400, "invalid_grant")
    # A token issued before the change obeys the new role at once.
    r = await corporate.client.get("/v1/orders", headers=access)
    assert r.json()["code"] == "permission_denied"


@pytest.fixture
async def limited(
    infra: Stack,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> AsyncIterator[Corporate]:
    limits = RateLimitSettings(enabled=True, login_per_ip=1000, login_per_account=3)
    settings = infra.settings.model_copy(update={"rate_limits": limits})
    async for c in new_corporate(settings, engine, sessions, clock):
        await c.enrol_mfa()
        yield c


async def test_the_token_endpoint_is_rate_limited_per_client(limited: Corporate) -> None:
    key = await limited.create_key()
    answers = [(await token(limited, key)).status_code for _ in range(4)]
    assert answers[-1] == 429
    assert 200 in answers
