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
from onramp.core.faults import CRASH_ENV
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
        # The breaker records its pause the round it reads it mined.
        deadline = time.monotonic() + 30
        while not (state := (await treasurer.get(BREAKER)).json())["vault_paused"]:
            assert time.monotonic() < deadline, "the breaker never recorded its pause"
            await asyncio.sleep(0.2)
        assert (state["state"], state["trigger"], state["vault_paused_elsewhere"]) == (
            "open",
            "manual",
            False,
        )

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


def _guardian_unpauses(stack: Stack) -> None:
    """Leave the shared stack's vault unpaused whatever the test left behind."""
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    guardian = Web3.to_checksum_address(stack.treasury.guardian if stack.treasury else "")
    w3.provider.make_request("anvil_impersonateAccount", [guardian])  # type: ignore[arg-type]
    try:
        vault = w3.eth.contract(
            address=Web3.to_checksum_address(stack.deployment.vault),
            abi=load_artifact("TreasuryVault").abi,
        )
        w3.eth.wait_for_transaction_receipt(
            vault.functions.unpause().transact({"from": guardian}), timeout=30
        )
    finally:
        w3.provider.make_request("anvil_stopImpersonatingAccount", [guardian])  # type: ignore[arg-type]


async def _breaker_state(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get(BREAKER)
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


async def test_a_risk_worker_killed_after_sending_the_pause_knows_it_as_its_own_on_restart(
    stack: Stack, treasurer: httpx.AsyncClient, second_treasurer: httpx.AsyncClient
) -> None:
    assert not _vault_paused(stack)
    stack.apps["worker-risk"].stop()
    crashing = stack.spawn_worker("risk", {CRASH_ENV: "risk.after_pause_sent"})
    try:
        tripped = await treasurer.post(f"{BREAKER}/trip", json={"reason": "drill: crash"})
        assert tripped.status_code == 200, tripped.text
        deadline = time.monotonic() + 30
        while crashing.alive():
            assert time.monotonic() < deadline, "the risk worker never reached its crash point"
            await asyncio.sleep(0.05)
        assert crashing.popen.returncode == -9  # SIGKILL: nothing recorded after the send
        assert _vault_paused(stack)  # the pause went out and was mined
        assert not (await _breaker_state(treasurer))["vault_paused"]
    finally:
        stack.spawn_worker("risk")
    try:
        # The restarted worker finds the pause in its stored transaction: the breaker's own.
        deadline = time.monotonic() + 30
        while not (await _breaker_state(treasurer))["vault_paused"]:
            assert time.monotonic() < deadline, "the restarted worker never owned its pause"
            await asyncio.sleep(0.2)
        asked = await treasurer.post(f"{BREAKER}/resume", json={"reason": "drill over"})
        assert asked.status_code == 202, asked.text
        approval = asked.json()["approval_id"]
        approved = await second_treasurer.post(f"{BREAKER}/resume/{approval}/approve", json={})
        assert approved.status_code == 200, approved.text
        # Resuming unpauses the vault before the breaker closes: never closed on a paused vault.
        deadline = time.monotonic() + 30
        while (state := await _breaker_state(treasurer))["state"] != "closed":
            assert time.monotonic() < deadline, "the breaker never closed"
            await asyncio.sleep(0.2)
        assert not _vault_paused(stack)
        assert not state["vault_paused"]
    finally:
        state = await _breaker_state(treasurer)
        if state["state"] == "open":
            asked = await treasurer.post(f"{BREAKER}/resume", json={"reason": "test cleanup"})
            if asked.status_code == 202:
                approval = asked.json()["approval_id"]
                await second_treasurer.post(f"{BREAKER}/resume/{approval}/approve", json={})
        if _vault_paused(stack):
            _guardian_unpauses(stack)
