"""Browser sessions: tokens in __Host- cookies, and every state-changing request authenticated by
them must carry the session's CSRF token. Bearer clients are unaffected."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.auth.cookies import ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import PASSWORD

ORIGIN = "https://onramp.test"
PREFERENCES = {
    "display_currency": "EUR",
    "default_fiat_currency": "EUR",
    "notification_channels": ["email"],
    "language": "de",
}


@pytest.fixture
async def browser(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps cookies, like a browser on the API's own https origin."""
    app = create_app(infra.settings)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(f"10.88.{uuid.uuid4().int % 250}.7", 1))
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
        yield client


async def _log_in(browser: httpx.AsyncClient) -> dict[str, str]:
    email = f"web.{uuid.uuid4().hex}@example.com"
    r = await browser.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "W"}
    )
    assert r.status_code == 201
    login = await browser.post(
        "/v1/auth/login", json={"email": email, "password": PASSWORD, "cookie_session": True}
    )
    assert login.status_code == 200, login.text
    body: dict[str, str] = login.json()
    return body


async def test_a_cookie_login_keeps_the_tokens_out_of_the_page(
    browser: httpx.AsyncClient,
) -> None:
    email = f"web.{uuid.uuid4().hex}@example.com"
    await browser.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "W"}
    )
    login = await browser.post(
        "/v1/auth/login", json={"email": email, "password": PASSWORD, "cookie_session": True}
    )
    body = login.json()
    assert "access_token" not in body
    assert "refresh_token" not in body
    set_cookies = login.headers.get_list("set-cookie")
    by_name = {c.split("=", 1)[0]: c.lower() for c in set_cookies}
    assert set(by_name) == {ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE}
    for name, cookie in by_name.items():
        assert "secure" in cookie
        assert "samesite=strict" in cookie
        assert "path=/" in cookie
        assert "domain" not in cookie
        assert ("httponly" in cookie) == (name != CSRF_COOKIE)
    assert browser.cookies[CSRF_COOKIE] == body["csrf_token"]
    # Reading needs no CSRF token.
    assert (await browser.get("/v1/me")).json()["email"] == email


async def test_state_changes_by_cookie_need_the_sessions_csrf_token(
    browser: httpx.AsyncClient,
) -> None:
    session = await _log_in(browser)
    forged = await browser.put("/v1/me/preferences", json=PREFERENCES)
    assert forged.status_code == 403
    assert forged.json()["code"] == "csrf_token_invalid"
    wrong = await browser.put(
        "/v1/me/preferences", json=PREFERENCES, headers={CSRF_HEADER: "x" * 43}
    )
    assert wrong.json()["code"] == "csrf_token_invalid"
    other_origin = await browser.put(
        "/v1/me/preferences",
        json=PREFERENCES,
        headers={CSRF_HEADER: session["csrf_token"], "Origin": "https://evil.example"},
    )
    assert other_origin.json()["code"] == "csrf_token_invalid"
    ok = await browser.put(
        "/v1/me/preferences",
        json=PREFERENCES,
        headers={CSRF_HEADER: session["csrf_token"], "Origin": ORIGIN},
    )
    assert ok.status_code == 200, ok.text
    assert (await browser.get("/v1/me/preferences")).json()["language"] == "de"


async def test_another_sessions_csrf_token_does_not_fit(browser: httpx.AsyncClient) -> None:
    first = await _log_in(browser)
    await _log_in(browser)  # the browser now holds the second session's cookies
    r = await browser.put(
        "/v1/me/preferences", json=PREFERENCES, headers={CSRF_HEADER: first["csrf_token"]}
    )
    assert r.json()["code"] == "csrf_token_invalid"


async def test_refreshing_by_cookie_needs_the_token_and_keeps_the_cookie_if_refused(
    browser: httpx.AsyncClient,
) -> None:
    session = await _log_in(browser)
    refresh_cookie = browser.cookies[REFRESH_COOKIE]
    refused = await browser.post("/v1/auth/refresh")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_token_invalid"
    assert browser.cookies[REFRESH_COOKIE] == refresh_cookie
    renewed = await browser.post("/v1/auth/refresh", headers={CSRF_HEADER: session["csrf_token"]})
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["session_id"] == session["session_id"]
    assert browser.cookies[REFRESH_COOKIE] != refresh_cookie
    assert (await browser.get("/v1/me")).status_code == 200


async def test_logout_ends_the_session_and_clears_the_cookies(
    browser: httpx.AsyncClient,
) -> None:
    session = await _log_in(browser)
    access = browser.cookies[ACCESS_COOKIE]
    out = await browser.post("/v1/auth/logout", headers={CSRF_HEADER: session["csrf_token"]})
    assert out.status_code == 204
    assert ACCESS_COOKIE not in browser.cookies
    # The old cookie, replayed, no longer works either: the session is revoked.
    browser.cookies.set(ACCESS_COOKIE, access, domain="onramp.test")
    replayed = await browser.get("/v1/me")
    assert replayed.status_code == 401


async def test_bearer_clients_need_no_csrf_token(browser: httpx.AsyncClient) -> None:
    email = f"api.{uuid.uuid4().hex}@example.com"
    await browser.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "A"}
    )
    tokens = (
        await browser.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    ).json()
    assert "access_token" in tokens
    assert ACCESS_COOKIE not in browser.cookies
    r = await browser.put(
        "/v1/me/preferences",
        json=PREFERENCES,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert r.status_code == 200
