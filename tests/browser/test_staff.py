"""Staff in the back office, in Chromium: signing in with the second factor opens it; a staff
session without one is refused, as the staff API refuses it."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import PASSWORD, look, new_email, run_sql, sign_in, sign_up


def _staff(web: Page, stack: Stack, role: str) -> str:
    """Signs up in the browser, then is made ``role`` as an admin's approved change would."""
    email = new_email(role)
    sign_up(web, email=email)
    with httpx.Client(base_url=stack.api_url, timeout=10.0) as api:
        login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
    run_sql(
        stack, "UPDATE users SET role = :role WHERE id = :id", role=role, id=login.json()["user_id"]
    )
    return email


def _enrol_totp(stack: Stack, email: str) -> str:
    with httpx.Client(base_url=stack.api_url, timeout=10.0) as api:
        login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        secret: str = api.post("/v1/me/mfa/totp").json()["secret"]
        confirmed = api.post("/v1/me/mfa/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
        assert confirmed.status_code == 200, confirmed.text
    return secret


def test_staff_sign_in_with_their_second_factor_to_the_back_office(web: Page, stack: Stack) -> None:
    email = _staff(web, stack, "compliance_officer")
    secret = _enrol_totp(stack, email)
    sign_in(web, email=email)
    look(web, "sign-in-second-factor")
    code = web.get_by_label("The code from your authenticator app")
    code.fill("000000")  # a wrong code: the form again, the challenge still good
    web.get_by_role("button", name="Sign in").click()
    expect(web.get_by_role("alert")).to_be_visible()
    # The next step's code: the enrolment spent this one (each step counts once).
    code.fill(pyotp.TOTP(secret).at(time.time() + 30))
    web.get_by_role("button", name="Sign in").click()
    expect(web).to_have_url(re.compile(r"/admin$"))
    expect(web.locator("#staff-email")).to_have_text(email)
    expect(web.locator("#staff-role")).to_have_text("compliance_officer")
    expect(web.get_by_role("navigation", name="Main")).to_be_visible()
    look(web, "admin-home")


def test_a_staff_session_without_a_second_factor_is_refused(web: Page, stack: Stack) -> None:
    email = _staff(web, stack, "support")
    sign_in(web, email=email)  # no TOTP enrolled: a password-only session
    expect(web).to_have_url(re.compile(r"/admin$"))
    expect(web.locator("main")).to_contain_text("staff_mfa_required")
    look(web, "admin-needs-mfa")
    web.get_by_role("button", name="Sign out").click()  # the refused page still lets them go
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
