"""The web UI's pages that need no database: where `/` goes, the CSP the pages get, the
static files' names and cache, and every template rendering with what its page passes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

import pytest
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.requests import Request

from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.runtime.app import create_app
from onramp.web.assets import IMMUTABLE, manifest
from onramp.web.errors import _page
from onramp.web.rendering import _ENV, TEMPLATES
from tests.unit.web.alerts_context import alerts_context
from tests.unit.web.ops_context import ops_context
from tests.unit.web.recon_context import recon_context
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


@pytest.mark.parametrize("path", ["/app/quote", "/app/orders"])
async def test_a_quote_or_order_posted_without_a_session_is_sent_to_sign_in(path: str) -> None:
    """Not the quote form again with "unauthenticated": that would be refused each time."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"accept", b"text/html")],
        "query_string": b"",
    }
    problem = JSONResponse(
        {"status": 401, "title": "Unauthorized", "detail": "no session", "code": "invalid_token"},
        status_code=401,
    )
    answer = await _page(Request(scope), problem)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/sign-in"


# Each group of pages passes names of its own, some alike ("form", "query"): a template renders
# with its own group's last.
_OWNERS = (
    (("admin/compliance/", "admin/deposits/", "admin/treasury/"), "ops"),
    (("admin/recon/",), "recon"),
    (("app/order", "app/quote"), "order"),
    (("admin/alerts",), "alerts"),
    (("admin/customer", "admin/order"), "support"),
    (
        ("admin/api_keys", "admin/approvals", "admin/audit", "admin/reports", "admin/staff"),
        "back_office",
    ),
)


def _context(template: str = "app/home.html") -> dict[str, object]:
    base = _base_context()
    now, orders = cast(datetime.datetime, base["now"]), cast(list[SimpleNamespace], base["orders"])
    groups: dict[str, dict[str, object]] = {
        "back_office": _back_office_context(now),
        "ops": ops_context(),
        "order": _order_context(now, orders[0]),
        "support": support_context(),
        "alerts": alerts_context(),
        "recon": recon_context(),
    }
    owner = next((name for prefixes, name in _OWNERS if template.startswith(prefixes)), "")
    for name in sorted(groups, key=lambda name: name == owner):
        base.update(groups[name])
    return base


def _base_context() -> dict[str, object]:
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
        "principal": SimpleNamespace(role="admin", user_id="0"),
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
        "renew": "/app/session/renew",
        "renew_csrf": "token",
        "next": "/app",
        "now": now,
    }


def _order_context(now: datetime.datetime, order: SimpleNamespace) -> dict[str, object]:
    """What the quote, order and order history pages pass."""
    pricing = SimpleNamespace(
        source=Money.parse("100.00", "EUR"),
        fee=Money.parse("0.50", "EUR"),
        target=Money.parse("108.000000", "USDC"),
        rate=Decimal("1.0853"),
        mid_rate=Decimal("1.0875"),
        spread_bps=20,
    )
    instructions = SimpleNamespace(
        account_name="onramp Treasury",
        iban="DE89370400440532013000",
        bic="COBADEFFXXX",
        routing_number=None,
        account_number=None,
        reference="RF18 5390 0754 7034",
    )
    payout = SimpleNamespace(
        to="0xabc", tx_hash="0x" + "ab" * 32, status="confirmed", block_number=7
    )
    view = SimpleNamespace(
        state="completed",
        deposit_instructions=instructions,
        payout=payout,
        history=[SimpleNamespace(at=now, to_state="completed", reason=None)],
    )
    return {
        "currencies": ("EUR", "GBP"),
        "amount": "100.00",
        "currency": "EUR",
        "quote": SimpleNamespace(id="q", expires_at=now, signature="s"),
        "pricing": pricing,
        "idempotency_key": "k",
        "order": order,
        "view": view,
        "steps": [("awaiting_funds", "Waiting for your transfer", True)],
        "live": True,
        "qr": "data:image/svg+xml,x",
        "epc_payload": "BCD\n002",
        "states": ["completed"],
        "filters": {"state": "", "placed_from": "", "placed_to": ""},
        "query": "",
    }


