"""The account pages' templates (``web/templates/app/account``) render with what their pages
pass, refused forms included; a refused form's path finds its template; every account page is
linked from the navigation."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from fastapi.routing import APIRoute

from onramp.auth.access import declared_permission
from onramp.auth.permissions import Permission
from onramp.banking import BankAccountStatusQuery
from onramp.identity import KeyStateQuery, SessionStateQuery
from onramp.wallets import CustodyQuery, WithdrawalStatusQuery
from onramp.web.customer import ROUTERS
from onramp.web.customer.forms import ListFilter
from onramp.web.errors import form_template
from onramp.web.rendering import _ENV, TEMPLATES

NOW = datetime.datetime(2026, 12, 6, 18, 0, tzinfo=datetime.UTC)
ID = uuid.UUID("01938a7e-0000-7000-8000-000000000001")
PAGES = (
    "/app/security",
    "/app/kyc",
    "/app/bank-accounts",
    "/app/wallets",
    "/app/limits",
    "/app/api-keys",
    "/app/privacy",
)


def _context() -> dict[str, object]:
    deposits = SimpleNamespace(status="sent", attempts_left=3, expires_at=NOW)
    account = SimpleNamespace(
        id=ID,
        holder_name="Ada Lovelace",
        account_number_masked="DE89 •••• 3000",
        currency="EUR",
        status="unverified",
        verified_at=None,
        micro_deposits=deposits,
    )
    key = SimpleNamespace(
        id=ID,
        name="bot",
        prefix="ork_abc",
        scopes=["orders:create"],
        status="active",
        created_at=NOW,
        expires_at=NOW,
        last_used_at=None,
        key="ork_secret",
    )
    wallet = SimpleNamespace(
        id=ID,
        label="Cold",
        address="0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        custody="self_hosted",
        vasp_name=None,
        ownership_proven_at=None,
        blocked_at=None,
    )
    withdrawal = SimpleNamespace(
        created_at=NOW,
        to=wallet.address,
        amount="1.500000",
        currency="USDC",
        status="broadcast",
        failure=None,
        tx_hash="0xabc",
    )
    case = SimpleNamespace(
        status="approved",
        tier_requested=1,
        tier_granted=1,
        attempts=1,
        submitted_at=NOW,
        reviewed_at=NOW,
        expires_at=NOW,
        reasons=["document_ok"],
    )
    limits = SimpleNamespace(daily_eur=Decimal("1000.00"), monthly_eur=Decimal("5000.00"))
    return {
        "request": None,
        "path": f"/app/bank-accounts/{ID}/micro-deposits/confirm",
        "principal": SimpleNamespace(),
        "csrf": "token",
        "error": {"title": "Refused", "detail": "why", "code": "step_up_required"},
        "done": "",
        "profile": SimpleNamespace(mfa_enabled=False),
        "sessions": [
            SimpleNamespace(
                id=ID,
                created_at=NOW,
                last_used_at=NOW,
                ip="127.0.0.1",
                user_agent="Chromium",
                revoked_at=None,
            )
        ],
        "current": ID,
        "enrolment": SimpleNamespace(secret="JBSWY3DP", qr_svg="data:image/svg+xml,x"),
        "codes": ["abcd-ef"],
        "keys": [key],
        "key": key,
        "scopes": ["orders:create", "quotes:create"],
        "accounts": [account],
        "custodial": SimpleNamespace(
            address=wallet.address, balance="2.000000", available="0.500000", currency="USDC"
        ),
        "unavailable": "",
        "withdrawals": [withdrawal],
        "wallets": [wallet],
        "idempotency_key": "k",
        "challenge": SimpleNamespace(
            id=ID, wallet_id=ID, address=wallet.address, message="Sign this", expires_at=NOW
        ),
        "usage": SimpleNamespace(
            tier=1,
            limits=limits,
            day_eur=Decimal("12.5"),
            month_eur=Decimal("12.5"),
            day_remaining=Decimal("987.5"),
            month_remaining=Decimal("4987.5"),
        ),
        "kyc": SimpleNamespace(
            tier=1,
            tier_label="basic",
            next_step="none",
            limits=SimpleNamespace(daily_eur="1000.00", monthly_eur="5000.00"),
            case=case,
        ),
        "preferences": SimpleNamespace(
            display_currency="EUR",
            default_fiat_currency="EUR",
            language="en",
            notification_channels=("email",),
        ),
        "outcome": {"erased_at": "now", "financial_records_retained_until": "later"},
        "first_page": True,
        "next_before": None,
        "withdrawals_first_page": True,
        "withdrawals_next_before": None,
        "next": "/app/quote?amount=1&currency=EUR",
        **_filters(),
    }


# template: its list's filter (name, the JSON route's query type, a value it allows)
FILTERS = {
    "security": ("state", SessionStateQuery, "ended"),
    "api_keys": ("state", KeyStateQuery, "revoked"),
    "bank_accounts": ("status", BankAccountStatusQuery, "name_mismatch"),
    "wallets": ("custody", CustodyQuery, "hosted"),
}


def _filters(**values: str) -> dict[str, object]:
    """The pages' filters, none set but those given (``custody="hosted"``)."""
    found = {
        "state": ListFilter.of("state", values.get("state"), SessionStateQuery),
        "status": ListFilter.of("status", values.get("status"), WithdrawalStatusQuery),
        "custody": ListFilter.of("custody", values.get("custody"), CustodyQuery),
    }
    return {**found, "filters": {k: v for k, v in values.items() if k != "state"}}


