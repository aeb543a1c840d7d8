"""One nonce allocator per sending key.

Every sender of a key (the payout sender on the payout key; the treasury executor and gas
top-ups on the gas key; withdrawals on the custody key) takes its next nonce here, inside the
database transaction that stores the signed transaction: a transaction-scoped advisory lock on
the key serialises them until that commit, so two senders of one key never sign the same nonce.

The next nonce is the larger of the node's pending count and the highest stored nonce + 1: a
stored transaction that has not reached the node yet (a timeout, a crash) keeps its nonce, and
the reconciler (``tx_reconciler``) sends it again rather than letting a new one take it.
"""

from __future__ import annotations

import zlib

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain.client import ChainClient
from onramp.chain.models import ChainTransaction


def nonce_lock_key(address: str) -> int:
    return zlib.crc32(f"nonce:{address.lower()}".encode())


async def next_nonce(session: AsyncSession, client: ChainClient, address: str) -> int:
    """The key's next free nonce; the caller stores its transaction in this same database
    transaction (the lock is held until it commits or rolls back)."""
    await session.execute(select(func.pg_advisory_xact_lock(nonce_lock_key(address))))
    stored = await session.scalar(
        select(func.max(ChainTransaction.nonce)).where(ChainTransaction.sender == address)
    )
    on_chain = await client.pending_nonce(address)
    return max(on_chain, stored + 1 if stored is not None else 0)
