"""The dev stack's circuit breaker, end to end: a treasurer trips it, the risk worker pauses the
vault on-chain with the guardian key in the HSM and no payout is signed; a resume needs a second
person; then the vault is unpaused and the waiting order is paid."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from web3 import Web3

from onramp.chain.artifacts import load_artifact
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay

BREAKER = "/v1/admin/treasury/circuit-breaker"


def _vault_paused(stack: Stack) -> bool:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    vault = w3.eth.contract(
        address=Web3.to_checksum_address(stack.deployment.vault),
        abi=load_artifact("TreasuryVault").abi,
    )
    return bool(vault.functions.paused().call())


async def _until(check: Any, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.2)


async def test_a_tripped_breaker_pauses_the_vault_until_two_people_resume(
    stack: Stack,
    treasurer: httpx.AsyncClient,
    second_treasurer: httpx.AsyncClient,
    customer: Customer,
    bank: httpx.AsyncClient,
) -> None:
    assert not _vault_paused(stack)
    tripped = await treasurer.post(f"{BREAKER}/trip", json={"reason": "drill: stop payouts"})
    assert tripped.status_code == 200, tripped.text
    resumed = False
    try:
        await _until(lambda: _vault_paused(stack), "the guardian never paused the vault")
        state = (await treasurer.get(BREAKER)).json()
        assert (state["state"], state["trigger"], state["vault_paused"]) == ("open", "manual", True)

        order = await customer.order(await customer.quote("42.00"))
        await pay(bank, order)
        await customer.wait_for(order["id"], "payout_queued")
        await asyncio.sleep(2.0)  # the payouts worker signs nothing while the breaker is open
        assert (await customer.get_order(order["id"]))["state"] == "payout_queued"

        asked = await treasurer.post(f"{BREAKER}/resume", json={"reason": "drill over"})
        assert asked.status_code == 202, asked.text
        approval = asked.json()["approval_id"]
        own = await treasurer.post(f"{BREAKER}/resume/{approval}/approve", json={})
        assert own.status_code == 403
        assert own.json()["code"] == "four_eyes_violation"
        approved = await second_treasurer.post(f"{BREAKER}/resume/{approval}/approve", json={})
        assert approved.status_code == 200, approved.text
        resumed = True
        await _until(lambda: not _vault_paused(stack), "the vault was never unpaused")
        done = await customer.wait_for(order["id"], "completed")
        assert done["payout"]["status"] == "confirmed"
        assert (await treasurer.get(BREAKER)).json()["state"] == "closed"
    finally:
        if not resumed:  # leave the shared stack paying
            asked = await treasurer.post(f"{BREAKER}/resume", json={"reason": "test cleanup"})
            if asked.status_code == 202:
                approval = asked.json()["approval_id"]
                await second_treasurer.post(f"{BREAKER}/resume/{approval}/approve", json={})
