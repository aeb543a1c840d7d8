"""Staff in the back office, in Chromium: signing in with the second factor opens it; a staff
session without one is refused, as the staff API refuses it."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import enrol_totp, look, sign_in, staff_member


def test_staff_sign_in_with_their_second_factor_to_the_back_office(web: Page, stack: Stack) -> None:
    email = staff_member(web, stack, "compliance_officer")
    secret = enrol_totp(stack, email)
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
    email = staff_member(web, stack, "support")
    sign_in(web, email=email)  # no TOTP enrolled: a password-only session
    expect(web).to_have_url(re.compile(r"/admin$"))
    expect(web.locator("main")).to_contain_text("staff_mfa_required")
    look(web, "admin-needs-mfa")
    web.get_by_role("button", name="Sign out").click()  # the refused page still lets them go
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
