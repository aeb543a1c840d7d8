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


async def next_nonce(
    session: AsyncSession,
    client: ChainClient | None,
    address: str,
    *,
    pending_on_chain: int | None = None,
) -> int:
    """The key's next free nonce; the caller stores its transaction in this same database
    transaction (the lock is held until it commits or rolls back).

    ``pending_on_chain``, read by the caller before its transaction opened, spares a node call
    while row locks are held: a count read earlier can only be lower, and every sender of the
    key stores before it sends, so the stored nonces cover what it missed."""
    await session.execute(select(func.pg_advisory_xact_lock(nonce_lock_key(address))))
    stored = await session.scalar(
        select(func.max(ChainTransaction.nonce)).where(ChainTransaction.sender == address)
    )
    if pending_on_chain is None:
        if client is None:
            raise ValueError("next_nonce needs the node or the pending count read from it")
        pending_on_chain = await client.pending_nonce(address)
    return max(pending_on_chain, stored + 1 if stored is not None else 0)
