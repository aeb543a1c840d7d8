"""No customer is ever paid at an address of the operator or of the system (issue 13, finding 7):
the vault, USDC, the wallet factory, the Safes, the HSM keys, the zero address and the
precompiles are refused as saved wallets and order destinations (422 destination_not_allowed),
and a payout queued to one anyway is held before signing, never sent."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import PayoutRequest, queue_payouts
from onramp.chain.models import Payout
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from tests.e2e.mfa_people import Person, enrol
from tests.e2e.test_payment_details import _order


def _operator_addresses(stack: Stack) -> list[str]:
    assert stack.treasury is not None
    return [
        stack.deployment.vault,
        stack.deployment.usdc,
        stack.deployment.wallet_factory,
        stack.treasury.cold_safe,
        stack.treasury.warm_safe,
        stack.treasury.guardian,
        stack.treasury.executor,
        stack.payout_address,
        stack.custody_address,
    ]


async def test_operator_addresses_are_refused_as_wallets_and_destinations(
    stack: Stack, person: Person
) -> None:
    await enrol(person)
    reserved = ["0x" + "00" * 20, "0x" + "00" * 19 + "01", "0x" + "00" * 18 + "0100"]
    for address in [*_operator_addresses(stack), *reserved]:
        added = await person.client.post(
            "/v1/me/wallets", json={"label": "mine", "address": address.lower()}
        )
        assert added.status_code == 422, (address, added.text)
        assert added.json()["code"] == "destination_not_allowed"
        ordered = await _order(person, destination_address=address)
        assert ordered.status_code == 422, (address, ordered.text)
        assert ordered.json()["code"] == "destination_not_allowed"
    assert (await person.client.get("/v1/me/wallets")).json()["data"] == []


async def test_a_payout_to_the_vault_is_held_before_signing(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    to_vault, to_usdc = uuid7(), uuid7()
    async with unit_of_work(sessions) as session:
        await queue_payouts(
            session,
            [
                PayoutRequest(to_vault, stack.deployment.vault, Money.parse("5", "USDC")),
                PayoutRequest(to_usdc, stack.deployment.usdc, Money.parse("6", "USDC")),
            ],
        )
    deadline = time.monotonic() + 30
    while True:
        async with sessions() as session:
            rows = (
                await session.scalars(
                    select(Payout).where(Payout.order_id.in_([to_vault, to_usdc]))
                )
            ).all()
        if all(p.status != "queued" for p in rows):
            break
        assert time.monotonic() < deadline, [p.status for p in rows]
        await asyncio.sleep(0.1)
    assert {(p.status, p.tx_id) for p in rows} == {("held", None)}
    assert all("no customer can be paid there" in (p.failure or "") for p in rows)
