"""Staff and customers' orders over the running stack: staff read and search any order, and a
failed payout has a way out, each with four eyes: sent again (paid exactly once on-chain) or
the fiat refunded (the conversion reversed, the deposit returned)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from eth_utils.crypto import keccak
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.addresses import order_id_bytes32
from onramp.chain.contracts.deploy import Deployer, usdc_balance
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.stack import Stack
from onramp.wallets import address_book
from tests.e2e.conftest import Customer, pay, staff

PAYOUT_TOPIC = "0x" + keccak(text="Payout(bytes32,address,uint256)").hex()


@pytest.fixture
async def support(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with staff(stack, sessions, "support") as client:
        yield client


def _payout_logs(stack: Stack, order_id: str) -> list[Any]:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    return list(
        w3.eth.get_logs(
            {
                "address": Web3.to_checksum_address(stack.deployment.vault),
                "fromBlock": 0,
                "toBlock": "latest",
                "topics": [PAYOUT_TOPIC, "0x" + order_id_bytes32(uuid.UUID(order_id)).hex()],
            }
        )
    )


def _usdc_blacklist(stack: Stack, address: str, *, listed: bool) -> None:
    """What Circle does to an address (TestUSDC's blacklister is the local deployer)."""
    deployer = Deployer(stack.anvil.url, ANVIL_DEPLOYER_KEY)
    receipt = deployer.call(
        "TestUSDC", stack.deployment.usdc, "blacklist" if listed else "unBlacklist", address
    )
    assert receipt["status"] == 1


async def _failed_order(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[dict[str, Any], str]:
    """An order whose payout the vault refused: its destination is on USDC's blacklist (a
    cause of the one payout, so the payout and its order fail). Returns it and the address."""
    destination = Web3.to_checksum_address("0x" + uuid.uuid4().hex + "0000dead")
    async with unit_of_work(sessions) as session:  # the step-up route: test_payment_details
        await address_book.add_wallet(
            session,
            customer_id=uuid.UUID(customer.user_id),
            label="blacklisted",
            address=destination,
            now=utcnow(),
        )
    _usdc_blacklist(stack, destination, listed=True)
    order = await customer.order(await customer.quote("250.00"), destination_address=destination)
    await pay(bank, order)
    failed = await customer.wait_for(order["id"], "failed")
    assert failed["payout"]["status"] == "failed"
    return failed, destination


async def _request(
    client: httpx.AsyncClient, order_id: str, action: str, *, key: str | None = None
) -> httpx.Response:
    return await client.post(
        f"/v1/admin/orders/{order_id}/{action}",
        json={"reason": "the recipient was delisted; checked with the customer"},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


async def _balances(sessions: async_sessionmaker[AsyncSession], customer_id: str) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(
            text("SELECT code, balance FROM ledger_accounts WHERE code LIKE :prefix"),
            {"prefix": f"customer:{customer_id}:%"},
        )
        return {code.rsplit(":", 1)[1]: int(balance) for code, balance in rows}


async def test_staff_read_any_customers_order(
    stack: Stack,
    customer: Customer,
    other_customer: Customer,
    support: httpx.AsyncClient,
) -> None:
    order = await customer.order(await customer.quote("120.00"))
    url = f"/v1/admin/orders/{order['id']}"

    seen = await support.get(url)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert (body["id"], body["customer_id"], body["state"]) == (
        order["id"],
        customer.user_id,
        "awaiting_funds",
    )
    assert body["source_amount"] == "120.00"
    assert [h["to_state"] for h in body["history"]] == ["awaiting_funds"]
    assert body["payout"] is None

    # Customers use their own routes; staff routes are closed to them, their own order too.
    for who in (customer, other_customer):
        denied = await who.client.get(url)
        assert denied.status_code == 403
        assert denied.json()["code"] == "permission_denied"
    missing = await support.get(f"/v1/admin/orders/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "order_not_found"


async def test_staff_search_orders_by_each_filter_a_page_at_a_time(
    customer: Customer, support: httpx.AsyncClient
) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    placed = [await customer.order(await customer.quote(f"{a}.00")) for a in (101, 102, 103)]
    ids = [o["id"] for o in placed]

    async def search(**params: Any) -> dict[str, Any]:
        response = await support.get("/v1/admin/orders", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    mine = await search(customer_id=customer.user_id)
    assert [o["id"] for o in mine["data"]] == ids[::-1]  # newest first
    assert mine["next_cursor"] is None

    first = await search(customer_id=customer.user_id, limit=2)
    assert [o["id"] for o in first["data"]] == [ids[2], ids[1]]
    second = await search(customer_id=customer.user_id, limit=2, cursor=first["next_cursor"])
    assert [o["id"] for o in second["data"]] == [ids[0]]
    assert second["next_cursor"] is None

    reference = placed[1]["deposit_instructions"]["reference"]  # printed with spaces
    by_reference = await search(reference=reference.lower())
    assert [o["id"] for o in by_reference["data"]] == [ids[1]]

    amount = await search(
        customer_id=customer.user_id, amount_min="102", amount_max="103.00", currency="EUR"
    )
    assert [o["id"] for o in amount["data"]] == [ids[2], ids[1]]
    assert (await search(customer_id=customer.user_id, currency="USD"))["data"] == []

    waiting = await search(customer_id=customer.user_id, state="awaiting_funds")
    assert len(waiting["data"]) == 3
    assert (await search(customer_id=customer.user_id, state="completed"))["data"] == []

    window = await search(customer_id=customer.user_id, created_from=before.isoformat())
    assert len(window["data"]) == 3
    ended = await search(customer_id=customer.user_id, created_to=before.isoformat())
    assert ended["data"] == []

    # Across customers: the newest orders of everyone, this customer's among them.
    everyone = await search(created_from=before.isoformat(), limit=100)
    assert set(ids) <= {o["id"] for o in everyone["data"]}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"state": "lost"}, "request_invalid"),
        ({"customer_id": "someone"}, "request_invalid"),
        ({"created_from": "yesterday"}, "request_invalid"),
        ({"limit": "1000"}, "request_invalid"),
        ({"limit": "0"}, "request_invalid"),
        ({"amount_min": "10.00"}, "order_search_invalid"),
        ({"amount_min": "20", "amount_max": "10", "currency": "EUR"}, "order_search_invalid"),
        ({"amount_min": "1.001", "currency": "EUR"}, "amount_too_precise"),
        ({"amount_min": "NaN", "currency": "EUR"}, "invalid_amount"),
        ({"currency": "ZZZ"}, "unknown_currency"),
        ({"reference": "RF00 0000"}, "invalid_creditor_reference"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor_invalid"),
        ({"cursor": "x" * 500}, "request_invalid"),
        (
            {"created_from": "2026-01-02T00:00:00Z", "created_to": "2026-01-01T00:00:00Z"},
            "order_search_invalid",
        ),
    ],
)
async def test_bad_search_parameters_are_422_problems(
    support: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    response = await support.get("/v1/admin/orders", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


async def test_a_failed_payout_is_retried_with_four_eyes_and_paid_once(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    treasurer: httpx.AsyncClient,
    second_treasurer: httpx.AsyncClient,
    support: httpx.AsyncClient,
) -> None:
    failed, destination = await _failed_order(stack, customer, bank, sessions)
    order_id = failed["id"]
    seen = (await treasurer.get(f"/v1/admin/orders/{order_id}")).json()
    assert seen["payout"]["failure"]  # the vault's revert, for staff

    # Who may not: a customer, support (reads only), a request without an Idempotency-Key.
    assert (await _request(customer.client, order_id, "retry-payout")).status_code == 403
    assert (await _request(support, order_id, "retry-payout")).status_code == 403
    keyless = await treasurer.post(
        f"/v1/admin/orders/{order_id}/retry-payout", json={"reason": "delisted"}
    )
    assert keyless.status_code == 400
    assert keyless.json()["code"] == "idempotency_key_required"

    key = uuid.uuid4().hex
    requested = await _request(treasurer, order_id, "retry-payout", key=key)
    assert requested.status_code == 202, requested.text
    approval = requested.json()
    assert (approval["action"], approval["status"]) == ("orders.retry_payout", "pending")
    replay = await _request(treasurer, order_id, "retry-payout", key=key)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == approval
    # One way out at a time: no refund while the retry waits.
    both = await _request(second_treasurer, order_id, "refund")
    assert both.status_code == 409
    assert both.json()["code"] == "order_action_pending"

    # One person alone cannot: the requester's own approval is refused, nothing moves.
    approve = f"/v1/approvals/{approval['approval_id']}/approve"
    own = await treasurer.post(approve, json={})
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes_violation"
    assert (await customer.get_order(order_id))["state"] == "failed"

    _usdc_blacklist(stack, destination, listed=False)  # the cause is gone
    approved = await second_treasurer.post(approve, json={"reason": "confirmed delisting"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["result"]["state"] == "payout_queued"

    done = await customer.wait_for(order_id, "completed")
    assert [h["to_state"] for h in done["history"]][-5:] == [
        "payout_queued",
        "failed",
        "payout_queued",
        "payout_broadcast",
        "completed",
    ]
    # The customer reads that it is sent again; the staff's note stays with staff.
    assert done["history"][-3]["reason"] == "the payout is being sent again"
    assert len(_payout_logs(stack, order_id)) == 1
    paid = usdc_balance(stack.anvil.url, stack.deployment.usdc, destination)
    assert Money(paid, "USDC") == Money.parse(done["target_amount"], "USDC")
    assert await _balances(sessions, customer.user_id) == {"EUR": 0, "USDC": 0}

    staff_view = (await support.get(f"/v1/admin/orders/{order_id}")).json()
    retried = [h for h in staff_view["history"] if h["from_state"] == "failed"]
    assert len(retried) == 1
    assert "confirmed delisting" in retried[0]["reason"]
    async with sessions() as session:
        audit = (
            await session.execute(
                text(
                    "SELECT actor, data FROM audit_log WHERE entity_id = :id"
                    " AND action = 'order.payout_queued' ORDER BY id DESC LIMIT 1"
                ),
                {"id": order_id},
            )
        ).one()
    assert audit.data["approval_id"] == approval["approval_id"]
    assert audit.data["previous_failure"]
    decision = approved.json()
    assert audit.actor == f"user:{decision['decided_by']}"  # the approver moved it
    assert audit.data["requested_by"] == decision["requested_by"] != decision["decided_by"]

    again = await _request(treasurer, order_id, "retry-payout")
    assert again.status_code == 409
    assert again.json()["code"] == "order_not_retryable"


async def test_a_failed_order_is_refunded_with_four_eyes(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    treasurer: httpx.AsyncClient,
    second_treasurer: httpx.AsyncClient,
) -> None:
    failed, destination = await _failed_order(stack, customer, bank, sessions)
    order_id = failed["id"]
    # Priced and not paid: we owe the customer the USDC (a credit balance), not the euros.
    owed = await _balances(sessions, customer.user_id)
    assert owed["EUR"] == 0
    assert owed["USDC"] == -Money.parse(failed["target_amount"], "USDC").minor

    requested = await _request(treasurer, order_id, "refund")
    assert requested.status_code == 202, requested.text
    approval_id = requested.json()["approval_id"]
    own = await treasurer.post(f"/v1/approvals/{approval_id}/approve", json={})
    assert own.json()["code"] == "four_eyes_violation"
    assert (await customer.get_order(order_id))["state"] == "failed"

    approved = await second_treasurer.post(f"/v1/approvals/{approval_id}/approve", json={})
    assert approved.status_code == 200, approved.text
    assert approved.json()["result"]["state"] == "refund_pending"

    done = await customer.wait_for(order_id, "refunded")
    assert [h["to_state"] for h in done["history"]][-4:] == [
        "failed",
        "rejected",
        "refund_pending",
        "refunded",
    ]
    assert [(r["amount"], r["status"]) for r in done["refunds"]] == [("250.00", "completed")]
    # The conversion is reversed and the euros went back: nothing owed either way.
    assert await _balances(sessions, customer.user_id) == {"EUR": 0, "USDC": 0}
    staff_view = (await treasurer.get(f"/v1/admin/orders/{order_id}")).json()
    assert staff_view["payout"]["status"] == "cancelled"
    assert _payout_logs(stack, order_id) == []

    # Refunded is the end: neither way out applies any more.
    for action, code in (
        ("retry-payout", "order_not_retryable"),
        ("refund", "order_not_refundable"),
    ):
        again = await _request(treasurer, order_id, action)
        assert again.status_code == 409
        assert again.json()["code"] == code
    _usdc_blacklist(stack, destination, listed=False)


async def test_an_order_the_vault_already_paid_is_neither_retried_nor_refunded(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    treasurer: httpx.AsyncClient,
) -> None:
    """The books may lag the chain (a confirmation not yet recorded, a row marked failed by
    mistake): the vault's isPaid is what decides, so no second payment and no refund on top."""
    order = await customer.order(await customer.quote("130.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    flip = "UPDATE orders SET state = :s WHERE id = :id"
    async with unit_of_work(sessions) as session:  # as if the payout had been marked failed
        await session.execute(text(flip), {"s": "failed", "id": uuid.UUID(order["id"])})
        await session.execute(
            text("UPDATE payouts SET status = :s WHERE order_id = :id"),
            {"s": "failed", "id": uuid.UUID(order["id"])},
        )
    try:
        for action in ("retry-payout", "refund"):
            refused = await _request(treasurer, order["id"], action)
            assert refused.status_code == 409, refused.text
            assert refused.json()["code"] == "payout_already_paid"
    finally:
        async with unit_of_work(sessions) as session:
            await session.execute(text(flip), {"s": "completed", "id": uuid.UUID(order["id"])})
            await session.execute(
                text("UPDATE payouts SET status = :s WHERE order_id = :id"),
                {"s": "confirmed", "id": uuid.UUID(order["id"])},
            )
    assert len(_payout_logs(stack, order["id"])) == 1


async def test_operator_requests_are_checked(
    customer: Customer, treasurer: httpx.AsyncClient
) -> None:
    waiting = await customer.order(await customer.quote("110.00"))
    not_failed = await _request(treasurer, waiting["id"], "retry-payout")
    assert not_failed.status_code == 409
    assert not_failed.json()["code"] == "order_not_retryable"
    not_failed = await _request(treasurer, waiting["id"], "refund")
    assert not_failed.json()["code"] == "order_not_refundable"
    unknown = await _request(treasurer, str(uuid.uuid4()), "refund")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "order_not_found"
    no_reason = await treasurer.post(
        f"/v1/admin/orders/{waiting['id']}/refund",
        json={},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "request_invalid"
