"""The web UI's pages that need no database: where `/` goes, the CSP the pages get, the
static files' names and cache, and every template rendering with what its page passes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from onramp.core.settings import Settings
from onramp.runtime.app import create_app
from onramp.web.assets import IMMUTABLE, manifest
from onramp.web.rendering import _ENV, TEMPLATES
from tests.unit.web.support_pages import support_context


@pytest.fixture(scope="module")
def client() -> TestClient:
    # No lifespan: these pages need no database.
    return TestClient(create_app(Settings()), follow_redirects=False)


def test_the_root_sends_a_visitor_to_sign_in(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/sign-in"


def test_pages_get_a_csp_without_unsafe_inline(client: TestClient) -> None:
    page = client.get("/app/sign-in")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert csp == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    assert "<script>" not in page.text  # no inline script
    assert "style=" not in page.text  # no inline style
    assert page.headers["referrer-policy"] == "same-origin"  # forms post their real Origin
    # htmx adds no indicator <style> (the CSP would refuse it).
    assert '"includeIndicatorStyles": false' in page.text


def test_static_files_have_hashed_names_and_a_year_of_cache(client: TestClient) -> None:
    names = manifest()
    assert {"htmx.js", "bootstrap.css", "axe.js", "app.css", "app.js"} <= names.keys()
    page = client.get("/app/sign-in").text
    for name in ("htmx.js", "bootstrap.css", "app.js"):
        assert f'"/static/{names[name]}"' in page
    answer = client.get(f"/static/{names['htmx.js']}")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == IMMUTABLE
    assert "javascript" in answer.headers["content-type"]
    for other in ("manifest.json", "htmx.js", "..%2F..%2F__init__.py"):
        assert client.get(f"/static/{other}").status_code == 404


def test_an_unknown_page_is_a_page_for_a_browser_and_a_problem_for_a_client(
    client: TestClient,
) -> None:
    page = client.get("/app/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    problem = client.get("/app/no-such-page", headers={"accept": "application/json"})
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"


def _context() -> dict[str, object]:
    now = datetime.datetime.now(datetime.UTC)
    profile = SimpleNamespace(
        full_name="Ada Lovelace",
        email="ada@example.com",
        email_verified=True,
        mfa_enabled=False,
        created_at=now,
        role="customer",
    )
    order = SimpleNamespace(
        id="0",
        created_at=now,
        state="completed",
        source_amount=Decimal(100000),  # as a Numeric(78, 0) column reads
        source_currency="EUR",
        target_amount=None,
        quoted_target_amount=108000000,
        target_currency="USDC",
    )
    limits = SimpleNamespace(daily_eur="1000.00", monthly_eur="5000.00")
    return {
        "request": None,
        "path": "/app",
        "principal": SimpleNamespace(),
        "csrf": "token",
        "error": {"title": "Refused", "detail": "why"},
        "profile": profile,
        "kyc": SimpleNamespace(
            tier=1, tier_label="basic", case=None, next_step="none", limits=limits
        ),
        "orders": [order],
        "next_before": None,
        "first_page": True,
        "problem": {"title": "Forbidden", "detail": "no", "status": 403, "code": "x"},
        "email": "ada@example.com",
        "full_name": "Ada Lovelace",
        "token": "t",
        "mfa_token": "m",
        **support_context(),
    }


@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if p.name not in ("base.html", "nav.html", "layout.html")
    ),
)
def test_every_template_renders(template: str) -> None:
    html = _ENV.get_template(template).render(**_context())
    assert "<h1" in html


def test_amounts_show_their_currency_with_its_decimals() -> None:
    html = _ENV.get_template("app/home.html").render(**_context())
    assert "1000.00 EUR" in html
    assert "108.000000 USDC" in html
