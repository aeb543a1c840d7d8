"""An order refused for want of a recent second factor sends the customer to the step-up page and
back to the quote page (with the amount typed) after it; ``next`` is only ever a dashboard page,
never another site."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.responses import JSONResponse
from starlette.requests import Request

from onramp.core.settings import Settings
from onramp.web import errors
from onramp.web.customer.forms import back_to, within_app
from onramp.web.rendering import _ENV

BASE = {"request": None, "principal": None, "error": None, "csrf": "t"}
STEP_UP = {"status": 403, "title": "Forbidden", "detail": "again", "code": "step_up_required"}


def _post(path: str, form: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"accept", b"text/html")],
        "query_string": b"",
        "scheme": "https",
        "server": ("onramp.test", 443),
        "app": SimpleNamespace(state=SimpleNamespace(settings=Settings())),
    }
    request = Request(scope)

    async def typed() -> dict[str, str]:
        return form

    monkeypatch.setattr(request, "form", typed)
    return request


async def test_an_order_wanting_a_step_up_goes_to_it_and_back_to_the_quote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = {"amount": "5000.00", "currency": "EUR", "quote_signature": "s", "csrf_token": "t"}
    request = _post("/app/orders", form, monkeypatch)
    answer = await errors._page(request, JSONResponse(STEP_UP, status_code=403))
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.path == "/app/security/step-up"
    (back,) = parse_qs(location.query)["next"]
    assert back == "/app/quote?amount=5000.00&currency=EUR"
    assert within_app(back, "/app/security") == back


async def test_another_form_wanting_a_step_up_is_shown_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def nobody(request: Request) -> None:
        return None

    monkeypatch.setattr(errors, "signed_in", nobody)
    request = _post("/app/bank-accounts", {"iban": "DE89"}, monkeypatch)
    answer = await errors._page(request, JSONResponse(STEP_UP, status_code=403))
    assert answer.status_code == 403
    assert 'id="step-up-form"' in bytes(answer.body).decode()


@pytest.mark.parametrize(
    "target",
    [
        "/app/quote?amount=1&currency=EUR",
        "/app",
        "/app/wallets",
    ],
)
def test_next_may_be_a_dashboard_page(target: str) -> None:
    assert within_app(target, "/app/security") == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/app",
        "//evil.example/app",
        "/app//evil.example",
        "/app\\evil",
        "/\\evil.example",
        "/admin/staff",
        "/application",
        "/app/quote#x",
        "javascript:alert(1)",
        "/app/\nLocation: x",
        "",
    ],
)
def test_next_is_never_another_site(target: str) -> None:
    assert within_app(target, "/app/security") == "/app/security"


def test_after_the_step_up_the_page_comes_back_with_its_query() -> None:
    answer = back_to("/app/quote?amount=1&currency=EUR", "step_up")
    assert answer.headers["location"] == "/app/quote?amount=1&currency=EUR&done=step_up"
    assert back_to("/app/security", "step_up").headers["location"] == "/app/security?done=step_up"


def test_the_step_up_page_posts_its_next() -> None:
    page = {"path": "/app/security/step-up", "next": "/app/quote?amount=1&currency=EUR"}
    html = _ENV.get_template("app/account/step_up.html").render(**BASE, **page)
    assert 'action="/app/security/step-up"' in html
    assert 'name="next" value="/app/quote?amount=1&amp;currency=EUR"' in html


def test_the_quote_form_says_the_step_up_is_done() -> None:
    form = {"currencies": ["EUR"], "amount": "5000.00", "currency": "EUR", "done": "step_up"}
    html = _ENV.get_template("app/quote_form.html").render(**BASE, path="/app/quote", **form)
    assert 'value="5000.00"' in html
    assert 'id="notice"' in html
