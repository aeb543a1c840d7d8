"""A refused page keeps a signed-in person's navigation: ``web.errors`` asks ``auth.signed_in``
(the dependency ``require`` uses) who the cookie names, and renders the back office's or the
dashboard's layout with that principal; a visitor without a session gets no navigation."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.responses import JSONResponse
from starlette.requests import Request

from onramp.auth import Principal, signed_in
from onramp.core.settings import Settings
from onramp.web import errors

FORBIDDEN = {"status": 403, "title": "Forbidden", "detail": "no", "code": "permission_denied"}


def _request(path: str, method: str = "GET", cookie: str = "") -> Request:
    headers = [(b"accept", b"text/html")] + ([(b"cookie", cookie.encode())] if cookie else [])
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": headers,
        "query_string": b"",
        "scheme": "https",
        "server": ("onramp.test", 443),
        "app": SimpleNamespace(state=SimpleNamespace(settings=Settings())),
    }
    return Request(scope)


def _as(monkeypatch: pytest.MonkeyPatch, role: str | None) -> None:
    async def fake(request: Request) -> Principal | None:
        return None if role is None else Principal(uuid.uuid4(), role, uuid.uuid4())

    monkeypatch.setattr(errors, "signed_in", fake)


async def test_a_treasurer_refused_a_back_office_page_keeps_the_back_office_nav(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _as(monkeypatch, "treasurer")
    answer = await errors._page(_request("/admin/staff"), JSONResponse(FORBIDDEN, status_code=403))
    html = bytes(answer.body).decode()
    assert answer.status_code == 403
    assert 'aria-label="Main"' in html
    assert "Sign out" in html
    assert 'href="/admin/treasury/mints"' in html  # a link their role may open
    assert 'href="/admin/audit"' not in html  # and none it may not
    assert 'href="/admin">Back to the back office' in html


async def test_a_customer_refused_a_form_keeps_the_dashboard_nav(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _as(monkeypatch, "customer")
    problem = {**FORBIDDEN, "status": 422, "code": "iban_invalid", "detail": "bad IBAN"}
    request = _request("/app/bank-accounts", method="POST")

    async def empty_form() -> dict[str, str]:
        return {}

    monkeypatch.setattr(request, "form", empty_form)
    answer = await errors._page(request, JSONResponse(problem, status_code=422))
    html = bytes(answer.body).decode()
    assert "bad IBAN" in html
    assert 'href="/app/wallets"' in html
    assert "Sign out" in html


async def test_a_visitor_without_a_session_gets_no_navigation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _as(monkeypatch, None)
    answer = await errors._page(_request("/app/nowhere"), JSONResponse(FORBIDDEN, status_code=403))
    html = bytes(answer.body).decode()
    assert "Sign out" not in html
    assert 'href="/app/wallets"' not in html


async def test_signed_in_is_none_without_a_session_cookie() -> None:
    assert await signed_in(_request("/admin")) is None
