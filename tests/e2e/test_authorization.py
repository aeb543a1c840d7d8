"""The authorization matrix: every route x every role (and anonymous) gets the expected answer,
and no route is reachable without declaring who may call it."""

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

from onramp.api.app import PUBLIC_ROUTES, ROUTERS, create_app
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.access import declared_permission
from onramp.identity.permissions import ROLE_PERMISSIONS, Permission, Role
from tests.e2e.conftest import PASSWORD, as_if_logged_in_with_mfa

Route = tuple[str, str]


def _permission(route: APIRoute) -> Permission | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        found = declared_permission(dependant.call)
        if found is not None:
            return found
        pending.extend(dependant.dependencies)
    return None


def _routes() -> dict[Route, Permission | None]:
    return {
        (method, route.path): _permission(route)
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


async def _token_for(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role
) -> str:
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
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    await as_if_logged_in_with_mfa(sessions, r.json()["id"])  # staff need a second factor
    token: str = login.json()["access_token"]
    return token


def _request(method: str, path: str) -> dict[str, Any]:
    """A well-formed request for the route, so only authorization decides the outcome."""
    url = path.replace("{order_id}", str(uuid.uuid4())).replace("{session_id}", str(uuid.uuid4()))
    url = url.replace("{bank}", "sandbox").replace("{user_id}", str(uuid.uuid4()))
    url = url.replace("{request_id}", str(uuid.uuid4())).replace("{verdict}", "approve")
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
    return request


async def test_the_matrix(
    app_client: tuple[FastAPI, httpx.AsyncClient], sessions: async_sessionmaker[AsyncSession]
) -> None:
    app, client = app_client
    protected = {r: p for r, p in _routes().items() if p is not None}
    # Logout ends the session its token belongs to: try it last.
    order = sorted(protected, key=lambda r: r == ("POST", "/v1/auth/logout"))
    erasure = ("POST", "/v1/me/erasure")
    outcomes: list[str] = []
    for role in [None, *Role]:
        token = await _token_for(client, sessions, role) if role else None
        for method, path in order:
            request = _request(method, path)
            use = token
            if role is not None and (method, path) == erasure:
                use = await _token_for(client, sessions, role)  # erasure ends its user
            if use:
                request.setdefault("headers", {})["Authorization"] = f"Bearer {use}"
            response = await client.request(**request)
            permission = protected[method, path]
            if role is None:
                expected = "401"
            elif permission in ROLE_PERMISSIONS[role]:
                expected = "allowed"
            else:
                expected = "403"
            got = str(response.status_code) if response.status_code in (401, 403) else "allowed"
            if got != expected:
                outcomes.append(f"{role} {method} {path}: expected {expected}, got {response.text}")
            if got == "403":
                assert response.json()["code"] == "permission_denied"
    assert outcomes == []


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
            text("UPDATE users SET role = 'superuser' WHERE email = :email"), {"email": email}
        )
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    denied = await client.get("/v1/orders", headers=headers)
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
