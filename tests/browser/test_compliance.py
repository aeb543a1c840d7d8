"""Compliance officers in the back office, in Chromium: an order held by the sanctions screen
opens a case; officer A claims it, notes and asks for its release; above the four-eyes
threshold the release waits, A may not approve it, officer B does, and the order moves on. The
KYC queue, the screenings and the re-screens are there to read and filter."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from onramp import compliance
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from tests.browser.conftest import (
    PASSWORD,
    emailed_token,
    look,
    new_email,
    run_sql,
    signed_in_staff,
)

SUBSET = Path(__file__).resolve().parents[1] / "data" / "ofac" / "sdn_advanced_subset.xml"
LISTED_ETH = "0xdcbEfFBECcE100cCE9E4b153C4e15cB885643193"  # Roman Semenov, SDN entry 44718
AMOUNT = "1500.00"  # EUR: above the default 1,000 EUR four-eyes threshold of a release


def _load_sanctions_list(stack: Stack) -> None:
    async def load() -> None:
        engine = create_engine(stack.settings.database.url, pool_size=1, max_overflow=0)
        try:
            async with unit_of_work(session_factory(engine)) as session:
                await compliance.load_version(session=session, path=SUBSET, actor="test:web")
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, load()).result()


def _customer(api: httpx.Client, stack: Stack) -> None:
    """A customer at KYC tier 2 with a saved wallet at a listed address, signed in on ``api``."""
    email = new_email()
    user_id = api.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Held Buyer"}
    ).json()["id"]
    token = emailed_token(stack, email)
    assert api.post("/v1/auth/email-verification", json={"token": token}).status_code == 204
    run_sql(
        stack,
        "INSERT INTO kyc_cases (id, customer_id, tier_requested, tier_granted, status, vendor,"
        " attempts, reasons, document_types, created_at, submitted_at, reviewed_at, expires_at)"
        " VALUES (:id, :customer, 2, 2, 'approved', 'test', 1, '[]', '[]', now(), now(), now(),"
        " now() + interval '365 days')",
        id=uuid.uuid4(),
        customer=uuid.UUID(user_id),
    )
    # Saved before the list is loaded: adding a listed address is refused.
    run_sql(
        stack,
        "INSERT INTO destination_wallets (id, customer_id, label, address, custody, created_at)"
        " VALUES (:id, :customer, 'listed', :address, 'self_hosted', now())",
        id=uuid.uuid4(),
        customer=uuid.UUID(user_id),
        address=LISTED_ETH,
    )
    login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"


def _held_order(stack: Stack) -> dict[str, Any]:
    """An order to the listed address, paid, and held in manual review by the deposit's screen."""
    assert stack.api_url
    assert stack.bank
    with httpx.Client(base_url=stack.api_url, timeout=20.0) as api:
        _customer(api, stack)
        quote = api.post("/v1/quotes", json={"source_currency": "EUR", "source_amount": AMOUNT})
        assert quote.status_code == 201, quote.text
        placed = api.post(
            "/v1/orders",
            json={
                "quote_id": quote.json()["id"],
                "source_currency": "EUR",
                "source_amount": AMOUNT,
                "destination_address": LISTED_ETH,
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert placed.status_code == 201, placed.text
        order: dict[str, Any] = placed.json()
        _load_sanctions_list(stack)
        instructions = order["deposit_instructions"]
        paid = httpx.post(
            f"{stack.bank.url}/transfers",
            json={
                "amount": instructions["amount"],
                "currency": instructions["currency"],
                "reference": instructions["reference"],
                "sender_name": "Held Buyer",
                "sender_iban": "GB33BUKB20201555555555",
            },
        )
        assert paid.status_code == 202, paid.text
        deadline = time.monotonic() + 120
        while (state := api.get(f"/v1/orders/{order['id']}").json()["state"]) != "manual_review":
            assert time.monotonic() < deadline, f"order {order['id']} is {state}"
            time.sleep(0.5)
    return order


def _second_officer(browser: Browser, base_url: str, stack: Stack) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    signed_in_staff(page, stack, "compliance_officer")
    return page


def test_a_held_order_is_released_by_two_compliance_officers(
    web: Page, browser: Browser, base_url: str, stack: Stack
) -> None:
    order = _held_order(stack)
    signed_in_staff(web, stack, "compliance_officer")
    web.get_by_role("link", name="Compliance cases").click()
    expect(web.get_by_role("heading", name="Compliance cases")).to_be_visible()
    look(web, "admin-compliance-cases")
    with web.expect_download() as download:
        web.get_by_role("link", name="Download these as CSV").click()
    exported = Path(download.value.path()).read_text().splitlines()
    assert exported[0].startswith("id,customer_id,status,severity")
    web.get_by_label("Severity").select_option("high")
    web.get_by_role("button", name="Filter").click()
    expect(web).to_have_url(re.compile(r"severity=high"))

    # The case holding the order: straight from the queue's link.
    case_url = _case_url(web, order["id"])
    web.goto(case_url)
    held = web.locator("#held-orders tbody tr", has_text=order["id"])
    expect(held).to_contain_text("manual_review")
    expect(held).to_contain_text("1500.00 EUR")
    expect(web.locator("#alerts")).to_contain_text("sanctions_address")
    look(web, "admin-compliance-case")

    web.get_by_role("button", name="Assign").click()
    expect(web.locator("#case-assignee")).to_have_text("me")
    web.get_by_label("A note").fill("The name matches; the address is the customer's own.")
    web.get_by_role("button", name="Add the note").click()
    expect(web.locator("#comments")).to_contain_text("the address is the customer's own")

    web.get_by_label("Release the held orders").check()
    web.get_by_label("Reason").fill("false positive: checked the wallet's history")
    web.get_by_role("button", name="Decide").click()
    expect(web.locator("#pending-approval")).to_be_visible()
    expect(web.locator("#case-status")).to_have_text("open")
    expect(held).to_contain_text("manual_review")
    look(web, "admin-compliance-case-pending")

    # The officer who asked cannot approve their own release.
    web.get_by_role("button", name="Approve the release").click()
    expect(web.locator("main")).to_contain_text("four_eyes_violation")
    web.goto(case_url)
    expect(held).to_contain_text("manual_review")

    second = _second_officer(browser, base_url, stack)
    second.goto(case_url)
    second.get_by_label("Your reason (optional)").fill("agreed")
    second.get_by_role("button", name="Approve the release").click()
    expect(second.locator("#case-status")).to_have_text("closed")
    expect(second.locator("#case-decision")).to_contain_text("release")
    look(second, "admin-compliance-case-released")
    # The order moves on: priced and paid by the workers, out of manual review.
    deadline = time.monotonic() + 60
    while "manual_review" in (text := second.locator("#held-orders").inner_text()):
        assert time.monotonic() < deadline, text
        time.sleep(1)
        second.reload()
    second.context.close()


def _case_url(page: Page, order_id: str) -> str:
    """The back office's page of the case holding ``order_id`` (the newest open high case)."""
    page.goto("/admin/compliance/cases?status=open&severity=high")
    for link in page.locator("#cases a").all():
        href = link.get_attribute("href")
        assert href
        page.goto(href)
        if page.locator("#held-orders", has_text=order_id).count():
            return href
        page.go_back()
    raise AssertionError(f"no open case holds {order_id}")


def test_an_officer_filters_the_kyc_queue_and_the_screenings(web: Page, stack: Stack) -> None:
    signed_in_staff(web, stack, "compliance_officer")
    web.get_by_role("link", name="KYC review").click()
    expect(web.get_by_role("heading", name="KYC review queue")).to_be_visible()
    web.get_by_label("Status").select_option("approved")
    web.get_by_role("button", name="Filter").click()
    expect(web).to_have_url(re.compile(r"status=approved"))
    look(web, "admin-kyc-queue")
    web.get_by_role("link", name="Screenings").click()
    expect(web.locator("#screenings")).to_be_visible()
    web.get_by_label("Decision").select_option("clear")
    web.get_by_role("button", name="Filter").click()
    expect(web.locator("#screenings tbody tr").first).to_be_visible()
    expect(web.locator("#screenings .text-bg-danger")).to_have_count(0)  # no hit among them
    look(web, "admin-screenings")
    # One a page: the older one is the next page's, the filter kept; "Newest" comes back.
    subject_type = f"paging{uuid.uuid4().hex[:8]}"
    for n in (1, 2):
        run_sql(
            stack,
            "INSERT INTO screening_records (id, point, kind, subject_type, subject_id, decision,"
            " score, reason, list_versions, created_at) VALUES (:id, 'registration',"
            " 'sanctions_name', :subject_type, :subject_id, 'clear', 0, 'paging', '[]', now())",
            id=str(uuid7()),
            subject_type=subject_type,
            subject_id=f"subject-{n}",
        )
    web.get_by_label("Subject type").fill(subject_type)
    web.get_by_label("How many a page").fill("1")
    web.get_by_role("button", name="Filter").click()
    rows = web.locator("#screenings tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("subject-2")
    pages = web.get_by_role("navigation", name="Screening pages")
    pages.get_by_role("link", name="Older").click()
    expect(web).to_have_url(re.compile(rf"subject_type={subject_type}.*before="))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("subject-1")
    pages.get_by_role("link", name="Newest").click()
    expect(rows.first).to_contain_text("subject-2")
    web.get_by_role("link", name="Re-screens after list updates").click()
    expect(web.get_by_role("heading", name="Re-screens after list updates")).to_be_visible()
    look(web, "admin-rescreens")