@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(TEMPLATES))
        for p in (TEMPLATES / "app" / "account").rglob("*.html")
        if p.name not in ("base.html", "forms.html")
    ),
)
def test_every_account_template_renders(template: str) -> None:
    html = _ENV.get_template(template).render(**_context())
    assert "<h1" in html
    assert "style=" not in html
    assert "<script>" not in html


def test_a_refused_form_offers_the_step_up_and_keeps_what_was_typed() -> None:
    context = {**_context(), "holder_name": "Ada L", "iban": "DE89370400440532013000"}
    html = _ENV.get_template("app/account/refused/bank_account.html").render(**context)
    assert 'action="/app/security/step-up"' in html
    assert 'value="DE89370400440532013000"' in html
    assert 'name="csrf_token" value="token"' in html


def test_limits_show_euros_with_their_decimals() -> None:
    html = _ENV.get_template("app/account/limits.html").render(**_context())
    assert "1000.00 EUR" in html
    assert "987.50 EUR" in html


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/app/security/totp/confirm", "app/account/refused/totp.html"),
        ("/app/bank-accounts", "app/account/refused/bank_account.html"),
        (
            f"/app/bank-accounts/{ID}/micro-deposits/confirm",
            "app/account/refused/micro_deposits.html",
        ),
        (f"/app/wallets/{ID}/proof", "app/account/refused/wallet_proof.html"),
        ("/app/sign-in", "app/sign_in.html"),
        (f"/app/wallets/{ID}/remove", None),
        ("/app/bank-accounts/../../admin", None),
    ],
)
def test_a_refused_form_finds_its_template(path: str, template: str | None) -> None:
    assert form_template(path) == template


@pytest.mark.parametrize("page", PAGES)
def test_every_account_page_is_in_the_navigation(page: str) -> None:
    layout = (TEMPLATES / "app" / "layout.html").read_text()
    assert f'link("{page}", ' in layout


