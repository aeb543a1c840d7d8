"""At a phone's width (375x740) nothing is wider than the screen: the customer's main pages and
a few of the back office's, lists and forms included, scroll down and never sideways. A refused
back-office page keeps the signed-in person's navigation (behind the phone's menu button)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import (
    look,
    new_email,
    sign_in,
    sign_up,
    signed_in_staff,
    verify_email,
)

PHONE = {"width": 375, "height": 740}
CUSTOMER_PAGES = (
    "/app", "/app/quote", "/app/orders", "/app/security", "/app/kyc", "/app/bank-accounts",
    "/app/wallets", "/app/limits", "/app/api-keys", "/app/privacy",
)  # fmt: skip
BACK_OFFICE_PAGES = (
    "/admin", "/admin/treasury", "/admin/treasury/mints", "/admin/treasury/proposals",
    "/admin/treasury/circuit-breaker", "/admin/deposits/suspense", "/admin/refunds",
    "/admin/orders", "/admin/customers", "/admin/approvals",
)  # fmt: skip
# The elements wider than the window, named so a failure says what to fix.
WIDER = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (typeof e.className === 'string' && e.className ? '.' + e.className : ''))"""


def _fits(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("main")).to_be_visible()
    assert page.url.endswith(path), f"{path} went to {page.url}"
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (
        f"{path} is {scroll}px wide on a {inner}px screen: {page.evaluate(WIDER)}"
    )


def test_the_customer_pages_fit_a_phone(web: Page, stack: Stack) -> None:
    web.set_viewport_size(PHONE)
    email = new_email()
    sign_up(web, email=email)
    verify_email(web, stack, email)
    sign_in(web, email=email)
    expect(web).to_have_url(f"{web.url.split('/app')[0]}/app")
    for path in CUSTOMER_PAGES:
        _fits(web, path)
    look(web, "phone-app-privacy")


def test_the_back_office_pages_fit_a_phone(web: Page, stack: Stack) -> None:
    web.set_viewport_size(PHONE)
    signed_in_staff(web, stack, "treasurer")
    for path in BACK_OFFICE_PAGES:
        _fits(web, path)
    look(web, "phone-admin-approvals")
    # Refused (a treasurer reads no audit log): the page keeps the menu and its links.
    web.goto("/admin/audit")
    expect(web.locator("main")).to_contain_text("permission_denied")
    web.get_by_role("button", name="Show the navigation").click()
    expect(web.get_by_role("link", name="Issuer", exact=True)).to_be_visible()
    expect(web.get_by_role("button", name="Sign out")).to_be_visible()
    look(web, "phone-admin-refused")
