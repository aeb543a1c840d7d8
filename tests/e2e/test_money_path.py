"""The money path over the real API, bank sandbox, NATS, workers and chain."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain import customer_wallet_address
from onramp.chain.contracts.deploy import usdc_balance
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.wallets import address_book
from tests.e2e.conftest import Customer, pay

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")

HAPPY_PATH = [
    "awaiting_funds",
    "funds_received",
    "screening",
    "priced",
    "payout_queued",
    "payout_broadcast",
    "completed",
]


async def test_a_euro_deposit_becomes_usdc_in_the_customers_wallet(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient, session: AsyncSession
) -> None:
    quote = await customer.quote("1000.00")
    assert quote["fee"] == "5.00"
    assert quote["rate"] == "1.1229496"  # ECB USD 1.1252 less the 20 bps spread
    assert quote["target_amount"] == "1117.334852"
    order = await customer.order(quote)
    assert order["state"] == "awaiting_funds"
    wallet = customer_wallet_address(stack.deployment.wallet_factory, uuid.UUID(customer.user_id))
    assert order["destination_address"] == wallet
    instructions = order["deposit_instructions"]
    assert instructions["reference"].startswith("RF")
    assert instructions["amount"] == "1000.00"
    assert instructions["iban"] == stack.settings.banking.treasury_iban

    await pay(bank, order)
    done = await customer.wait_for(order["id"], "completed")

    assert [h["to_state"] for h in done["history"]] == HAPPY_PATH
    assert done["target_amount"] == "1117.334852"
    assert (done["pricing_rule"], done["price_difference"]) == ("firm_quote", "0.000000")
    assert done["payout"]["status"] == "confirmed"
    assert done["payout"]["tx_hash"].startswith("0x")
    assert done["payout"]["block_number"] > 0
    # Signed in the HSM: the transaction comes from the token key's address.
    assert stack.settings.chain.signer == "hsm"
    payout_tx = Web3(Web3.HTTPProvider(stack.anvil.url)).eth.get_transaction(
        done["payout"]["tx_hash"]
    )
    assert payout_tx["from"] == stack.payout_address
    on_chain = usdc_balance(stack.anvil.url, stack.deployment.usdc, wallet)
    assert Money(on_chain, "USDC") == Money.parse("1117.334852", "USDC")

    # The customer's accounts are settled: EUR converted, USDC paid out.
    rows = await session.execute(
        text("SELECT code, balance FROM ledger_accounts WHERE code LIKE :prefix"),
        {"prefix": f"customer:{customer.user_id}:%"},
    )
    assert {code: int(balance) for code, balance in rows} == {
        f"customer:{customer.user_id}:EUR": 0,
        f"customer:{customer.user_id}:USDC": 0,
    }


async def test_payout_goes_to_an_explicit_destination(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    destination = "0x" + uuid.uuid4().hex + "00000000"
    async with unit_of_work(sessions) as session:  # the step-up route: test_payment_details
        await address_book.add_wallet(
            session,
            customer_id=uuid.UUID(customer.user_id),
            label="elsewhere",
            address=destination,
            now=utcnow(),
        )
    quote = await customer.quote("250.00")
    order = await customer.order(quote, destination_address=destination.lower())
    await pay(bank, order, reference=order["deposit_instructions"]["reference"].lower())
    done = await customer.wait_for(order["id"], "completed")
    assert done["payout"]["to"].lower() == destination.lower()
    expected = Money.parse(done["target_amount"], "USDC")
    assert (
        Money(usdc_balance(stack.anvil.url, stack.deployment.usdc, done["payout"]["to"]), "USDC")
        == expected
    )
    assert Decimal(done["fee"]) == Decimal("1.25")


async def test_many_orders_settle_in_batches(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    orders = [await customer.order(await customer.quote(f"{100 + i}.00")) for i in range(20)]
    for order in orders:
        await pay(bank, order)
    for order in orders:
        done = await customer.wait_for(order["id"], "completed")
        assert done["payout"]["status"] == "confirmed"
    listed = (await customer.client.get("/v1/orders", params={"limit": 100})).json()["data"]
    assert {o["id"] for o in orders} <= {o["id"] for o in listed}