# template, its page, its list's CSV
LISTS = {
    "security": ("/app/security", "/app/security/sessions.csv"),
    "api_keys": ("/app/api-keys", "/app/api-keys.csv"),
    "bank_accounts": ("/app/bank-accounts", "/app/bank-accounts.csv"),
    "wallets": ("/app/wallets", "/app/wallets.csv"),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_an_account_list_pages_and_downloads_as_csv(name: str) -> None:
    template, (page, csv) = f"app/account/{name}.html", LISTS[name]
    older = uuid.UUID("01938a7e-0000-7000-8000-0000000000ff")
    html = _ENV.get_template(template).render(
        **{**_context(), "first_page": False, "next_before": older}
    )
    assert f'href="{page}?before={older}">Older' in html
    assert f'href="{page}?">Newest' in html
    assert f'href="{csv}"' in html


def test_a_filter_takes_its_choices_from_the_json_route() -> None:
    assert ListFilter.of("state", None, SessionStateQuery).choices == ("open", "ended")
    assert ListFilter.of("state", None, KeyStateQuery).choices == ("active", "revoked", "expired")
    statuses = ListFilter.of("status", "verified", BankAccountStatusQuery)
    assert statuses.choices == ("unverified", "verified", "name_mismatch")
    assert statuses.params == {"status": "verified"}
    assert ListFilter.of("custody", None, CustodyQuery).params == {}
    withdrawals = ListFilter.of("status", None, WithdrawalStatusQuery).choices
    assert withdrawals == ("requested", "signed", "broadcast", "confirmed", "failed")


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_an_account_list_filters_in_a_plain_form_kept_by_its_pages_and_csv(name: str) -> None:
    template, (page, csv), (field, query, value) = (
        f"app/account/{name}.html",
        LISTS[name],
        FILTERS[name],
    )
    older = uuid.UUID("01938a7e-0000-7000-8000-0000000000ff")
    chosen = ListFilter.of(field, value, query)
    context = {**_context(), "first_page": False, "next_before": older, field: chosen}
    if name == "wallets":
        context["filters"] = chosen.params
    html = _ENV.get_template(template).render(**context)
    assert f'<form method="get" action="{page}"' in html
    assert f'<option value="{value}" selected>' in html
    assert '<option value="">any</option>' in html
    assert f'href="{csv}?{field}={value}"' in html
    assert f'href="{page}?{field}={value}&amp;before={older}">Older' in html
    assert f'href="{page}?{field}={value}">Newest' in html


def test_the_wallets_page_keeps_each_lists_filter_apart() -> None:
    context = {**_context(), **_filters(custody="hosted", status="failed")}
    html = _ENV.get_template("app/account/wallets.html").render(**context)
    assert 'href="/app/wallets.csv?custody=hosted"' in html
    assert 'href="/app/wallet/withdrawals.csv?status=failed"' in html
    # filtering one list keeps the other's filter
    assert '<input type="hidden" name="custody" value="hosted">' in html
    assert '<input type="hidden" name="status" value="failed">' in html


def test_the_withdrawals_page_on_their_own_cursor() -> None:
    older = uuid.UUID("01938a7e-0000-7000-8000-0000000000ff")
    context = {**_context(), "withdrawals_next_before": older}
    html = _ENV.get_template("app/account/wallets.html").render(**context)
    assert f'href="/app/wallets?withdrawals_before={older}">Older' in html
    assert 'href="/app/wallet/withdrawals.csv"' in html
    assert f"before={older}" not in html.replace(f"withdrawals_before={older}", "")


@pytest.mark.parametrize(
    ("path", "permission"),
    [
        ("/app/bank-accounts/{item_id}/remove", Permission.BANK_ACCOUNTS_MANAGE_OWN),
        ("/app/wallets/{item_id}/remove", Permission.WALLETS_MANAGE_OWN),
    ],
)
def test_a_saved_thing_is_removed_by_the_shared_form_action(
    path: str, permission: Permission
) -> None:
    routes = [r for router in ROUTERS for r in router.routes]
    (route,) = [r for r in routes if isinstance(r, APIRoute) and r.path == path]
    assert route.methods == {"POST"}
    needs = {declared_permission(d.call) for d in route.dependant.dependencies}
    assert permission in needs
