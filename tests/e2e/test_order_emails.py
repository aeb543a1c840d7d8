"""The customer's emails as their order moves, read from the mail sandbox's inbox as they would
read theirs: where to pay, money received, USDC sent with its transaction, completed. A customer
who turned email off gets none of them."""

from __future__ import annotations

import asyncio

import httpx

from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay


async def _subjects(stack: Stack, to: str, *, wanted: int) -> list[str]:
    """The subjects of the order emails to ``to``, once ``wanted`` of them arrived (or 10 s)."""
    subjects: list[str] = []
    async with httpx.AsyncClient(base_url=stack.mail.url) as mail:
        for _ in range(200):
            messages = (await mail.get("/messages", params={"to": to})).json()["data"]
            subjects = [m["subject"] for m in messages if "order" in m["subject"].lower()]
            if len(subjects) >= wanted:
                break
            await asyncio.sleep(0.05)
    return subjects


async def test_a_completed_order_leaves_the_customer_its_emails_once_each(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("40.00"))
    await pay(bank, order)
    done = await customer.wait_for(order["id"], "completed")
    short = order["id"][:8]

    subjects = await _subjects(stack, customer.email, wanted=4)

    assert sorted(subjects) == sorted(
        [
            f"Pay 40.00 EUR to complete order {short}",
            f"We received 40.00 EUR for order {short}",
            f"{done['target_amount']} USDC sent for order {short}",
            f"Order {short} is complete",
        ]
    )
    async with httpx.AsyncClient(base_url=stack.mail.url) as mail:
        messages = (await mail.get("/messages", params={"to": customer.email})).json()["data"]
    instructions = next(m for m in messages if m["subject"].startswith("Pay "))
    assert order["deposit_instructions"]["reference"] in instructions["text"]
    assert order["deposit_instructions"]["iban"] in instructions["text"]
    sent = next(m for m in messages if " USDC sent " in m["subject"])
    assert "Transaction: 0x" in sent["text"]


async def test_a_customer_who_turned_email_off_gets_no_order_email(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    turned_off = await customer.client.put("/v1/me/preferences", json={"notification_channels": []})
    assert turned_off.status_code == 200, turned_off.text
    order = await customer.order(await customer.quote("30.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    await asyncio.sleep(1.0)  # the mailer would have sent them by now

    assert await _subjects(stack, customer.email, wanted=1) == []
