"""A mint into the vault with four eyes: one treasurer asks, the same person cannot approve,
a second one approves; the treasury worker has the issuer sandbox mint, and the books follow."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.contracts.deploy import USDC, usdc_balance
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.ledger import balance_of, chain_account
from tests.e2e.conftest import Customer

MINT = 2_500 * USDC


async def _booked_vault(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with unit_of_work(sessions) as session:
        return (await balance_of(session, chain_account("vault"))).minor


async def test_an_approved_mint_reaches_the_vault_and_the_books(
    stack: Stack,
    treasurer: httpx.AsyncClient,
    second_treasurer: httpx.AsyncClient,
    customer: Customer,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    chain = stack.settings.chain
    refused = await customer.client.post(
        "/v1/admin/treasury/mints", json={"amount": "2500", "note": "refill"}
    )
    assert refused.status_code == 403
    unknown = await treasurer.post(
        "/v1/admin/treasury/mints", json={"amount": "2500", "wallet": "nope", "note": "x"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "treasury_wallet_not_found"

    before = usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address)
    booked_before = await _booked_vault(sessions)
    asked = await treasurer.post(
        "/v1/admin/treasury/mints", json={"amount": "2500", "note": "no Safe covers the refill"}
    )
    assert asked.status_code == 202, asked.text
    approval = asked.json()["approval_id"]
    own = await treasurer.post(f"/v1/approvals/{approval}/approve", json={"reason": "mine"})
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes_violation"
    time.sleep(1.5)  # nothing is minted before the approval
    assert usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address) == before

    approved = await second_treasurer.post(
        f"/v1/approvals/{approval}/approve", json={"reason": "checked the wire"}
    )
    assert approved.status_code == 200, approved.text
    deadline = time.monotonic() + 60
    while usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address) == before:
        assert time.monotonic() < deadline, "the approved mint never reached the vault"
        await asyncio.sleep(0.3)
    assert usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address) == before + MINT
    while await _booked_vault(sessions) != booked_before + MINT:
        assert time.monotonic() < deadline, "the mint was never booked"
        await asyncio.sleep(0.3)
