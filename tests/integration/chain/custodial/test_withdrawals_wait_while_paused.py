"""A paused USDC (its issuer's pause) or paused withdrawals (the wallet factory owner's) is a
condition that passes: a requested withdrawal waits, unsigned and never failed, while the pause
lasts, and is taken up once it ends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from eth_account import Account
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain import custody_signer
from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.custodial.withdrawal_sender import WithdrawalSender
from onramp.chain.models import WalletWithdrawal
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.settings.base import ANVIL_DEPLOYER_KEY
from onramp.devstack.stack import Stack

pytestmark = pytest.mark.usefixtures("no_withdrawals_worker")


class _Pauser:
    """Who may pause ``contract``: TestUSDC's admin (the local deployer, an unlocked anvil
    account) or the wallet factory's owner (the cold Safe, impersonated on anvil)."""

    def __init__(self, stack: Stack, contract: str, sender: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
        self.contract, self.sender = contract, sender

    def rpc(self, method: str, *params: object) -> object:
        response = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        assert "error" not in response, response
        return response["result"]

    def call(self, signature: str) -> None:
        data = "0x" + selector(signature).hex()
        tx = {"from": self.sender, "to": self.contract, "data": data}
        receipt = self.w3.eth.wait_for_transaction_receipt(self.rpc("eth_sendTransaction", tx))  # type: ignore[arg-type]
        assert receipt["status"] == 1


@pytest.fixture(params=["usdc", "factory"])
def pauser(request: pytest.FixtureRequest, infra: Stack) -> Iterator[_Pauser]:
    if request.param == "usdc":
        deployer = Account.from_key(ANVIL_DEPLOYER_KEY).address
        pauser = _Pauser(infra, infra.deployment.usdc, deployer)
    else:
        factory = infra.deployment.wallet_factory
        owner = Web3(Web3.HTTPProvider(infra.anvil.url)).eth.call(
            {"to": factory, "data": "0x" + selector("owner()").hex()}  # type: ignore[typeddict-item]
        )
        pauser = _Pauser(infra, factory, Web3.to_checksum_address(bytes(owner)[-20:]))
        pauser.rpc("anvil_impersonateAccount", pauser.sender)
        pauser.rpc("anvil_setBalance", pauser.sender, hex(10**18))
    pauser.call("pause()")
    try:
        yield pauser
    finally:
        pauser.call("unpause()")


async def test_a_withdrawal_waits_requested_while_paused(
    infra: Stack, sessions: async_sessionmaker[AsyncSession], pauser: _Pauser
) -> None:
    withdrawal_id = uuid7()
    async with unit_of_work(sessions) as session:
        session.add(
            WalletWithdrawal(
                id=withdrawal_id, customer_id=uuid.uuid4(),
                wallet_address="0x" + uuid.uuid4().hex + "0000beef",
                to_address="0x" + uuid.uuid4().hex + "0000d00d",
                amount=1_000_000, status="requested", idempotency_key=uuid.uuid4().hex,
            )
        )  # fmt: skip
    sender = WithdrawalSender(
        sessions=sessions,
        client=ChainClient(infra.anvil.url),
        signer=custody_signer(infra.settings.custody, infra.settings.hsm),
        factory=infra.deployment.wallet_factory,
        usdc=infra.deployment.usdc,
        chain_id=infra.settings.chain.chain_id,
    )

    assert await sender.send_next() == 0
    assert await sender.send_next() == 0
    async with sessions() as session:
        waiting = await session.get_one(WalletWithdrawal, withdrawal_id)
    assert (waiting.status, waiting.tx_id, waiting.failure) == ("requested", None, None)

    pauser.call("unpause()")
    try:
        while True:  # older requests of other tests go first
            assert await sender.send_next() == 1
            async with sessions() as session:
                looked_at = await session.get_one(WalletWithdrawal, withdrawal_id)
            if looked_at.status != "requested":
                break
        # The empty wallet fails it, for a cause in the item itself: taken up, not waiting.
        assert (looked_at.status, looked_at.failure) == ("failed", "insufficient_wallet_balance")
    finally:
        pauser.call("pause()")  # the fixture unpauses
