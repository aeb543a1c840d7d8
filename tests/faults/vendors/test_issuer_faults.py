"""The issuer sandbox's API answers 5xx (its faults, switched on for the test) while the
treasury worker drives an approved mint: the mint waits for the next round (the round goes on),
every call is asked again under the same idempotency key, and the vault gets the mint once."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.contracts.deploy import USDC, usdc_balance
from onramp.devstack.stack import Stack
from tests.e2e.test_treasury_mint import _booked_vault
from tests.faults.vendors.conftest import VendorFaults

MINT = 700 * USDC


async def test_an_approved_mint_through_issuer_5xx_reaches_the_vault_once(
    stack: Stack,
    treasurer: httpx.AsyncClient,
    second_treasurer: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    vendor_faults: VendorFaults,
) -> None:
    chain = stack.settings.chain
    before = usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address)
    booked_before = await _booked_vault(sessions)
    await vendor_faults.set("issuer", seed=13, error_rate=0.5, paths=["/v1/"])
    asked = await treasurer.post(
        "/v1/admin/treasury/mints", json={"amount": "700", "note": "refill through 5xx"}
    )
    assert asked.status_code == 202, asked.text
    approved = await second_treasurer.post(
        f"/v1/approvals/{asked.json()['approval_id']}/approve", json={"reason": "checked"}
    )
    assert approved.status_code == 200, approved.text
    deadline = time.monotonic() + 150
    while await _booked_vault(sessions) != booked_before + MINT:
        done = await vendor_faults.done("issuer")
        assert time.monotonic() < deadline, f"the mint was never booked; faults: {done}"
        await asyncio.sleep(0.3)
    assert (await vendor_faults.done("issuer")).get("errors", 0) > 0
    assert usdc_balance(chain.rpc_url, chain.usdc_address, chain.vault_address) == before + MINT
