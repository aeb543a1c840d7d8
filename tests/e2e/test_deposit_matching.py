"""Deposits that do not quote their order's reference exactly, over the whole stack: a standing
reference places its own order, an underpayment is priced as received, an expired order's money
is held for an operator, who assigns it from the suspense queue."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.clock import utcnow
from onramp.devstack.stack import Stack
from onramp.orders.steps.expiry import expire_unpaid
from tests.e2e.conftest import Customer, pay

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")


def _transfer(reference: str, amount: str) -> dict[str, Any]:
    return {"deposit_instructions": {"amount": amount, "currency": "EUR", "reference": reference}}


async def _orders(customer: Customer) -> list[dict[str, Any]]:
    response = await customer.client.get("/v1/orders")
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_a_standing_reference_converts_every_deposit(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    made = await customer.client.post("/v1/me/standing-reference", json={})
    assert made.status_code == 200, made.text
    standing = made.json()
    again = await customer.client.post("/v1/me/standing-reference", json={})
    assert again.json()["reference"] == standing["reference"]
    pay_to = {a["currency"]: a for a in standing["pay_to"]}
    assert pay_to["EUR"]["iban"] == stack.settings.banking.treasury_iban
    assert (pay_to["USD"]["scheme"], pay_to["USD"]["routing_number"]) == ("us_aba", "021000021")

    await pay(bank, _transfer(standing["reference"], "150.00"))
    await pay(bank, _transfer(standing["reference"].replace(" ", "").lower(), "75.00"))

    placed = await _wait_for_orders(customer, 2)
    assert {o["origin"] for o in placed} == {"standing_reference"}
    assert sorted(o["source_amount"] for o in placed) == ["150.00", "75.00"]
    for order in placed:
        done = await customer.wait_for(order["id"], "completed")
        assert done["quote_id"] is None
        assert done["quoted_target_amount"] is None
        assert done["destination_address"] == standing["destination_address"]
        assert Decimal(done["target_amount"]) > 0

    revoked = await customer.client.delete("/v1/me/standing-reference")
    assert revoked.status_code == 204
    assert (await customer.client.get("/v1/me/standing-reference")).status_code == 404


async def _wait_for_orders(customer: Customer, count: int) -> list[dict[str, Any]]:
    for _ in range(120):
        found = await _orders(customer)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"{count} orders were not placed: {found}")


async def test_an_underpayment_is_priced_as_received(
    customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("200.00"))

    await pay(bank, order, amount="150.00")

    done = await customer.wait_for(order["id"], "completed")
    assert done["target_amount"] != done["quoted_target_amount"]
    assert Decimal(done["target_amount"]) < Decimal(done["quoted_target_amount"]) * 3 / 4 + 1
    priced = next(h for h in done["history"] if h["to_state"] == "priced")
    assert priced["reason"] == "priced at funds time"


async def test_money_for_an_expired_order_goes_back_to_its_sender(
    customer: Customer, bank: httpx.AsyncClient, session: AsyncSession
) -> None:
    stale = await customer.order(await customer.quote("90.00"))
    # Paid, its funding on its way to the orders worker (the expectation fulfilled, the order
    # still awaiting funds): never expired, and never counted, so the loop below ends.
    paid = await customer.order(await customer.quote("91.00"))
    await session.execute(
        text("UPDATE deposit_expectations SET status = 'fulfilled' WHERE order_id = :id"),
        {"id": uuid.UUID(paid["id"])},
    )
    # A week passes unpaid (the order_expiry worker runs this every minute).
    while await expire_unpaid(
        session, now=utcnow() + timedelta(days=8), after=timedelta(hours=168), limit=500
    ):
        pass
    await session.commit()
    assert (await customer.get_order(stale["id"]))["state"] == "expired"
    assert (await customer.get_order(paid["id"]))["state"] == "awaiting_funds"

    await pay(bank, stale, sender_iban="DE02120300000000202051")  # a late payment

    refunds = await _wait_for_refund(customer, stale["id"], "completed")
    assert [(r["amount"], r["currency"]) for r in refunds] == [("90.00", "EUR")]
    assert (await customer.get_order(stale["id"]))["state"] == "expired"
    paid_back = await bank.get("/payments", params={"creditor_account": "DE02120300000000202051"})
    assert [p["amount"] for p in paid_back.json()["data"]] == ["90.00"]


async def test_an_overpayment_converts_what_was_ordered_and_returns_the_rest(
    customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("100.00"))

    await pay(bank, order, amount="130.00")

    done = await customer.wait_for(order["id"], "completed")
    assert done["pricing_rule"] == "firm_quote"  # the quote's amount, in time
    refunds = await _wait_for_refund(customer, order["id"], "completed")
    assert [r["amount"] for r in refunds] == ["30.00"]


async def _wait_for_refund(customer: Customer, order_id: str, status: str) -> list[dict[str, Any]]:
    for _ in range(120):
        refunds: list[dict[str, Any]] = (await customer.get_order(order_id))["refunds"]
        if refunds and all(r["status"] == status for r in refunds):
            return refunds
        await asyncio.sleep(0.5)
    raise AssertionError(f"no {status} refund for {order_id}: {refunds}")


async def test_an_operator_assigns_a_deposit_without_reference_to_its_order(
    customer: Customer, bank: httpx.AsyncClient, treasurer: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("91.17"))
    note = f"for my order {uuid.uuid4().hex[:8]}"
    await pay(bank, order, reference=note)

    item = await _wait_in_suspense(treasurer, note)
    assert (item["reason"], item["amount"]) == ("unknown_reference", "91.17")
    assigned = await treasurer.post(
        f"/v1/admin/deposits/{item['id']}/assign",
        json={"order_id": order["id"], "note": "customer called, forgot the reference"},
    )
    assert assigned.status_code == 200, assigned.text
    await customer.wait_for(order["id"], "completed")

    twice = await treasurer.post(
        f"/v1/admin/deposits/{item['id']}/assign",
        json={"order_id": order["id"], "note": "again"},
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "deposit_not_in_suspense"
    forbidden = await customer.client.get("/v1/admin/deposits/suspense")
    assert forbidden.status_code == 403


async def _wait_in_suspense(treasurer: httpx.AsyncClient, reference: str) -> dict[str, Any]:
    for _ in range(120):
        params: dict[str, Any] = {"limit": 200}
        while True:
            response = await treasurer.get("/v1/admin/deposits/suspense", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            for item in page["data"]:
                if item["reference_text"] == reference:
                    return item  # type: ignore[no-any-return]
            if page["next_after"] is None:
                break
            params["after"] = page["next_after"]
        await asyncio.sleep(0.5)
    raise AssertionError(f"no deposit {reference!r} in suspense")


async def test_an_underpayment_below_the_minimum_order_waits_for_a_person(
    customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("20.00"))

    await pay(bank, order, amount="4.00")

    held = await customer.wait_for(order["id"], "manual_review")
    assert held["target_amount"] is None


async def test_a_held_order_whose_deposit_the_bank_returns_can_never_be_released(
    customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("20.00"))
    transfer = await pay(bank, order, amount="4.00")
    await customer.wait_for(order["id"], "manual_review")

    response = await bank.post(f"/transfers/{transfer['id']}/return", json={"reason": "AC04"})
    assert response.status_code == 202, response.text

    done = await customer.wait_for(order["id"], "refunded")
    assert [h["to_state"] for h in done["history"]][-3:] == [
        "rejected",
        "refund_pending",
        "refunded",
    ]


async def test_a_dollar_order_is_paid_by_routing_and_account_number(customer: Customer) -> None:
    order = await customer.order(await customer.quote("250.00", "USD"))

    pay_to = order["deposit_instructions"]
    assert (pay_to["scheme"], pay_to["routing_number"], pay_to["currency"]) == (
        "us_aba",
        "021000021",
        "USD",
    )
    assert pay_to["iban"] is None
