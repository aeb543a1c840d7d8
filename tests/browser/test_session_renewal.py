"""An expired access token in Chromium: the page renews the session with the refresh cookie and
comes back (on its own with JavaScript, with one button without); a refresh token that is no
longer good sends the person to sign in."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from onramp.auth.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from onramp.devstack.stack import Stack
from tests.browser.conftest import TIMEOUT_MS, new_email, sign_in, sign_up, verify_email


def _expire(context: BrowserContext) -> None:
    """The access cookie gone, as when its token expires (the refresh cookie lasts longer)."""
    context.clear_cookies(name=ACCESS_COOKIE)


def _signed_in(page: Page, stack: Stack) -> str:
    email = new_email()
    sign_up(page, email=email)
    verify_email(page, stack, email)
    sign_in(page, email=email)
    expect(page).to_have_url(re.compile(r"/app$"))
    return email


def test_an_expired_access_token_is_renewed_and_the_page_shown(web: Page, stack: Stack) -> None:
    email = _signed_in(web, stack)
    _expire(web.context)
    web.goto("/app?before=00000000-0000-0000-0000-000000000000")
    expect(web).to_have_url(re.compile(r"/app\?before=0{8}-"))
    expect(web.locator("#profile-email")).to_contain_text(email)
    web.goto("/app")  # the renewed tokens stay: no second renewal
    expect(web.locator("#profile-email")).to_contain_text(email)


def test_without_javascript_one_button_renews(
    browser: Browser, base_url: str, stack: Stack
) -> None:
    # (axe needs JavaScript: the page is checked in tests/unit/web instead)
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        email = _signed_in(page, stack)
        _expire(context)
        page.goto("/app")
        expect(page.get_by_role("heading", name="Renewing your session")).to_be_visible()
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/app$"))
        expect(page.locator("#profile-email")).to_contain_text(email)
    finally:
        context.close()


def test_a_refresh_token_no_longer_good_sends_the_person_to_sign_in(
    web: Page, stack: Stack
) -> None:
    _signed_in(web, stack)
    refresh = next(c for c in web.context.cookies() if c["name"] == REFRESH_COOKIE)
    web.get_by_role("button", name="Sign out").click()  # the session ends on the server
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
    web.context.add_cookies(
        [
            {
                "name": refresh["name"],
                "value": refresh["value"],
                "domain": refresh["domain"],
                "path": "/",
                "secure": True,
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
    web.goto("/app")  # renewing is tried once, refused, and the cookies go
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
    assert REFRESH_COOKIE not in {c["name"] for c in web.context.cookies()}
