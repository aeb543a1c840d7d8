"""What the withdrawals the custody key's transactions carry do when one of those transactions
is sent, moved to a replacement or superseded (the transaction reconciler's owner hooks)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain.models import ChainTransaction, WalletWithdrawal, WithdrawalStatus
from onramp.chain.transactions.tx_reconciler import NoOwner
from onramp.core.audit import record
from onramp.core.clock import utcnow
from onramp.core.logging import get_logger

log = get_logger(__name__)


class WithdrawalRows(NoOwner):
    """What the withdrawals the custody key's transactions carry do when one is sent or
    settled (they are never replaced)."""

    def __init__(self, custody: str) -> None:
        self._custody = custody

    async def sent(self, session: AsyncSession, tx: ChainTransaction) -> None:
        await session.execute(
            update(WalletWithdrawal)
            .where(
                WalletWithdrawal.tx_id == tx.id,
                WalletWithdrawal.status == WithdrawalStatus.SIGNED.value,
            )
            .values(status=WithdrawalStatus.BROADCAST.value, updated_at=utcnow())
        )

    async def moved(self, session: AsyncSession, from_id: uuid.UUID, to: ChainTransaction) -> None:
        await session.execute(
            update(WalletWithdrawal)
            .where(WalletWithdrawal.tx_id == from_id)
            .values(tx_id=to.id, tx_hash=to.tx_hash, updated_at=utcnow())
        )
        await session.execute(
            update(WalletWithdrawal)
            .where(WalletWithdrawal.deploy_tx_id == from_id)
            .values(deploy_tx_id=to.id, updated_at=utcnow())
        )
        await self.sent(session, to)

    async def superseded(self, session: AsyncSession, tx: ChainTransaction) -> None:
        """Never mined, and never will be: no USDC left the wallet; the withdrawal fails (the
        customer may ask again) rather than being signed anew behind the customer's back."""
        reason = "superseded: its nonce went to a transaction not stored here"
        for row in await session.scalars(
            select(WalletWithdrawal)
            .where(
                (WalletWithdrawal.tx_id == tx.id) | (WalletWithdrawal.deploy_tx_id == tx.id),
                WalletWithdrawal.status.in_(
                    [WithdrawalStatus.SIGNED.value, WithdrawalStatus.BROADCAST.value]
                ),
            )
            .with_for_update()
        ):
            row.status, row.failure, row.updated_at = (
                WithdrawalStatus.FAILED.value,
                reason,
                utcnow(),
            )
            await record(
                session,
                actor=f"chain:{self._custody}",
                action="wallet.withdrawal_failed",
                entity_type="wallet_withdrawal",
                entity_id=str(row.id),
                data={"reason": reason},
            )
            log.error("withdrawal.superseded", withdrawal_id=str(row.id), nonce=tx.nonce)
