"""Withdrawals from the customer's custodial UserWallet on the running stack: a completed order
to the own wallet puts USDC there; the customer withdraws part of it (the custody key in the HSM
deploys the wallet and calls ``transferToken``); refusals move nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pyotp
import pytest
from eth_account import Account
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp import chain
from onramp.chain.artifacts import topic
from onramp.chain.models import ChainTransaction, WalletWithdrawal
from onramp.compliance.cases import ComplianceAlert
from onramp.compliance.models import ScreeningRecord
from onramp.core.faults import CRASH_ENV
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from tests.compliance.helpers import CURRENT, SEMENOV_ETH, load
from tests.e2e.conftest import Customer, pay

TRANSFER = topic("Transfer(address,address,uint256)")


async def enrol_now(customer: Customer) -> None:
    """TOTP enrolment on the real clock: confirming it is a fresh second factor (step-up)."""
    enrolment = (await customer.client.post("/v1/me/mfa/totp")).json()
    code = pyotp.TOTP(enrolment["secret"]).now()
    confirmed = await customer.client.post("/v1/me/mfa/totp/confirm", json={"code": code})
    assert confirmed.status_code == 200, confirmed.text


async def funded(customer: Customer, bank: httpx.AsyncClient) -> dict[str, Any]:
    """The customer's wallet once an order paid into it."""
    order = await customer.order(await customer.quote("100.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    wallet: dict[str, Any] = (await customer.client.get("/v1/me/wallet")).json()
    assert Money.parse(wallet["balance"], "USDC").minor > 0, wallet
    return wallet


async def withdraw(
    customer: Customer, to: str, amount: str, key: str | None = None
) -> httpx.Response:
    return await customer.client.post(
        "/v1/me/wallet/withdrawals",
        json={"to": to, "amount": amount},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


async def wait_withdrawal(customer: Customer, withdrawal_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        listed = (await customer.client.get("/v1/me/wallet/withdrawals")).json()["data"]
        (found,) = [w for w in listed if w["id"] == withdrawal_id]
        if found["status"] == status:
            return found  # type: ignore[no-any-return]
        assert found["status"] not in ("confirmed", "failed"), found
        assert time.monotonic() < deadline, found
        await asyncio.sleep(0.1)


async def usdc_of(stack: Stack, address: str) -> int:
    client = chain.ChainClient(stack.settings.chain.rpc_url)
    return await client.token_balance(stack.settings.chain.usdc_address, address)


def transfers(stack: Stack, source: str, to: str) -> list[Any]:
    w3 = Web3(Web3.HTTPProvider(stack.settings.chain.rpc_url))
    return list(
        w3.eth.get_logs(
            {
                "fromBlock": 0,
                "toBlock": "latest",
                "address": Web3.to_checksum_address(stack.settings.chain.usdc_address),
                "topics": [
                    "0x" + TRANSFER.hex(),
                    "0x" + bytes.fromhex(source[2:]).rjust(32, b"\0").hex(),
                    "0x" + bytes.fromhex(to[2:]).rjust(32, b"\0").hex(),
                ],
            }
        )
    )


async def withdrawals_in_db(sessions: async_sessionmaker[AsyncSession], customer: Customer) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(WalletWithdrawal)
            .where(WalletWithdrawal.customer_id == uuid.UUID(customer.user_id))
        )
    return int(count or 0)


async def test_withdrawing_part_of_the_balance_moves_it_on_chain_once(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    before = (await customer.client.get("/v1/me/wallet")).json()
    factory = stack.settings.chain.wallet_factory_address
    assert before["address"] == chain.customer_wallet_address(factory, uuid.UUID(customer.user_id))
    assert (before["deployed"], before["balance"]) == (False, "0.000000")

    wallet = await funded(customer, bank)
    assert wallet["deployed"] is False  # the payout only sent USDC to its address
    held = Money.parse(wallet["balance"], "USDC").minor
    assert await usdc_of(stack, wallet["address"]) == held

    await enrol_now(customer)
    to = Account.create().address
    key = uuid.uuid4().hex
    first = await withdraw(customer, to, "12.5", key)
    assert first.status_code == 201, first.text
    again = await withdraw(customer, to, "12.5", key)
    assert again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    reused = await withdraw(customer, to, "13", key)
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert first.json()["status"] == "requested"
    assert first.json()["amount"] == "12.500000"

    done = await wait_withdrawal(customer, first.json()["id"], "confirmed")
    assert done["tx_hash"] is not None
    assert done["block_number"] is not None
    assert await usdc_of(stack, to) == 12_500_000
    assert await usdc_of(stack, wallet["address"]) == held - 12_500_000
    (moved,) = transfers(stack, wallet["address"], to)
    assert "0x" + bytes(moved["transactionHash"]).hex() == done["tx_hash"]

    after = (await customer.client.get("/v1/me/wallet")).json()
    assert after["deployed"] is True
    assert Money.parse(after["balance"], "USDC").minor == held - 12_500_000
    assert after["available"] == after["balance"]
    listed = (await customer.client.get("/v1/me/wallet/withdrawals")).json()["data"]
    assert [w["id"] for w in listed] == [first.json()["id"]]

    # Into the deployed wallet again: the second withdrawal needs no deployment.
    second = await withdraw(customer, to, "0.000001")
    assert second.status_code == 201, second.text
    await wait_withdrawal(customer, second.json()["id"], "confirmed")
    assert await usdc_of(stack, to) == 12_500_001
    assert len(transfers(stack, wallet["address"], to)) == 2


async def test_refused_withdrawals_move_nothing(
    stack: Stack,
    customer: Customer,
    other_customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    wallet = await funded(customer, bank)
    held = Money.parse(wallet["balance"], "USDC").minor
    # Moving money out needs a second factor, as adding a payout destination does.
    no_mfa = await withdraw(customer, Account.create().address, "1")
    assert no_mfa.status_code == 403, no_mfa.text
    assert no_mfa.json()["code"] == "mfa_enrollment_required"
    await enrol_now(customer)
    await load(sessions, CURRENT)

    # A sanctioned destination, in any letter case: refused, and compliance is alerted.
    listed = await withdraw(customer, SEMENOV_ETH.lower(), "1")
    assert listed.status_code == 403, listed.text
    assert listed.json()["code"] == "destination_sanctioned"
    assert "44718" in listed.json()["detail"]
    async with sessions() as session:
        (alert,) = (
            await session.scalars(
                select(ComplianceAlert).where(
                    ComplianceAlert.customer_id == uuid.UUID(customer.user_id),
                    ComplianceAlert.subject_id == SEMENOV_ETH.lower(),
                )
            )
        ).all()
        assert (alert.source, alert.kind, alert.severity) == (
            "screening",
            "sanctions_address",
            "high",
        )
        assert alert.evidence["point"] == "withdrawal"
        (screen,) = (
            await session.scalars(
                select(ScreeningRecord).where(
                    ScreeningRecord.customer_id == uuid.UUID(customer.user_id),
                    ScreeningRecord.point == "withdrawal",
                )
            )
        ).all()
        assert (screen.decision, screen.entry_uid) == ("hit", "44718")

    fresh = Account.create().address
    over = await withdraw(customer, fresh, str(Money(held + 1, "USDC")))
    assert over.status_code == 422, over.text
    assert over.json()["code"] == "insufficient_wallet_balance"
    own = await withdraw(customer, wallet["address"].lower(), "1")
    assert own.status_code == 422, own.text
    assert own.json()["code"] == "withdrawal_to_own_wallet"
    # The operator's own addresses and the system's contracts are no destination.
    for address in (stack.deployment.vault, stack.deployment.usdc, "0x" + "00" * 19 + "01"):
        ours = await withdraw(customer, address, "1")
        assert ours.status_code == 422, ours.text
        assert ours.json()["code"] == "destination_not_allowed"
    for amount, code in (("0", "invalid_amount"), ("1.0000001", "amount_too_precise")):
        bad = await withdraw(customer, fresh, amount)
        assert bad.status_code == 422, bad.text
        assert bad.json()["code"] == code
    unchecked = await withdraw(customer, "0x" + "ab" * 20, "1")  # mixed case only if EIP-55
    assert unchecked.status_code == 201, unchecked.text  # all lower case is a plain address

    # Someone else sees only their own (empty) wallet and cannot spend this one.
    theirs = (await other_customer.client.get("/v1/me/wallet")).json()
    assert theirs["address"] != wallet["address"]
    assert theirs["balance"] == "0.000000"
    assert (await other_customer.client.get("/v1/me/wallet/withdrawals")).json()["data"] == []
    await enrol_now(other_customer)
    stolen = await withdraw(other_customer, fresh, "1")
    assert stolen.status_code == 422, stolen.text
    assert stolen.json()["code"] == "insufficient_wallet_balance"

    await wait_withdrawal(customer, unchecked.json()["id"], "confirmed")
    assert await usdc_of(stack, wallet["address"]) == held - 1_000_000
    assert transfers(stack, wallet["address"], SEMENOV_ETH) == []
    assert await usdc_of(stack, fresh) == 0
    assert await withdrawals_in_db(sessions, customer) == 1
    assert await withdrawals_in_db(sessions, other_customer) == 0


@pytest.mark.parametrize(
    ("crash_at", "deployed_at_crash"),
    [
        ("withdrawal.after_sign", False),  # both transactions stored, neither sent
        ("withdrawal.after_send", True),  # the deployment sent (and mined), not marked as sent
    ],
)
async def test_a_worker_killed_after_signing_sends_the_stored_bytes_once(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    crash_at: str,
    deployed_at_crash: bool,
) -> None:
    wallet = await funded(customer, bank)
    await enrol_now(customer)
    to = Account.create().address
    stack.apps["worker-withdrawals"].stop()
    crashing = stack.spawn_worker("withdrawals", {CRASH_ENV: crash_at})
    try:
        requested = await withdraw(customer, to, "3")
        assert requested.status_code == 201, requested.text
        deadline = time.monotonic() + 30
        while crashing.alive():
            assert time.monotonic() < deadline, "the withdrawals worker never reached its crash"
            await asyncio.sleep(0.05)
        assert crashing.popen.returncode == -9  # SIGKILL: no cleanup ran
        async with sessions() as session:
            row = await session.get_one(WalletWithdrawal, uuid.UUID(requested.json()["id"]))
            stored = await session.get_one(ChainTransaction, row.tx_id)
            assert (row.status, stored.status) == ("signed", "signed")
            assert row.deploy_tx_id is not None  # the wallet's first withdrawal deploys it
            stored_hash = "0x" + stored.tx_hash.hex()
        client = chain.ChainClient(stack.settings.chain.rpc_url)
        assert (len(await client.code(wallet["address"])) > 0) is deployed_at_crash
        assert await usdc_of(stack, to) == 0
    finally:
        restarted = stack.spawn_worker("withdrawals")
    assert restarted.alive()
    done = await wait_withdrawal(customer, requested.json()["id"], "confirmed")
    assert done["tx_hash"] == stored_hash  # the stored bytes, not a second signature
    (moved,) = transfers(stack, wallet["address"], to)
    assert "0x" + bytes(moved["transactionHash"]).hex() == stored_hash
    assert await usdc_of(stack, to) == 3_000_000
