"""The customer's first visit, in Chromium: sign up, confirm the email, sign in, the dashboard;
the back office stays shut to them; a form post without its CSRF token changes nothing."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import emailed_token, look, new_email, sign_in, sign_up


def test_a_customer_signs_up_confirms_and_sees_the_dashboard(web: Page, stack: Stack) -> None:
    web.goto("/")
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
    look(web, "sign-in")
    web.get_by_role("link", name="Sign up").click()
    look(web, "sign-up")
    email = new_email()
    sign_up(web, email=email)
    look(web, "signed-up")

    web.goto(f"/verify-email?token={emailed_token(stack, email)}")
    expect(web).to_have_url(re.compile(r"/app/verify-email\?token="))
    look(web, "verify-email")
    web.get_by_role("button", name="Confirm my email").click()
    expect(web.get_by_role("heading", name="Your email address is confirmed")).to_be_visible()

    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    expect(web.locator("#profile-email")).to_contain_text(email)
    expect(web.locator("#profile-email")).to_contain_text("confirmed")
    expect(web.locator("#kyc-status")).to_have_text("not started")
    expect(web.locator("#no-orders")).to_be_visible()
    look(web, "dashboard")

    web.get_by_role("button", name="Sign out").click()
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
    web.goto("/app")  # the session is over
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))


def test_a_wrong_password_shows_the_form_again_with_the_reason(web: Page, stack: Stack) -> None:
    email = new_email()
    sign_up(web, email=email)
    web.goto("/app/sign-in")
    web.get_by_label("Email").fill(email)
    web.get_by_label("Password").fill("not the password at all")
    web.get_by_role("button", name="Sign in").click()
    expect(web.get_by_role("alert")).to_be_visible()
    expect(web.get_by_label("Email")).to_have_value(email)  # kept; the password is not
    look(web, "sign-in-refused")


def test_the_back_office_is_shut_to_customers_and_visitors(web: Page, stack: Stack) -> None:
    web.goto("/admin")  # anonymous: sent to sign in
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))

    email = new_email()
    sign_up(web, email=email)
    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    answer = web.goto("/admin")
    assert answer is not None
    assert answer.status == 403
    expect(web.get_by_role("heading", level=1)).to_be_visible()
    look(web, "admin-forbidden")
    # An API client (no HTML asked for) gets the API's problem+json for the same refusal.
    api = web.request.get("/admin", headers={"accept": "application/json"})
    assert api.status == 403
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["code"] == "permission_denied"


def test_a_form_post_without_its_csrf_token_is_refused_and_changes_nothing(
    web: Page, stack: Stack
) -> None:
    email = new_email()
    sign_up(web, email=email)
    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    # What a forged cross-site form would send: the cookies, but not the token.
    web.locator('form[action="/app/sign-out"] input[name="csrf_token"]').evaluate(
        "input => input.remove()"
    )
    web.get_by_role("button", name="Sign out").click()
    expect(web.get_by_role("heading", level=1)).to_be_visible()
    expect(web.locator("main")).to_contain_text("csrf_token_invalid")
    web.goto("/app")  # still signed in: the session was not ended
    expect(web).to_have_url(re.compile(r"/app$"))
    expect(web.locator("#profile-email")).to_contain_text(email)
