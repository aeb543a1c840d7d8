"""API keys: created and rotated after step-up, listed without secrets, scoped, revocable,
expiring, and usable as ``Authorization: Bearer <key>``."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import text

from onramp.core.db import unit_of_work
from tests.e2e.corporate import TRADING, Corporate, bearer, clock, corporate, other

__all__ = ["clock", "corporate", "other"]  # fixtures


async def test_a_key_is_shown_once_listed_by_prefix_and_audited(corporate: Corporate) -> None:
    created = await corporate.create_key(name="treasury bot")
    assert created["key"].startswith(created["prefix"] + "_")
    assert created["prefix"].startswith("onr_live_")
    assert created["scopes"] == sorted(TRADING)
    assert created["status"] == "active"
    assert created["expires_at"] is not None  # the server's maximum when none is asked for

    listed = (await corporate.client.get("/v1/me/api-keys", headers=corporate.session)).json()
    assert [k["prefix"] for k in listed["data"]] == [created["prefix"]]
    assert "key" not in listed["data"][0]
    one = await corporate.client.get(f"/v1/me/api-keys/{created['id']}", headers=corporate.session)
    assert one.status_code == 200
    assert "key" not in one.json()

    [audit] = await corporate.audit("api_key.created")
    assert audit["data"]["prefix"] == created["prefix"]
    assert created["key"] not in str(audit)


async def test_creating_a_key_needs_a_fresh_second_factor(corporate: Corporate) -> None:
    corporate.tick(301)
    stale = await corporate.client.post(
        "/v1/me/api-keys", json={"name": "b", "scopes": TRADING}, headers=corporate.session
    )
    assert stale.status_code == 403
    assert stale.json()["code"] == "step_up_required"
    await corporate.step_up()
    await corporate.create_key()


async def test_without_mfa_keys_cannot_be_created(corporate: Corporate) -> None:
    fresh = Corporate(corporate.client, corporate.clock, corporate.sessions)
    await fresh.register()
    r = await fresh.client.post(
        "/v1/me/api-keys", json={"name": "b", "scopes": TRADING}, headers=fresh.session
    )
    assert r.status_code == 403
    assert r.json()["code"] == "mfa_enrollment_required"


async def test_a_key_may_not_carry_more_than_the_owner_may_delegate(corporate: Corporate) -> None:
    for scopes in (["api_keys:manage_own"], ["sessions:manage_own"], ["users:manage"]):
        r = await corporate.client.post(
            "/v1/me/api-keys", json={"name": "b", "scopes": scopes}, headers=corporate.session
        )
        assert r.status_code == 403, scopes
        assert r.json()["code"] == "api_key_scope_not_allowed"
    unknown = await corporate.client.post(
        "/v1/me/api-keys", json={"name": "b", "scopes": ["root"]}, headers=corporate.session
    )
    assert unknown.status_code == 422
    await corporate.set_role("support")
    await corporate.log_in()
    staff = await corporate.client.post(
        "/v1/me/api-keys",
        json={"name": "b", "scopes": ["orders:create"]},
        headers=corporate.session,
    )
    assert staff.json()["code"] == "api_key_scope_not_allowed"
    assert "profile:manage_own" in staff.json()["detail"]
    await corporate.create_key(["profile:manage_own"])  # staff own keys within their role


async def test_the_expiry_is_bounded(corporate: Corporate) -> None:
    now = corporate.clock.now()
    for at in (now - timedelta(minutes=1), now + timedelta(days=366)):
        r = await corporate.client.post(
            "/v1/me/api-keys",
            json={"name": "b", "scopes": TRADING, "expires_at": at.isoformat()},
            headers=corporate.session,
        )
        assert r.status_code == 422
        assert r.json()["code"] == "api_key_expiry_invalid"
    await corporate.create_key(expires_at=(now + timedelta(days=30)).isoformat())


async def test_a_key_authenticates_within_its_scopes(corporate: Corporate) -> None:
    key = (await corporate.create_key(["orders:read_own"]))["key"]
    assert (await corporate.client.get("/v1/orders", headers=bearer(key))).status_code == 200
    quote = await corporate.client.post(
        "/v1/quotes",
        json={"source_currency": "EUR", "source_amount": "100.00"},
        headers=bearer(key),
    )
    assert quote.status_code == 403
    assert quote.json()["code"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in quote.headers["www-authenticate"]
    # A key never manages keys or sessions, whatever its owner may do.
    for method, path in (("GET", "/v1/me/api-keys"), ("GET", "/v1/me/sessions")):
        r = await corporate.client.request(method, path, headers=bearer(key))
        assert r.json()["code"] == "insufficient_scope"


async def test_a_wrong_secret_is_refused_and_audited(corporate: Corporate) -> None:
    key = (await corporate.create_key())["key"]
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    r = await corporate.client.get("/v1/orders", headers=bearer(wrong))
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_api_key"
    [failed] = await corporate.audit("auth.api_key_failed")
    assert failed["data"]["reason"] == "wrong_secret"
    assert wrong not in str(failed)
    assert key not in str(failed)
    unknown = "onr_live_000000000000_" + "x" * 43
    assert (await corporate.client.get("/v1/orders", headers=bearer(unknown))).status_code == 401
    test_key = key.replace("onr_live_", "onr_test_")
    assert (await corporate.client.get("/v1/orders", headers=bearer(test_key))).status_code == 401


async def test_an_expired_key_is_refused(corporate: Corporate) -> None:
    at = corporate.clock.now() + timedelta(hours=1)
    key = (await corporate.create_key(expires_at=at.isoformat()))["key"]
    assert (await corporate.client.get("/v1/orders", headers=bearer(key))).status_code == 200
    corporate.tick(3601)
    r = await corporate.client.get("/v1/orders", headers=bearer(key))
    assert r.status_code == 401
    assert (await corporate.audit("auth.api_key_failed"))[-1]["data"]["reason"] == "expired"
    await corporate.log_in()  # the session's access token expired meanwhile
    listed = (await corporate.client.get("/v1/me/api-keys", headers=corporate.session)).json()
    assert listed["data"][0]["status"] == "expired"


async def test_a_revoked_key_stops_at_once(corporate: Corporate) -> None:
    created = await corporate.create_key()
    corporate.tick(400)  # revoking needs no fresh second factor
    r = await corporate.client.delete(f"/v1/me/api-keys/{created['id']}", headers=corporate.session)
    assert r.status_code == 204
    again = await corporate.client.delete(
        f"/v1/me/api-keys/{created['id']}", headers=corporate.session
    )
    assert again.status_code == 204
    refused = await corporate.client.get("/v1/orders", headers=bearer(created["key"]))
    assert refused.status_code == 401
    assert len(await corporate.audit("api_key.revoked")) == 1
    got = await corporate.client.get(f"/v1/me/api-keys/{created['id']}", headers=corporate.session)
    assert got.json()["status"] == "revoked"


async def test_another_users_key_is_not_found(corporate: Corporate, other: Corporate) -> None:
    theirs = await other.create_key()
    for method, path in (
        ("GET", f"/v1/me/api-keys/{theirs['id']}"),
        ("DELETE", f"/v1/me/api-keys/{theirs['id']}"),
        ("POST", f"/v1/me/api-keys/{theirs['id']}/rotate"),
        ("GET", f"/v1/me/api-keys/{uuid.uuid4()}"),
    ):
        kwargs = {"json": {}} if method == "POST" else {}
        r = await corporate.client.request(method, path, headers=corporate.session, **kwargs)
        assert r.status_code == 404, (method, path)
        assert r.json()["code"] == "api_key_not_found"
    assert (await other.client.get("/v1/orders", headers=bearer(theirs["key"]))).status_code == 200


async def test_rotation_replaces_the_secret_at_once(corporate: Corporate) -> None:
    old = await corporate.create_key()
    r = await corporate.client.post(
        f"/v1/me/api-keys/{old['id']}/rotate", json={}, headers=corporate.session
    )
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["rotated_from"] == old["id"]
    assert new["scopes"] == old["scopes"]
    assert new["name"] == old["name"]
    assert new["prefix"] != old["prefix"]
    assert (await corporate.client.get("/v1/orders", headers=bearer(old["key"]))).status_code == 401
    assert (await corporate.client.get("/v1/orders", headers=bearer(new["key"]))).status_code == 200
    [rotated] = await corporate.audit("api_key.rotated")
    assert rotated["data"]["rotated_from"] == old["id"]
    assert new["key"] not in str(rotated)
    twice = await corporate.client.post(
        f"/v1/me/api-keys/{old['id']}/rotate", json={}, headers=corporate.session
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "api_key_inactive"


async def test_rotation_with_a_grace_period_and_step_up(corporate: Corporate) -> None:
    old = await corporate.create_key()
    path = f"/v1/me/api-keys/{old['id']}/rotate"
    too_long = await corporate.client.post(
        path, json={"grace_period_seconds": 86401}, headers=corporate.session
    )
    assert too_long.json()["code"] == "api_key_grace_too_long"
    corporate.tick(301)
    stale = await corporate.client.post(path, json={}, headers=corporate.session)
    assert stale.json()["code"] == "step_up_required"
    await corporate.step_up()
    r = await corporate.client.post(
        path, json={"grace_period_seconds": 120}, headers=corporate.session
    )
    new = r.json()
    listed = (await corporate.client.get("/v1/me/api-keys", headers=corporate.session)).json()
    assert {k["prefix"]: k["status"] for k in listed["data"]} == {
        new["prefix"]: "active",
        old["prefix"]: "rotating",
    }
    assert (await corporate.client.get("/v1/orders", headers=bearer(old["key"]))).status_code == 200
    corporate.tick(121)
    assert (await corporate.client.get("/v1/orders", headers=bearer(old["key"]))).status_code == 401
    assert (await corporate.client.get("/v1/orders", headers=bearer(new["key"]))).status_code == 200


async def test_last_use_is_recorded_at_most_once_a_minute(corporate: Corporate) -> None:
    created = await corporate.create_key()

    async def last_used() -> str | None:
        got = await corporate.client.get(
            f"/v1/me/api-keys/{created['id']}", headers=corporate.session
        )
        value: str | None = got.json()["last_used_at"]
        return value

    assert await last_used() is None
    await corporate.client.get("/v1/orders", headers=bearer(created["key"]))
    first = await last_used()
    assert first is not None
    corporate.tick(30)
    await corporate.client.get("/v1/orders", headers=bearer(created["key"]))
    assert await last_used() == first
    corporate.tick(31)
    await corporate.client.get("/v1/orders", headers=bearer(created["key"]))
    assert await last_used() != first
    got = await corporate.client.get(f"/v1/me/api-keys/{created['id']}", headers=corporate.session)
    assert got.json()["last_used_ip"].startswith("10.88.")


async def test_a_key_is_the_clients_strong_auth_for_large_orders(corporate: Corporate) -> None:
    """Decision (docs/security.md): keys were minted after a fresh second factor, so orders
    above the step-up amount need no step-up from a key; a stale session still does."""
    key = (await corporate.create_key())["key"]
    corporate.tick(301)

    async def large_order(headers: dict[str, str]) -> httpx.Response:
        quote = await corporate.client.post(
            "/v1/quotes",
            json={"source_currency": "EUR", "source_amount": "12000.00"},
            headers=headers,
        )
        assert quote.status_code == 201, quote.text
        q = quote.json()
        return await corporate.client.post(
            "/v1/orders",
            json={
                "quote_id": q["id"],
                "source_currency": "EUR",
                "source_amount": q["source_amount"],
            },
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )

    assert (await large_order(corporate.session)).json()["code"] == "step_up_required"
    assert (await large_order(bearer(key))).status_code == 201


async def test_a_demoted_owners_key_loses_what_the_new_role_lacks(corporate: Corporate) -> None:
    key = (await corporate.create_key([*TRADING, "profile:manage_own"]))["key"]
    await corporate.set_role("support")
    orders = await corporate.client.get("/v1/orders", headers=bearer(key))
    assert orders.json()["code"] == "permission_denied"
    assert (await corporate.client.get("/v1/me", headers=bearer(key))).status_code == 200


async def test_export_lists_keys_without_secrets_and_erasure_ends_them(
    corporate: Corporate,
) -> None:
    created = await corporate.create_key([*TRADING, "profile:manage_own"])
    await corporate.client.get("/v1/orders", headers=bearer(created["key"]))
    exported = (await corporate.client.get("/v1/me/export", headers=corporate.session)).json()
    [key] = exported["api_keys"]
    assert key["prefix"] == created["prefix"]
    assert "secret_hash" not in key
    assert created["key"] not in str(exported)

    by_key = await corporate.client.post("/v1/me/erasure", headers=bearer(created["key"]))
    assert by_key.status_code == 403
    assert by_key.json()["code"] == "login_session_required"
    erased = await corporate.client.post("/v1/me/erasure", headers=corporate.session)
    assert erased.status_code == 202
    assert (
        await corporate.client.get("/v1/orders", headers=bearer(created["key"]))
    ).status_code == 401
    async with unit_of_work(corporate.sessions) as session:
        row = (
            await session.execute(
                text("SELECT revoked_reason, last_used_ip FROM api_keys WHERE id = :id"),
                {"id": created["id"]},
            )
        ).one()
    assert row.revoked_reason == "erased"
    assert row.last_used_ip is None
