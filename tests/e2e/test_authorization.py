"""The authorization matrix: every route x every role, as a login session, as an API key and as
a client-credentials token of that key (and anonymous) gets the expected answer; another
customer's resources are not found; and no route is reachable without declaring who may call it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.api.app import PUBLIC_ROUTES, ROUTERS
from onramp.auth.access import declared_permission, needs_person
from onramp.auth.permissions import ROLE_PERMISSIONS, Permission, Role, delegable
from onramp.banking.accounts import customer_accounts
from onramp.banking.accounts.account_numbers import parse_iban
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.api_keys import service as api_keys
from onramp.identity.api_keys.format import prefix_of
from onramp.runtime.app import create_app
from onramp.wallets import address_book
from tests.e2e.conftest import PASSWORD, as_if_logged_in_with_mfa, grant_kyc_tier

Route = tuple[str, str]


def _declaring(route: APIRoute) -> Any:
    """The route's ``require`` check, if it has one."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if declared_permission(dependant.call) is not None:
            return dependant.call
        pending.extend(dependant.dependencies)
    return None


def _permission(route: APIRoute) -> Permission | None:
    return declared_permission(_declaring(route))


def _person_only() -> set[Route]:
    return {
        (method, route.path_format)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and needs_person(_declaring(route))
        for method in route.methods
    }


def _routes() -> dict[Route, Permission | None]:
    return {
        (method, route.path_format): _permission(route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


@pytest.fixture
async def app_client(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(infra.settings)
    app.state.engine, app.state.sessions = engine, sessions  # what the lifespan would set
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        yield app, client


def test_every_route_is_public_or_declares_a_permission(infra: Stack) -> None:
    routes = _routes()
    # Nothing is served that is not in ROUTERS (and so in this audit).
    spec = create_app(infra.settings).openapi()
    served = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops}
    assert served == set(routes)
    undeclared = [r for r, p in routes.items() if p is None and r not in PUBLIC_ROUTES]
    assert undeclared == [], f"routes with no permission and not public: {undeclared}"
    both = [r for r, p in routes.items() if p is not None and r in PUBLIC_ROUTES]
    assert both == []
    assert PUBLIC_ROUTES <= routes.keys(), "a public route that no longer exists"


async def _user_for(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role
) -> tuple[str, str]:
    """A new user with ``role``: its email and id."""
    email = f"{role.value}.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "R"}
    )
    assert r.status_code == 201, r.text
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = :role, email_verified_at = now() WHERE id = :id"),
            {"role": role.value, "id": uuid.UUID(r.json()["id"])},
        )
    user_id: str = r.json()["id"]
    return email, user_id


async def _token_for(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role
) -> str:
    email, user_id = await _user_for(client, sessions, role)
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    if role != Role.CUSTOMER:
        await as_if_logged_in_with_mfa(sessions, user_id)  # staff need a second factor
    token: str = login.json()["access_token"]
    return token


async def _key_for(
    app: FastAPI, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role
) -> str:
    """An API key with every scope the role may delegate (made by the service directly: the
    route would need an enrolled second factor, which test_api_keys covers)."""
    _, user_id = await _user_for(client, sessions, role)
    async with unit_of_work(sessions) as session:
        _, key = await api_keys.create_key(
            session,
            owner_id=uuid.UUID(user_id),
            role=role.value,
            name="matrix",
            scopes=delegable(role),
            expires_at=None,
            policy=api_keys.KeyPolicy.from_settings(app.state.settings.api_keys),
            now=utcnow(),
        )
    return key


async def _client_token_for(
    app: FastAPI, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role
) -> str:
    key = await _key_for(app, client, sessions, role)
    r = await client.post(
        "/v1/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": prefix_of(key, app.state.settings.api_keys.environment),
            "client_secret": key,
        },
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _request(method: str, path: str) -> dict[str, Any]:
    """A well-formed request for the route, so only authorization decides the outcome."""
    url = path.replace("{order_id}", str(uuid.uuid4())).replace("{session_id}", str(uuid.uuid4()))
    url = url.replace("{bank}", "sandbox").replace("{user_id}", str(uuid.uuid4()))
    url = url.replace("{request_id}", str(uuid.uuid4())).replace("{verdict}", "approve")
    url = url.replace("{key_id}", str(uuid.uuid4())).replace("{wallet_id}", str(uuid.uuid4()))
    url = url.replace("{bank_account_id}", str(uuid.uuid4()))
    url = url.replace("{deposit_id}", str(uuid.uuid4()))
    url = url.replace("{customer_id}", str(uuid.uuid4()))
    request: dict[str, Any] = {"method": method, "url": url}
    if path == "/v1/quotes":
        request["json"] = {"source_currency": "EUR", "source_amount": "100.00"}
    elif path == "/v1/orders" and method == "POST":
        request["json"] = {
            "quote_id": str(uuid.uuid4()),
            "source_currency": "EUR",
            "source_amount": "100.00",
        }
        request["headers"] = {"Idempotency-Key": uuid.uuid4().hex}
    elif path == "/v1/me/api-keys" and method == "POST":
        request["json"] = {"name": "matrix", "scopes": ["profile:manage_own"]}
    elif path.endswith("/rotate"):
        request["json"] = {}
    elif path.endswith("/ownership-proof"):
        request["json"] = {"challenge_id": str(uuid.uuid4()), "signature": "0x" + "00" * 65}
    elif path.endswith("/micro-deposits/confirm"):
        request["json"] = {"amounts": ["0.12", "0.34"]}
    return request