def _back_office_context(now: datetime.datetime) -> dict[str, object]:
    """What the audit log, staff, approvals and reports pages pass."""
    record = SimpleNamespace(
        id="0", seq=1, at=now, actor="user:1", action="a.b", entity_type="t", entity_id="1"
    )
    approval = SimpleNamespace(
        id="0", action="identity.change_role", payload={"role": "support"}, status="pending"
    )
    approval.__dict__.update(requested_by="1", requested_at=now, decided_at=None, reason=None)
    user = SimpleNamespace(
        id="1", email="a@example.com", full_name="A", role="auditor", created_at=now
    )
    user.deactivated_at = None
    period = SimpleNamespace(first_day=now.date(), last_day=now.date())
    report = SimpleNamespace(name="ctr", help="Large deposits")
    return {
        "form": SimpleNamespace(
            actor="",
            action="",
            entity_type="",
            entity_id="",
            from_day="",
            to_day="",
            report="ctr",
            dataset="alerts",
            params=lambda: {"actor": "user:1"},
        ),
        "records": [SimpleNamespace(**record.__dict__, data={"k": 1})],
        "chain": SimpleNamespace(
            intact=False,
            last_seq=1,
            last_at=now,
            last_sealed_at=now,
            checked_at=now,
            sealed=1,
            unsealed=0,
            problems=("record 2 was changed",),
        ),
        "users": [user],
        "enrolled": {"1"},
        "roles": ["auditor"],
        "all_roles": ["customer", "auditor"],
        "role": "",
        "status": "",
        "notice": "Done.",
        "waiting": [approval],
        "requests": [approval],
        "reports": [{"name": "ctr", "help": "Large deposits"}],
        "datasets": ["alerts"],
        "grains": ["day", "month"],
        "query": {"from": "", "to": "", "threshold_usd": "", "report": "ctr", "period": "day"},
        "made": SimpleNamespace(report=report, asked=SimpleNamespace(period=period)),
        "table": SimpleNamespace(columns=("date", "total_usd"), rows=(("2026-01-01", "1"),)),
        "chart": {"title": "t", "labels": ["2026-01-01"], "values": [1.0]},
        "keys": [
            SimpleNamespace(
                id="0",
                name="bot",
                prefix="ork_1",
                scopes=["audit:read"],
                created_at=now,
                expires_at=now,
                last_used_at=None,
                revoked_at=None,
            )
        ],
        "scopes": ["audit:read"],
        "created": ("bot", "ork_1.secret"),
    }


@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if p.name not in ("base.html", "nav.html", "layout.html", "lists.html")
        and "account" not in p.parts  # tests/unit/web/test_account_pages.py renders those
        if p.name
        not in ("base.html", "nav.html", "layout.html", "order_progress.html", "orders_table.html")
    ),
)
def test_every_template_renders(template: str) -> None:
    html = _ENV.get_template(template).render(**_context(template))
    assert "<h1" in html


def test_amounts_show_their_currency_with_its_decimals() -> None:
    html = _ENV.get_template("app/home.html").render(**_context())
    assert "1000.00 EUR" in html
    assert "108.000000 USDC" in html


def test_an_order_page_shows_the_qr_payload_while_it_waits_and_the_payout_hash() -> None:
    context = _context("app/order.html")
    page = _ENV.get_template("app/order.html")
    html = page.render(**context)  # completed: nothing more to pay
    assert "epc-payload" not in html
    assert "0x" + "ab" * 32 in html
    context["view"].state = "awaiting_funds"  # type: ignore[attr-defined]
    html = page.render(**context)
    assert 'id="epc-payload" data-payload="BCD' in html
    assert 'data-order-events="/app/orders/0/events"' in html  # live until it ends


def test_a_quote_page_says_its_fee_and_when_it_expires_with_the_zone() -> None:
    html = _ENV.get_template("app/quote.html").render(**_context("app/quote.html"))
    assert "0.50 EUR" in html
    assert "108.000000 USDC" in html
    assert "UTC" in html
    assert 'name="idempotency_key" value="k"' in html
