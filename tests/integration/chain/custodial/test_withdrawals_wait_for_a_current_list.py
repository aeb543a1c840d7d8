"""In production no withdrawal from a customer's wallet is signed while no sanctions list is
current enough to check its destination: it waits, requested, and goes once the list is."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import custody_signer
from onramp.chain.client import ChainClient
from onramp.chain.custodial.withdrawal_sender import WithdrawalSender
from onramp.chain.models import WalletWithdrawal
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack

pytestmark = pytest.mark.usefixtures("no_withdrawals_worker")


class _Switch:
    def __init__(self) -> None:
        self.reason: str | None = "no sanctions list loaded: withdrawals wait until one is"
        self.screened: list[str] = []

    async def __call__(self, customer_id: uuid.UUID, address: str) -> str | None:
        self.screened.append(address)
        return None

    async def waiting(self) -> str | None:
        return self.reason


async def test_a_requested_withdrawal_waits_unsigned_while_no_list_is_current(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    withdrawal_id = uuid7()
    to = "0x" + uuid.uuid4().hex + "0000d00d"
    async with unit_of_work(sessions) as session:
        session.add(
            WalletWithdrawal(
                id=withdrawal_id, customer_id=uuid.uuid4(),
                wallet_address="0x" + uuid.uuid4().hex + "0000beef", to_address=to,
                amount=1_000_000, status="requested", idempotency_key=uuid.uuid4().hex,
            )
        )  # fmt: skip
    check = _Switch()
    sender = WithdrawalSender(
        sessions=sessions,
        client=ChainClient(infra.anvil.url),
        signer=custody_signer(infra.settings.custody, infra.settings.hsm),
        factory=infra.deployment.wallet_factory,
        usdc=infra.deployment.usdc,
        chain_id=infra.settings.chain.chain_id,
        destination_check=check,
    )

    assert await sender.send_next() == 0
    async with sessions() as session:
        waiting = await session.get_one(WalletWithdrawal, withdrawal_id)
    assert (waiting.status, waiting.tx_id, check.screened) == ("requested", None, [])

    check.reason = None
    while to not in check.screened:  # older requests of other tests go first
        assert await sender.send_next() == 1
    async with sessions() as session:
        looked_at = await session.get_one(WalletWithdrawal, withdrawal_id)
    # The empty wallet fails it, which shows it was taken up: no longer waiting.
    assert looked_at.status != "requested"
