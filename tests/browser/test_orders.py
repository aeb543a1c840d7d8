"""The dashboard's orders, in Chromium: newest first, 20 a page, amounts with their currency."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
from playwright.sync_api import Page, expect

from onramp.devstack.stack import Stack
from onramp.web.customer.home import PAGE_SIZE
from tests.browser.conftest import look, sign_in
from tests.e2e.conftest import register


def _customer_with_orders(stack: Stack, count: int) -> str:
    """A verified customer (KYC tier 2) who placed ``count`` orders over the API."""

    async def run() -> str:
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
            customer = await register(client, stack)
            for _ in range(count):
                await customer.order(await customer.quote("100.00"))
            return customer.email

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_the_orders_are_listed_a_page_at_a_time(web: Page, stack: Stack) -> None:
    email = _customer_with_orders(stack, PAGE_SIZE + 1)
    sign_in(web, email=email)
    expect(web).to_have_url(re.compile(r"/app$"))
    rows = web.locator("#orders tbody tr")
    expect(rows).to_have_count(PAGE_SIZE)
    expect(rows.first).to_contain_text("100.00 EUR")
    expect(rows.first).to_contain_text("awaiting_funds")
    expect(rows.first).to_contain_text("USDC")
    look(web, "dashboard-orders")
    web.get_by_role("link", name="Older").click()
    expect(web).to_have_url(re.compile(r"/app\?before="))
    expect(rows).to_have_count(1)
    expect(web.get_by_role("link", name="Older")).to_have_count(0)
    web.get_by_role("link", name="Newest").click()
    expect(rows).to_have_count(PAGE_SIZE)
