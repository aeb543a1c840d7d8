"""The vault runs low -> the liquidity check proposes a refill from the warm Safe -> two
treasurers sign it with their own owner keys (EIP-712) -> the gas wallet executes it through the
Safe -> the vault holds the USDC and the ledger says so. A non-owner's signature, a second
signature by the same person and a malformed one are refused and change nothing. Above its
maximum, the vault's excess is swept to the cold Safe the same way."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_utils.crypto import keccak
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.artifacts import load_artifact
from onramp.chain.contracts.deploy import USDC, usdc_balance
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from onramp.devstack.treasury_setup import DEMO_TREASURER_KEYS, VAULT_POLICY
from onramp.ledger import balance_of, chain_account

REFILL = 500_000 * USDC


def _sign(key: str, typed_data: dict[str, Any]) -> str:
    return "0x" + bytes(Account.sign_typed_data(key, full_message=typed_data).signature).hex()


def _usdc(minor: int) -> str:
    return f"{minor // USDC}.{minor % USDC:06d}"


async def _wait(
    client: httpx.AsyncClient, path: str, done: Any, *, timeout: float = 30.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = (await client.get(path)).json()
        if done(body):
            return body
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.3)


@pytest.fixture
async def vault_policy(treasurer: httpx.AsyncClient) -> AsyncIterator[None]:
    yield
    restored = await treasurer.put(
        "/v1/admin/treasury/wallets/vault/policy",
        json={
            "minimum": _usdc(VAULT_POLICY.minimum or 0),
            "target": _usdc(VAULT_POLICY.target or 0),
            "maximum": _usdc(VAULT_POLICY.maximum or 0),
        },
    )
    assert restored.status_code == 200, restored.text


async def _vault_ledger(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with unit_of_work(sessions) as session:
        return (await balance_of(session, chain_account("vault"))).minor


async def test_two_treasurers_refill_sweep_and_rotate_the_payout_key_through_the_safes(
    stack: Stack,
    treasurer: httpx.AsyncClient,
    second_treasurer: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    vault_policy: None,
) -> None:
    chain = stack.settings.chain
    wallets = (await treasurer.get("/v1/admin/treasury/wallets")).json()["data"]
    by_name = {w["name"]: w for w in wallets}
    assert set(by_name) == {"vault", "payout-key", "guardian", "custody", "gas", "warm", "cold"}
    assert by_name["vault"]["state"] == "ok"
    vault_before = usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address)
    ledger_before = await _vault_ledger(sessions)
    # What queued and held payouts (left by earlier tests) do not reserve.
    available = Money.parse(by_name["vault"]["available"], "USDC").minor
    # A minimum above what the vault holds: the worker proposes a refill up to the target.
    policy = await treasurer.put(
        "/v1/admin/treasury/wallets/vault/policy",
        json={"minimum": _usdc(available + 1), "target": _usdc(available + REFILL)},
    )
    assert policy.status_code == 200, policy.text

    listing = await _wait(
        treasurer,
        "/v1/admin/treasury/proposals?status=awaiting_signatures",
        lambda b: any(p["destination"] == "vault" for p in b["data"]),
    )
    proposal = next(p for p in listing["data"] if p["destination"] == "vault")
    assert proposal["kind"] == "refill"
    assert proposal["source"] == "warm"  # the warm Safe holds enough: it goes first
    assert proposal["amount"] == _usdc(REFILL)
    assert proposal["threshold"] == 2
    assert stack.treasury is not None
    assert proposal["safe"] == stack.treasury.warm_safe
    path = f"/v1/admin/treasury/proposals/{proposal['id']}"
    typed = proposal["typed_data"]

    first = await treasurer.post(
        f"{path}/signatures", json={"signature": _sign(DEMO_TREASURER_KEYS[0], typed)}
    )
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "awaiting_signatures"

    # The same person again (same key, or another owner key): refused.
    again = await treasurer.post(
        f"{path}/signatures", json={"signature": _sign(DEMO_TREASURER_KEYS[1], typed)}
    )
    assert again.status_code == 403, again.text
    assert again.json()["code"] == "signer_bound_to_other_key"
    # A third key that owns nothing: refused before any gas is spent.
    stranger = await second_treasurer.post(
        f"{path}/signatures", json={"signature": _sign(Account.create().key.hex(), typed)}
    )
    assert stranger.status_code == 403, stranger.text
    assert stranger.json()["code"] == "signer_not_safe_owner"
    malformed = await second_treasurer.post(f"{path}/signatures", json={"signature": "0x1234"})
    assert malformed.status_code == 422
    assert malformed.json()["code"] == "signature_malformed"
    unchanged = (await treasurer.get(path)).json()
    assert [s["owner"] for s in unchanged["signatures"]] == [
        Account.from_key(DEMO_TREASURER_KEYS[0]).address
    ]

    second = await second_treasurer.post(
        f"{path}/signatures", json={"signature": _sign(DEMO_TREASURER_KEYS[1], typed)}
    )
    assert second.status_code == 200, second.text
    assert second.json()["status"] in ("ready", "executing", "executed")

    executed = await _wait(treasurer, path, lambda b: b["status"] in ("executed", "failed"))
    assert executed["status"] == "executed", executed["failure"]
    assert executed["exec_tx_hash"]
    vault_after = usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address)
    assert vault_after == vault_before + REFILL
    assert await _vault_ledger(sessions) == ledger_before + REFILL

    late = await treasurer.post(
        f"{path}/signatures", json={"signature": _sign(DEMO_TREASURER_KEYS[2], typed)}
    )
    assert late.status_code == 409
    assert late.json()["code"] == "proposal_not_open"

    # Above the maximum: the cold Safe (the vault's admin) sweeps the excess to itself; the same
    # two people sign with the same keys they are bound to.
    assert stack.treasury is not None
    cold = stack.treasury.cold_safe
    cold_before = usdc_balance(chain.rpc_url, chain.usdc_address, cold)
    excess = 300_000 * USDC
    policy = await treasurer.put(
        "/v1/admin/treasury/wallets/vault/policy",
        json={"target": _usdc(vault_after - excess), "maximum": _usdc(vault_after - 1)},
    )
    assert policy.status_code == 200, policy.text
    listing = await _wait(
        treasurer,
        "/v1/admin/treasury/proposals?status=awaiting_signatures",
        lambda b: any(p["kind"] == "sweep" for p in b["data"]),
    )
    sweep = next(p for p in listing["data"] if p["kind"] == "sweep")
    assert (sweep["source"], sweep["destination"], sweep["safe"]) == ("vault", "cold", cold)
    assert sweep["amount"] == _usdc(excess)
    path = f"/v1/admin/treasury/proposals/{sweep['id']}"
    for person, key in (
        (treasurer, DEMO_TREASURER_KEYS[0]),
        (second_treasurer, DEMO_TREASURER_KEYS[1]),
    ):
        signed = await person.post(
            f"{path}/signatures", json={"signature": _sign(key, sweep["typed_data"])}
        )
        assert signed.status_code == 200, signed.text
    swept = await _wait(treasurer, path, lambda b: b["status"] in ("executed", "failed"))
    assert swept["status"] == "executed", swept["failure"]
    assert usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address) == (
        vault_after - excess
    )
    assert usdc_balance(chain.rpc_url, chain.usdc_address, cold) == cold_before + excess
    assert await _vault_ledger(sessions) == ledger_before + REFILL - excess

    # The payout key rotates through the cold Safe too: grant the role to a new key, revoke it
    # from the old one (here a stand-in key, so the stack keeps paying with its own).
    new_key = Account.create().address
    for kind in ("grant_payout_role", "revoke_payout_role"):
        made = await treasurer.post(
            "/v1/admin/treasury/proposals",
            json={
                "kind": kind,
                "source": "cold",
                "destination": "vault",
                "address": new_key,
                "reason": "payout key rotation",
            },
        )
        assert made.status_code == 201, made.text
        change = made.json()
        assert change["address"] == new_key
        path = f"/v1/admin/treasury/proposals/{change['id']}"
        for person, key in (
            (treasurer, DEMO_TREASURER_KEYS[0]),
            (second_treasurer, DEMO_TREASURER_KEYS[1]),
        ):
            signed = await person.post(
                f"{path}/signatures", json={"signature": _sign(key, change["typed_data"])}
            )
            assert signed.status_code == 200, signed.text
        done = await _wait(treasurer, path, lambda b: b["status"] in ("executed", "failed"))
        assert done["status"] == "executed", done["failure"]
        assert _has_payout_role(stack, new_key) is (kind == "grant_payout_role")
    assert _has_payout_role(stack, stack.payout_address)  # the stack's own key still pays


async def test_positions_show_each_wallet_on_chain_and_in_the_books(
    stack: Stack, treasurer: httpx.AsyncClient, customer: Any
) -> None:
    response = await treasurer.get("/v1/admin/treasury/positions")
    assert response.status_code == 200, response.text
    doc = response.json()
    wallets = {w["name"]: w for w in doc["wallets"]}
    chain = stack.settings.chain
    assert stack.treasury is not None
    for name, address in (("cold", stack.treasury.cold_safe), ("warm", stack.treasury.warm_safe)):
        on_chain = usdc_balance(chain.rpc_url, chain.usdc_address, address)
        assert wallets[name]["usdc"] == _usdc(on_chain)
        assert wallets[name]["difference"] == "0.000000"  # the books agree with the chain
    assert float(wallets["gas"]["ether"]) > 0  # the gas wallet can pay for executions
    assert float(wallets["payout-key"]["ether"]) > 0
    assert doc["usdc_on_chain"] == _usdc(
        sum(usdc_balance(chain.rpc_url, chain.usdc_address, w["address"]) for w in doc["wallets"])
    )
    refused = await customer.client.get("/v1/admin/treasury/positions")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def _has_payout_role(stack: Stack, account: str) -> bool:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    vault = w3.eth.contract(
        address=Web3.to_checksum_address(stack.deployment.vault),
        abi=load_artifact("TreasuryVault").abi,
    )
    return bool(vault.functions.hasRole(keccak(text="PAYOUT_ROLE"), account).call())
