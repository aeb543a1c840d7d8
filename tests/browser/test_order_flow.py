"""A customer's money path in Chromium: sign up, quote, order, pay the instructions the page
shows (the EPC QR code's payload, read off the page, is what the sandbox bank pays), watch the
order complete without reloading, then find it in the history, filtered and as CSV."""

from __future__ import annotations

import asyncio
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from tests.browser.conftest import emailed_token, look, new_email, sign_in, sign_up
from tests.e2e.conftest import grant_kyc_tier

ACCEPT_FIELDS = (
    "csrf_token",
    "quote_id",
    "amount",
    "currency",
    "quote_signature",
    "idempotency_key",
)
COMPLETION_MS = 240_000  # the whole stack on two cores: bank webhook, workers, chain


def _in_thread(coroutine: object) -> None:
    with ThreadPoolExecutor(1) as pool:  # its own loop: Playwright's sync API keeps one running
        pool.submit(asyncio.run, coroutine).result()  # type: ignore[arg-type]


def _bank_pays(stack: Stack, *, amount: str, reference: str) -> None:
    """The customer's bank sends the transfer the QR code describes."""
    assert stack.bank is not None
    answer = httpx.post(
        f"{stack.bank.url}/transfers",
        json={
            "amount": amount,
            "currency": "EUR",
            "reference": reference,
            "sender_name": "Ada Lovelace",
            "sender_iban": "GB33BUKB20201555555555",
        },
        timeout=10.0,
    )
    assert answer.status_code == 202, answer.text


def _signed_up_and_in(web: Page, stack: Stack) -> str:
    email = new_email()
    sign_up(web, email=email)
    web.goto(f"/verify-email?token={emailed_token(stack, email)}")
    web.get_by_role("button", name="Confirm my email").click()
    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    return email


def _quote(web: Page, amount: str, *, from_nav: bool = True) -> None:
    """Quote EUR ``amount`` from the navigation, or on the quote form shown (a refused one)."""
    if from_nav:
        web.get_by_role("link", name="Buy USDC").first.click()
        expect(web).to_have_url(re.compile(r"/app/quote$"))
    web.get_by_label("You pay").fill(amount)
    web.get_by_label("Currency").select_option("EUR")
    web.get_by_role("button", name="Get a quote").click()


def test_a_customer_buys_usdc_from_sign_up_to_a_completed_order(web: Page, stack: Stack) -> None:
    _signed_up_and_in(web, stack)
    web.get_by_role("link", name="Buy USDC").first.click()
    look(web, "quote-form")
    _quote(
        web, "12.345", from_nav=False
    )  # more decimals than EUR has: the form again, with the reason
    look(web, "quote-form-refused")
    expect(web.get_by_role("alert")).to_contain_text("decimals")
    expect(web.get_by_label("You pay")).to_have_value("12.345")

    _quote(web, "250.00", from_nav=False)  # corrected on the refused form
    expect(web.get_by_role("heading", name="Your quote")).to_be_visible()
    expect(web.locator("#quote-pay")).to_have_text("250.00 EUR")
    expect(web.locator("#quote-fee")).to_contain_text("EUR")
    expect(web.locator("#quote-receive")).to_contain_text("USDC")
    expect(web.locator("#quote-expiry time")).to_contain_text("UTC")
    expect(web.locator("[data-expires-at]")).to_have_text(re.compile(r"\d+:\d\d left"))
    look(web, "quote")
    # Not verified yet (KYC tier 0): the order is refused, the quote form says why.
    web.get_by_role("button", name="Accept and place the order").click()
    expect(web.get_by_role("alert")).to_contain_text("Verify your identity")
    expect(web.get_by_label("You pay")).to_have_value("250.00")

    _verified_customer_orders_and_pays(web, stack)