# Routes that passed authorization and then asked for a fresh second factor (key management).
STEP_UP_CODES = frozenset({"step_up_required", "mfa_enrollment_required"})
KINDS = ("session", "api_key", "client_token")


def _expected(
    kind: str | None, role: Role | None, permission: Permission, person_only: bool
) -> str:
    if kind is None or role is None:
        return "401"
    if permission not in ROLE_PERMISSIONS[role]:
        return "403 permission_denied"
    if kind != "session" and permission not in delegable(role):
        return "403 insufficient_scope"
    if kind != "session" and person_only:
        return "403 login_session_required"
    return "allowed"


def _outcome(response: httpx.Response) -> str:
    if response.status_code == 401:
        return "401"
    if response.status_code == 403 and response.json()["code"] not in STEP_UP_CODES:
        return f"403 {response.json()['code']}"
    return "allowed"


async def test_the_matrix(
    app_client: tuple[FastAPI, httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    app, client = app_client
    protected = {r: p for r, p in _routes().items() if p is not None}
    # Logout ends the session its token belongs to: try it last.
    order = sorted(protected, key=lambda r: r == ("POST", "/v1/auth/logout"))
    erasure = ("POST", "/v1/me/erasure")
    person_only = _person_only()
    assert erasure in person_only

    async def credential(kind: str, role: Role) -> str:
        if kind == "session":
            return await _token_for(client, sessions, role)
        if kind == "api_key":
            return await _key_for(app, client, sessions, role)
        return await _client_token_for(app, client, sessions, role)

    outcomes: list[str] = []
    principals: list[tuple[str | None, Role | None]] = [(None, None)]
    principals += [(kind, role) for role in Role for kind in KINDS]
    for kind, role in principals:
        token = await credential(kind, role) if kind and role else None
        for method, path in order:
            request = _request(method, path)
            use = token
            if kind and role and (method, path) == erasure:
                use = await credential(kind, role)  # erasure ends its user
            if use:
                request.setdefault("headers", {})["Authorization"] = f"Bearer {use}"
            response = await client.request(**request)
            expected = _expected(kind, role, protected[method, path], (method, path) in person_only)
            got = _outcome(response)
            if got != expected:
                outcomes.append(
                    f"{kind} {role} {method} {path}: expected {expected}, got {response.text}"
                )
    assert outcomes == []


async def test_another_customers_resources_are_not_found(
    app_client: tuple[FastAPI, httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Every route with a resource id in its path, called by another customer on a real
    resource of the first: 404, as if it did not exist."""
    app, client = app_client
    owner_email, owner_id = await _user_for(client, sessions, Role.CUSTOMER)
    await grant_kyc_tier(app.state.settings.database.url, owner_id, 1)
    login = await client.post("/v1/auth/login", json={"email": owner_email, "password": PASSWORD})
    owner = {"Authorization": f"Bearer {login.json()['access_token']}"}
    quote = await client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"}, headers=owner
    )
    order = await client.post(
        "/v1/orders",
        json={"quote_id": quote.json()["id"], "source_currency": "EUR", "source_amount": "100.00"},
        headers={**owner, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert order.status_code == 201, order.text
    async with unit_of_work(sessions) as session:
        key, _ = await api_keys.create_key(
            session,
            owner_id=uuid.UUID(owner_id),
            role="customer",
            name="owned",
            scopes=["orders:read_own"],
            expires_at=None,
            policy=api_keys.KeyPolicy.from_settings(app.state.settings.api_keys),
            now=utcnow(),
        )
        # Added through the services: the routes' step-up is tested in test_payment_details.
        bank_account = await customer_accounts.add_bank_account(
            session,
            customer_id=uuid.UUID(owner_id),
            holder_name="Owner",
            account=parse_iban("DE89 3704 0044 0532 0130 00"),
            currency="EUR",
            now=utcnow(),
        )
        wallet = await address_book.add_wallet(
            session,
            customer_id=uuid.UUID(owner_id),
            label="cold",
            address="0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            now=utcnow(),
        )
    session_id = login.json()["session_id"]
    ids = {
        "{order_id}": order.json()["id"],
        "{session_id}": session_id,
        "{key_id}": str(key.id),
        "{bank_account_id}": str(bank_account.id),
        "{wallet_id}": str(wallet.id),
    }
    owned = [
        (m, p)
        for (m, p) in _routes()
        if any(i in p for i in ids) and not p.startswith(("/v1/admin", "/v1/compliance"))
    ]
    assert len(owned) >= 9
    other = {"Authorization": f"Bearer {await _token_for(client, sessions, Role.CUSTOMER)}"}
    for method, path in owned:
        url = path
        for placeholder, value in ids.items():
            url = url.replace(placeholder, value)
        request = _request(method, path)
        request["url"] = url
        request.setdefault("headers", {}).update(other)
        response = await client.request(**request)
        if path.endswith("/rotate"):
            # Step-up is asked first; with it, another's key is 404 too (test_api_keys).
            assert response.json()["code"] == "mfa_enrollment_required"
            continue
        assert response.status_code == 404, (method, path, response.text)


async def test_an_unknown_role_may_do_nothing(
    app_client: tuple[FastAPI, httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    _, client = app_client
    email = f"odd.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "O"}
    )
    assert r.status_code == 201
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = 'superuser' WHERE id = :id"),
            {"id": uuid.UUID(r.json()["id"])},
        )
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    denied = await client.get("/v1/orders", headers=headers)
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
