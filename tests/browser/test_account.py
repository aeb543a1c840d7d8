"""The customer's account pages, in Chromium: a second factor enrolled with the code computed
from the secret the page shows (a wrong code first: the form again); API keys created (the
secret works, once shown) and revoked (it stops working); a bank account added and verified by
the micro-deposits read from the bank sandbox's statement (wrong amounts first: refused, with
the attempts left); an external wallet added and its ownership proven with a signature of the
challenge, after proving the second factor again (a wrong code first); the limits, the identity
verification, the sessions and the privacy pages; a withdrawal more than the custodial wallet
holds is refused."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
from eth_account import Account
from eth_account.messages import encode_defunct
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import PASSWORD, look, new_email, sign_in, sign_up
from tests.ibans import fresh_iban


def _signed_in(web: Page) -> str:
    email = new_email()
    sign_up(web, email=email)
    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    return email


def _enrol_totp(web: Page) -> str:
    """Through the security page: the secret it shows, then a first code."""
    web.get_by_role("link", name="Security", exact=True).click()
    web.get_by_role("button", name="Enrol an authenticator app").click()
    expect(web.locator("#totp-qr")).to_be_visible()
    secret = web.locator("#totp-secret").inner_text().strip()
    web.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    web.get_by_role("button", name="Turn on the second factor").click()
    expect(web.get_by_role("heading", name="Your second factor is on")).to_be_visible()
    return secret


def _statement(stack: Stack, iban: str) -> list[str]:
    """The two micro-deposits, as the customer reads them on their statement."""
    assert stack.bank is not None
    deadline = time.monotonic() + 60
    while True:
        payments = httpx.get(
            f"{stack.bank.url}/payments", params={"creditor_account": iban}, timeout=10
        ).json()["data"]
        booked = [p["amount"] for p in payments if p["status"] == "booked"]
        if len(booked) >= 2:
            return booked[-2:]
        assert time.monotonic() < deadline, f"micro-deposits not booked: {payments}"
        time.sleep(0.5)


def test_a_customer_enrols_a_second_factor_and_manages_api_keys(web: Page, stack: Stack) -> None:
    _signed_in(web)
    web.get_by_role("link", name="Security", exact=True).click()
    expect(web.locator("#mfa-state")).to_contain_text("No second factor yet")
    look(web, "account-security")
    web.get_by_role("button", name="Enrol an authenticator app").click()
    secret = web.locator("#totp-secret").inner_text().strip()
    look(web, "account-totp")
    web.get_by_label("The 6-digit code your app shows now").fill("000000")  # wrong: refused
    web.get_by_role("button", name="Turn on the second factor").click()
    expect(web.get_by_role("alert")).to_be_visible()
    look(web, "account-totp-refused")
    web.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    web.get_by_role("button", name="Turn on the second factor").click()
    expect(web.locator("#recovery-codes li")).to_have_count(10)
    look(web, "account-recovery-codes")
    web.goto("/app/security")
    expect(web.locator("#mfa-state")).to_contain_text("An authenticator app is enrolled")
    expect(web.locator("#sessions")).to_contain_text("this session")

    web.get_by_role("link", name="API keys", exact=True).click()
    expect(web.locator("#no-keys")).to_be_visible()
    look(web, "account-api-keys")
    web.get_by_label("Name").fill("treasury-bot")
    web.get_by_label("orders:read_own").check()
    web.get_by_role("button", name="Create the key").click()
    key = web.locator("#api-key-secret").inner_text().strip()
    look(web, "account-api-key-created")
    with httpx.Client(base_url=stack.api_url, timeout=10) as api:
        api.headers["Authorization"] = f"Bearer {key}"
        assert api.get("/v1/me/limits").status_code == 200  # the key shown works
        web.get_by_role("link", name="Back to your API keys").click()
        expect(web.locator("#api-keys")).to_contain_text("treasury-bot")
        expect(web.locator("#api-keys")).not_to_contain_text(key)  # never shown again
        web.get_by_role("button", name="Revoke treasury-bot").click()
        expect(web.locator("#notice")).to_contain_text("revoked")
        expect(web.locator("#api-keys")).to_contain_text("revoked")
        assert api.get("/v1/me/limits").status_code == 401  # and stops at once


def test_a_customer_signs_out_another_session_and_changes_the_password(
    web: Page, stack: Stack
) -> None:
    email = _signed_in(web)
    with httpx.Client(base_url=stack.api_url, timeout=10) as api:
        login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        assert api.get("/v1/me").status_code == 200
        web.get_by_role("link", name="Security", exact=True).click()
        other = web.locator("#sessions tbody tr", has_text="active")
        expect(other).to_have_count(1)
        other.get_by_role("button", name="Sign out this session").click()
        expect(web.locator("#notice")).to_contain_text("signed out")
        expect(web.locator("#sessions")).to_contain_text("this session")  # still signed in
        assert api.get("/v1/me").status_code == 401  # the other one is over

    web.get_by_label("Current password").fill("not the password at all")
    web.get_by_label("New password").fill("an even longer passphrase, twice over")
    web.get_by_role("button", name="Change the password").click()
    expect(web.get_by_role("alert")).to_be_visible()
    expect(web.get_by_label("Current password")).to_have_value("")  # never kept
    look(web, "account-password-refused")
    web.get_by_label("Current password").fill(PASSWORD)
    web.get_by_label("New password").fill("an even longer passphrase, twice over")
    web.get_by_role("button", name="Change the password").click()
    expect(web.locator("#notice")).to_contain_text("Your password is changed")


def test_a_bank_account_is_added_and_verified_by_micro_deposits(web: Page, stack: Stack) -> None:
    _signed_in(web)
    iban = fresh_iban()
    web.get_by_role("link", name="Bank accounts", exact=True).click()
    web.get_by_label("Account holder").fill("Ada Lovelace")
    web.get_by_label("IBAN").fill(iban)
    web.get_by_role("button", name="Add the bank account").click()  # no second factor yet
    expect(web.get_by_role("alert")).to_be_visible()
    expect(web.get_by_label("IBAN")).to_have_value(iban)  # kept
    look(web, "account-bank-account-refused")

    _enrol_totp(web)
    web.get_by_role("link", name="Bank accounts", exact=True).click()
    web.get_by_label("Account holder").fill("Ada Lovelace")
    web.get_by_label("IBAN").fill(iban)
    web.get_by_role("button", name="Add the bank account").click()
    expect(web.locator("#notice")).to_contain_text("saved")
    expect(web.locator(".account-status")).to_have_text("unverified")
    web.get_by_role("button", name="Send two micro-deposits").click()
    amounts = _statement(stack, iban)
    for _ in range(60):  # the worker marks them sent once the bank took them
        if web.get_by_label("First amount").count():
            break
        time.sleep(0.5)
        web.reload()
    look(web, "account-bank-accounts")
    web.get_by_label("First amount").fill("0.00")
    web.get_by_label("Second amount").fill("0.00")
    web.get_by_role("button", name="Verify the account").click()
    expect(web.get_by_role("alert")).to_be_visible()  # wrong: counted, nothing verified
    look(web, "account-micro-deposits-refused")
    web.goto("/app/bank-accounts")
    expect(web.locator(".account-status")).to_have_text("unverified")
    expect(web.locator("main")).to_contain_text("2 attempts left")
    web.get_by_label("First amount").fill(amounts[1])  # in any order
    web.get_by_label("Second amount").fill(amounts[0])
    web.get_by_role("button", name="Verify the account").click()
    expect(web.locator("#notice")).to_contain_text("verified")
    expect(web.locator(".account-status")).to_have_text("verified")


def test_an_external_wallet_is_added_and_its_ownership_proven(web: Page, stack: Stack) -> None:
    _signed_in(web)
    secret = _enrol_totp(web)
    web.goto("/app/security")  # the step-up, as when the enrolment is more than minutes old
    expect(web.locator("#mfa-state")).to_contain_text("An authenticator app is enrolled")
    web.get_by_label("Code from your authenticator app").fill("000000")
    web.get_by_role("button", name="Confirm it is you").click()
    expect(web.get_by_role("alert")).to_be_visible()
    look(web, "account-step-up-refused")
    # The next step's code: the enrolment spent this one (each step counts once).
    web.get_by_label("Code from your authenticator app").fill(
        pyotp.TOTP(secret).at(time.time() + 30)
    )
    web.get_by_role("button", name="Confirm it is you").click()
    expect(web.locator("#notice")).to_contain_text("Confirmed")
    holder = Account.create()
    web.get_by_role("link", name="Wallets", exact=True).click()
    expect(web.locator("#no-wallets")).to_be_visible()
    web.get_by_label("Name", exact=True).fill("Cold wallet")
    web.get_by_label("Address", exact=True).fill(holder.address)
    web.get_by_role("button", name="Add the wallet").click()
    expect(web.locator("#notice")).to_contain_text("saved")
    expect(web.locator(".wallet-ownership")).to_have_text("unproven")
    look(web, "account-wallets")

    web.get_by_role("button", name="Prove ownership of Cold wallet").click()
    message = web.get_by_label("Message to sign").input_value()
    assert holder.address in message
    look(web, "account-wallet-challenge")
    other = Account.create().sign_message(encode_defunct(text=message)).signature
    web.get_by_label("The signature (0x…)").fill("0x" + other.hex().removeprefix("0x"))
    web.get_by_role("button", name="Prove ownership").click()  # another key signed: refused
    expect(web.get_by_role("alert")).to_be_visible()
    look(web, "account-wallet-proof-refused")
    signed = holder.sign_message(encode_defunct(text=message)).signature
    web.get_by_label("The signature (0x…)").fill("0x" + signed.hex().removeprefix("0x"))
    web.get_by_role("button", name="Prove ownership").click()
    expect(web.locator("#notice")).to_contain_text("Ownership proven")
    expect(web.locator(".wallet-ownership")).to_contain_text("proven")

    expect(web.locator("#custodial-address")).not_to_be_empty()  # the custodial wallet
    expect(web.locator("#no-withdrawals")).to_be_visible()
    web.get_by_label("To address").fill(holder.address)
    web.get_by_label("Amount (USDC)").fill("25.50")
    web.get_by_role("button", name="Withdraw").click()  # an empty wallet: refused
    expect(web.get_by_role("alert")).to_be_visible()
    expect(web.get_by_label("Amount (USDC)")).to_have_value("25.50")  # kept
    look(web, "account-withdrawal-refused")
    web.goto("/app/wallets")
    expect(web.locator("#no-withdrawals")).to_be_visible()  # nothing withdrawn


def test_limits_identity_and_privacy_pages(web: Page, stack: Stack) -> None:
    _signed_in(web)
    web.get_by_role("link", name="Limits", exact=True).click()
    expect(web.locator("#limits-tier")).to_have_text("0")
    expect(web.locator("#limits-day")).to_contain_text("0.00 EUR")
    look(web, "account-limits")

    web.get_by_role("link", name="Identity", exact=True).click()
    expect(web.locator("#kyc-case")).to_have_count(0)
    look(web, "account-kyc")
    for label, value in (
        ("Given names", "Ada"),
        ("Surname", "Lovelace"),
        ("Date of birth", "1990-12-10"),
        ("Nationality (2 letters, e.g. DE)", "GB"),
        ("Address", "12 St James's Square"),
        ("City", "London"),
        ("Postal code", "SW1Y 4JH"),
        ("Country of residence (2 letters)", "GB"),
    ):
        web.get_by_label(label, exact=True).fill(value)
    web.get_by_role("button", name="Verify my identity").click()  # the sandbox vendor's flow
    expect(web.locator("#notice")).to_contain_text("Sent to our verification partner")
    expect(web.locator("#kyc-status")).not_to_be_empty()
    look(web, "account-kyc-submitted")
    web.get_by_role("link", name="Privacy", exact=True).click()
    look(web, "account-privacy")
    web.get_by_label("Language").fill("de")
    web.get_by_role("button", name="Save the preferences").click()
    expect(web.locator("#notice")).to_contain_text("saved")
    expect(web.get_by_label("Language")).to_have_value("de")
    with web.expect_download() as download:
        web.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename == "onramp-export.json"

    web.get_by_role("button", name="Erase my data…").click()
    look(web, "account-erasure-confirm")
    web.get_by_role("link", name="No, keep it").click()  # nothing erased
    expect(web).to_have_url(re.compile(r"/app/privacy$"))
    web.get_by_role("button", name="Erase my data…").click()
    web.get_by_role("button", name="Yes, erase my data").click()
    expect(web.get_by_role("heading", name="Your data is erased")).to_be_visible()
    web.goto("/app")  # every session ended
    expect(web).to_have_url(re.compile(r"/app/sign-in$"))
