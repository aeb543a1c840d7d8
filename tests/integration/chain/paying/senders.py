"""The payout sender the tests of this folder drive by hand (the stack's payouts worker
stopped): the stack's node, payout key and vault, batches of up to 500."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.paying.payout_gate import DestinationCheck
from onramp.chain.paying.payouts import PayoutSender
from onramp.chain.worker import payout_signer
from onramp.devstack.stack import Stack


def stack_sender(
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    *,
    client: ChainClient | None = None,
    destination_check: DestinationCheck | None = None,
) -> PayoutSender:
    return PayoutSender(
        sessions=sessions,
        client=client or ChainClient(infra.anvil.url),
        signer=payout_signer(infra.settings.chain, infra.settings.hsm),
        vault=infra.deployment.vault,
        chain_id=infra.settings.chain.chain_id,
        batch_size=500,
        destination_check=destination_check,
    )
