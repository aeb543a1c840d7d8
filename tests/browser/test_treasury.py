"""Treasurers in the back office, in Chromium: the wallets on chain and in the books, a
refill proposed by hand from the warm Safe to the vault, signed by one treasurer with their
Safe owner key (the typed data read from the page, the signature pasted), refused a second
signature of their own, then signed by a second treasurer: the treasury worker executes it.
The circuit breaker and the issuer mint's form are there too, and a redeem that a second
treasurer approves, listed with the command that sends it; a stray deposit sits in the
suspense queue until a treasurer returns it to its sender, and the refund shows; a tripped
circuit breaker resumes only with a second treasurer's approval."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from playwright.sync_api import Browser, Page, expect

from onramp.devstack.stack import Stack
from onramp.devstack.treasury_setup import DEMO_TREASURER_KEYS
from tests.browser.conftest import look, run_sql, signed_in_staff

FIRST, SECOND = DEMO_TREASURER_KEYS[0], DEMO_TREASURER_KEYS[1]


@pytest.fixture
def free_demo_keys(stack: Stack) -> Iterator[None]:
    """Each owner key is one person's once it signed: the two demo keys this test signs with
    are freed of earlier tests' treasurers before, and of this test's after."""

    def free() -> None:
        for key in (FIRST, SECOND):
            run_sql(
                stack,
                "DELETE FROM treasury_signers WHERE lower(address) = lower(:address)",
                address=Account.from_key(key).address,
            )

    free()
    yield
    free()


def _signature(page: Page, key: str) -> str:
    """What the treasurer's wallet answers to eth_signTypedData_v4 over the page's typed data."""
    typed: dict[str, Any] = json.loads(page.locator("#typed-data").text_content() or "")
    signed = Account.sign_typed_data(key, full_message=typed)
    return "0x" + bytes(signed.signature).hex()


def _sign(page: Page, key: str) -> None:
    page.get_by_label("Signature (0x…, 65 bytes)").fill(_signature(page, key))
    page.get_by_role("button", name="Sign the proposal").click()


def test_two_treasurers_approve_a_refill_which_the_worker_executes(
    web: Page, browser: Browser, base_url: str, stack: Stack, free_demo_keys: None
) -> None:
    signed_in_staff(web, stack, "treasurer")
    web.get_by_role("link", name="Treasury", exact=True).click()
    wallets = web.locator("#wallets")
    expect(wallets).to_contain_text("vault")
    expect(wallets).to_contain_text("warm")
    expect(wallets).to_contain_text("USDC")
    look(web, "admin-treasury")

    web.get_by_role("link", name="Rebalancing", exact=True).click()
    expect(web.get_by_role("heading", name="Rebalancing proposals")).to_be_visible()
    look(web, "admin-treasury-proposals")
    web.get_by_label("Kind").select_option("refill")
    web.get_by_label("From (wallet)").fill("warm")
    web.get_by_label("To (wallet)").fill("vault")
    web.get_by_label("Amount (USDC)").fill("1000")
    web.get_by_label("Reason").fill("top up the vault before the weekend")
    web.get_by_role("button", name="Propose").click()
    expect(web.locator("#proposal-status")).to_have_text("awaiting_signatures")
    expect(web.locator("#proposal-amount")).to_have_text("1000.000000 USDC")
    proposal_url = web.url
    look(web, "admin-treasury-proposal")

    _sign(web, FIRST)
    expect(web.locator("#signatures")).to_contain_text("you")
    expect(web.get_by_role("heading", name=re.compile("Signatures"))).to_contain_text("1 of 2")
    expect(web.locator("#proposal-status")).to_have_text("awaiting_signatures")
    # One person, one key: the same treasurer with the other owner key is refused.
    _sign(web, SECOND)
    expect(web.locator("main")).to_contain_text("signer_bound_to_other_key")
    web.goto(proposal_url)
    expect(web.get_by_role("heading", name=re.compile("Signatures"))).to_contain_text("1 of 2")

    second = browser.new_context(base_url=base_url).new_page()
    signed_in_staff(second, stack, "treasurer")
    second.goto(proposal_url)
    _sign(second, SECOND)
    expect(second.locator("#proposal-status")).to_have_text(re.compile("ready|executing|executed"))
    deadline = time.monotonic() + 90
    while (status := second.locator("#proposal-status").inner_text()) != "executed":
        assert status in ("ready", "executing"), status
        assert time.monotonic() < deadline, status
        time.sleep(1)
        second.reload()
    expect(second.locator("#proposal-exec")).to_contain_text("0x")
    look(second, "admin-treasury-proposal-executed")
    second.context.close()


def test_a_treasurer_reads_the_breaker_and_asks_for_a_mint(web: Page, stack: Stack) -> None:
    signed_in_staff(web, stack, "treasurer")
    web.get_by_role("link", name="Circuit breaker", exact=True).click()
    expect(web.locator("#breaker-state")).to_have_text(re.compile("closed|open|resuming"))
    expect(web.get_by_role("button", name="Trip the breaker")).to_be_visible()
    look(web, "admin-circuit-breaker")

    web.goto("/admin/treasury/mints")
    web.get_by_label("Amount (USDC)").fill("abc")  # the browser's own check keeps it
    web.get_by_label("Why (kept in the audit trail)").fill("the warm Safe is short")
    web.get_by_role("button", name="Request the mint").click()
    expect(web).to_have_url(re.compile(r"/admin/treasury/mints$"))
    web.get_by_label("Amount (USDC)").fill("250000")
    web.get_by_role("button", name="Request the mint").click()
    expect(web.locator("#mint-requested")).to_contain_text("waits for a second person")
    look(web, "admin-treasury-mint")


def test_a_redeem_approved_by_a_second_treasurer_waits_for_the_cold_safes_holder(
    web: Page, browser: Browser, base_url: str, stack: Stack
) -> None:
    signed_in_staff(web, stack, "treasurer")
    web.get_by_role("link", name="Issuer", exact=True).click()
    expect(web.get_by_role("heading", name="Issuer: mint and redeem")).to_be_visible()
    expect(web.locator("#redeem-sender")).to_contain_text("onramp issuer redeem")
    web.get_by_label("Amount to redeem (USDC, whole cents)").fill("123.45")
    web.get_by_label("Why redeem (kept in the audit trail)").fill("the vault holds too much")
    web.get_by_role("button", name="Request the redeem").click()
    requested = web.locator("#redeem-requested")
    expect(requested).to_contain_text("waits for a second person")
    approval = re.search(r"approval (\S+) waits", requested.inner_text())
    assert approval is not None
    look(web, "admin-treasury-issuer")

    second = browser.new_context(base_url=base_url).new_page()
    signed_in_staff(second, stack, "treasurer")
    second.goto("/admin/approvals")
    second.locator(f'form[action="/admin/approvals/{approval[1]}/approve"]').get_by_role(
        "button", name="Approve"
    ).click()
    second.context.close()

    web.goto("/admin/treasury/mints?kind=redeem")
    row = web.locator(".issuer-operation", has_text="123.450000 USDC").first
    expect(row.locator(".operation-status")).to_have_text("requested")
    expect(row.locator(".send-with")).to_contain_text(
        "onramp issuer redeem --amount 123.450000 --key approved-redeem-"
    )
    look(web, "admin-treasury-issuer-redeem")
    with web.expect_download() as download:
        web.get_by_role("link", name="Download these as CSV").click()
    exported = Path(download.value.path()).read_text().splitlines()
    assert exported[0].startswith("id,kind,status,amount")
    assert any(",redeem,requested,123.450000," in line for line in exported)


def test_a_treasurer_returns_a_deposit_from_suspense_to_its_sender(web: Page, stack: Stack) -> None:
    assert stack.bank is not None
    reference = f"NO ORDER {uuid.uuid4().hex[:10]}"
    paid = httpx.post(
        f"{stack.bank.url}/transfers",
        json={
            "amount": "42.50",
            "currency": "EUR",
            "reference": reference,
            "sender_name": "Stray Payer",
            "sender_iban": "DE89370400440532013000",
        },
    )
    assert paid.status_code == 202, paid.text
    signed_in_staff(web, stack, "treasurer")
    web.get_by_role("link", name="Deposits", exact=True).click()
    item = web.locator(".suspense-item", has_text=reference)
    deadline = time.monotonic() + 60
    while not item.count():  # the webhook, then the matcher, put it in suspense
        assert time.monotonic() < deadline, "the deposit never reached suspense"
        time.sleep(1)
        web.reload()
    expect(item).to_contain_text("42.50 EUR")
    expect(item).to_contain_text("unknown_reference")
    look(web, "admin-deposits-suspense")
    item.get_by_label("Why it goes back (audited)").fill("no order carries this reference")
    item.get_by_role("button", name="Return to the sender").click()
    expect(web.locator("#done")).to_contain_text("returned to its sender")
    expect(web.locator(".suspense-item", has_text=reference)).to_have_count(0)

    web.get_by_role("navigation", name="Main").get_by_role("link", name="Refunds").click()
    refunds = web.locator("#refunds tbody tr", has_text="operator_return")
    expect(refunds.first).to_contain_text("42.50 EUR")
    look(web, "admin-refunds")
    with web.expect_download() as download:
        web.get_by_role("link", name="Download these as CSV").click()
    exported = Path(download.value.path()).read_text().splitlines()
    assert exported[0].startswith("id,deposit_id,order_id,amount,currency")
    assert any(",42.50,EUR,operator_return," in line for line in exported)
    web.get_by_role("link", name="pain.001 files").click()
    expect(web.locator("#refund-files")).to_be_visible()
    look(web, "admin-refund-files")
    web.goto("/admin/deposits/files")
    expect(web.locator("#bank-files")).to_be_visible()
    look(web, "admin-bank-files")


def _breaker(page: Page) -> str:
    page.goto("/admin/treasury/circuit-breaker")
    return page.locator("#breaker-state").inner_text()


def _until_breaker(page: Page, state: str, *, paused: bool | None = None) -> None:
    deadline = time.monotonic() + 60
    while _breaker(page) != state or (
        paused is not None
        and page.locator("#vault-paused").inner_text().startswith("yes") != paused
    ):
        assert time.monotonic() < deadline, page.locator("main").inner_text()
        time.sleep(1)


def _resume(first: Page, second: Page) -> None:
    """First asks to resume, second approves: the breaker closes."""
    if _breaker(first) == "open":
        if not first.locator("#pending-resume").count():
            first.get_by_label("What was checked and found safe").fill("the drill is over")
            first.get_by_role("button", name="Ask to resume payouts").click()
        second.goto("/admin/treasury/circuit-breaker")
        second.get_by_role("button", name="Approve the resume").click()
    _until_breaker(first, "closed")


def test_two_treasurers_trip_the_breaker_and_resume_payouts(
    web: Page, browser: Browser, base_url: str, stack: Stack
) -> None:
    signed_in_staff(web, stack, "treasurer")
    second = browser.new_context(base_url=base_url).new_page()
    signed_in_staff(second, stack, "treasurer")
    assert _breaker(web) == "closed"
    try:
        web.get_by_label("Why stop every payout now").fill("drill: stop payouts")
        web.get_by_role("button", name="Trip the breaker").click()
        expect(web.locator("#breaker-state")).to_have_text("open")
        expect(web.locator("#breaker-reason")).to_contain_text("drill: stop payouts (manual)")
        _until_breaker(web, "open", paused=True)  # the risk worker paused the vault on-chain
        look(web, "admin-circuit-breaker-open")
        web.get_by_label("What was checked and found safe").fill("the drill is over")
        web.get_by_role("button", name="Ask to resume payouts").click()
        expect(web.locator("#pending-resume")).to_be_visible()
        # The one who asked cannot approve it.
        web.get_by_role("button", name="Approve the resume").click()
        expect(web.locator("main")).to_contain_text("four_eyes_violation")
        assert _breaker(web) == "open"
        second.goto("/admin/treasury/circuit-breaker")
        second.get_by_role("button", name="Approve the resume").click()
        expect(second.locator("#breaker-state")).to_have_text(re.compile("resuming|closed"))
        _until_breaker(second, "closed")
        look(second, "admin-circuit-breaker-closed")
    finally:
        _resume(web, second)  # payouts flow again for the tests that follow
        second.context.close()