def _verified_customer_orders_and_pays(web: Page, stack: Stack) -> None:
    user_id = _user_id_of(web)
    _in_thread(grant_kyc_tier(stack.settings.database.url, user_id, 2))
    _quote(web, "250.00", from_nav=False)
    accept = web.locator('form[action="/app/orders"]')
    sent: dict[str, str | float | bool] = {
        n: accept.locator(f'input[name="{n}"]').input_value() for n in ACCEPT_FIELDS
    }
    web.get_by_role("button", name="Accept and place the order").click()
    expect(web).to_have_url(re.compile(r"/app/orders/[0-9a-f-]{36}$"))
    order_url = web.url
    # The same form sent again (a second click, a resubmission) finds the same order.
    origin = order_url.split("/app/", 1)[0]
    again = web.request.post(
        "/app/orders", form=sent, headers={"origin": origin, "accept": "text/html"}, max_redirects=0
    )
    assert again.status == 303, again.text()
    assert origin + again.headers["location"] == order_url

    payload = web.locator("#epc-payload").get_attribute("data-payload")
    assert payload is not None
    lines = payload.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    bic, name, iban, amount, purpose, reference = lines[4:10]
    expect(web.locator("#pay-bic")).to_have_text(bic)
    expect(web.locator("#pay-name")).to_have_text(name)
    expect(web.locator("#pay-iban")).to_have_text(iban)
    assert amount == "EUR250.00"
    assert purpose == ""
    expect(web.locator("#pay-reference")).to_have_text(
        " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    )
    expect(web.locator("img.epc-qr")).to_have_attribute("src", re.compile(r"^data:image/svg"))
    expect(web.locator("#order-state")).to_have_text("awaiting_funds")
    look(web, "order")

    _bank_pays(stack, amount=amount.removeprefix("EUR"), reference=reference)
    # No reload: the progress section follows the order's events.
    expect(web.locator("#order-state")).to_have_text("completed", timeout=COMPLETION_MS)
    assert web.url == order_url
    expect(web.locator("#payout-tx")).to_have_text(re.compile(r"^0x[0-9a-f]{64}$"))
    look(web, "order-completed")
    web.reload()  # without JavaScript's events, a reload shows the same
    expect(web.locator("#order-state")).to_have_text("completed")
    expect(web.locator("#epc-payload")).to_have_count(0)  # nothing more to pay
    expect(web.locator("#no-instructions")).to_be_visible()

    _history(web, order_id=order_url.rsplit("/", 1)[1])


def _user_id_of(web: Page) -> str:
    """The signed-in customer's id, as the API tells them."""
    answer = web.request.get("/v1/me", headers={"accept": "application/json"})
    assert answer.status == 200, answer.text()
    user_id: str = answer.json()["id"]
    return user_id


def _history(web: Page, *, order_id: str) -> None:
    web.get_by_role("link", name="Orders", exact=True).click()
    expect(web).to_have_url(re.compile(r"/app/orders$"))
    rows = web.locator("#orders tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("completed")
    expect(rows.first).to_contain_text("250.00 EUR")
    look(web, "orders")
    web.get_by_label("State").select_option("awaiting_funds")
    web.get_by_role("button", name="Filter").click()
    expect(web).to_have_url(re.compile(r"state=awaiting_funds"))
    expect(web.locator("#no-orders")).to_be_visible()
    web.get_by_label("State").select_option("completed")
    web.get_by_label("Placed to (UTC day)").fill("2000-01-01")
    web.get_by_role("button", name="Filter").click()
    expect(web.locator("#no-orders")).to_be_visible()  # placed after that day
    web.get_by_label("Placed to (UTC day)").fill("")
    web.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)

    with web.expect_download() as download:
        web.get_by_role("link", name="Download CSV").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("order_id,placed_at,state")
    assert len(lines) == 2
    assert lines[1].startswith(f"{order_id},")
    assert ",completed,250.00,EUR," in lines[1]
    none = web.request.get("/app/orders.csv?state=awaiting_funds")
    assert none.text().splitlines()[1:] == []
    refused = web.request.get(
        "/app/orders.csv?placed_from=2030-01-02&placed_to=2030-01-01",
        headers={"accept": "text/html"},
    )
    assert refused.status == 422
    assert "ends before it starts" in refused.text()
    # An order that is not theirs (here: none at all) is not found, page and events alike.
    for path in (f"/app/orders/{uuid.uuid4()}", f"/app/orders/{uuid.uuid4()}/events"):
        assert web.request.get(path, headers={"accept": "text/html"}).status == 404
