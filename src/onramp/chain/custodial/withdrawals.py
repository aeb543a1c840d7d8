"""Withdrawals from customers' custodial wallets: requesting one (balance checked under a
per-wallet lock, so two requests cannot spend the same USDC), and reading them back."""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain.client import ChainClient
from onramp.chain.errors import WalletBalanceTooLow
from onramp.chain.models import WalletWithdrawal, WithdrawalStatus
from onramp.core.audit import record
from onramp.core.db import as_int
from onramp.core.ids import uuid7
from onramp.core.paging import EVERY_ROW, PageQuery

OPEN = (
    WithdrawalStatus.REQUESTED.value,
    WithdrawalStatus.SIGNED.value,
    WithdrawalStatus.BROADCAST.value,
)


@dataclass(frozen=True)
class WithdrawalView:
    id: uuid.UUID
    wallet_address: str
    to_address: str
    amount: int
    status: str
    tx_hash: str | None
    block_number: int | None
    failure: str | None
    created_at: datetime


def view(row: WalletWithdrawal) -> WithdrawalView:
    return WithdrawalView(
        id=row.id,
        wallet_address=row.wallet_address,
        to_address=row.to_address,
        amount=as_int(row.amount),
        status=row.status,
        tx_hash="0x" + row.tx_hash.hex() if row.tx_hash else None,
        block_number=row.block_number,
        failure=row.failure,
        created_at=row.created_at,
    )


def wallet_lock_key(wallet: str) -> int:
    return zlib.crc32(f"wallet-withdrawal:{wallet.lower()}".encode())


async def in_flight(session: AsyncSession, *, wallet: str) -> int:
    """USDC of the wallet's withdrawals not yet confirmed or failed: still on-chain, spoken for."""
    total = await session.scalar(
        select(func.coalesce(func.sum(WalletWithdrawal.amount), 0)).where(
            WalletWithdrawal.wallet_address == wallet, WalletWithdrawal.status.in_(OPEN)
        )
    )
    return as_int(total)


async def request_withdrawal(
    session: AsyncSession,
    client: ChainClient,
    *,
    customer_id: uuid.UUID,
    wallet: str,
    to: str,
    amount: int,
    usdc: str,
    idempotency_key: str,
    now: datetime,
) -> WithdrawalView:
    """Store a withdrawal of ``amount`` from ``wallet`` (the customer's, checksummed) to ``to``
    (checked and screened by the caller), if the wallet holds that much beyond the withdrawals
    already in flight. The withdrawals worker signs and sends it."""
    await session.execute(select(func.pg_advisory_xact_lock(wallet_lock_key(wallet))))
    available = await client.token_balance(usdc, wallet) - await in_flight(session, wallet=wallet)
    if amount > available:
        raise WalletBalanceTooLow(
            f"the wallet has {max(available, 0)} USDC base units available, not {amount}"
        )
    row = WalletWithdrawal(
        id=uuid7(),
        customer_id=customer_id,
        wallet_address=wallet,
        to_address=to,
        amount=amount,
        status=WithdrawalStatus.REQUESTED.value,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await record(
        session,
        actor=f"user:{customer_id}",
        action="wallet.withdrawal_requested",
        entity_type="wallet_withdrawal",
        entity_id=str(row.id),
        data={"wallet": wallet, "to": to, "amount": str(amount)},
    )
    await session.flush()
    return view(row)


async def withdrawals_of(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    page: PageQuery = EVERY_ROW,
    status: WithdrawalStatus | None = None,
) -> list[WithdrawalView]:
    query = select(WalletWithdrawal).where(WalletWithdrawal.customer_id == customer_id)
    if status is not None:
        query = query.where(WalletWithdrawal.status == status)
    rows = await session.scalars(page.apply(query, WalletWithdrawal.id))
    return [view(r) for r in rows]


@dataclass(frozen=True)
class SentWithdrawal:
    """A withdrawal as reconciliation holds it against the chain's transfers."""

    id: uuid.UUID
    wallet: str
    to: str
    amount: int
    status: str
    tx_hash: bytes | None
    updated_at: datetime


def _sent(row: WalletWithdrawal) -> SentWithdrawal:
    tx_hash = bytes(row.tx_hash) if row.tx_hash is not None else None
    return SentWithdrawal(
        row.id, row.wallet_address, row.to_address, as_int(row.amount), row.status, tx_hash,
        row.updated_at,
    )  # fmt: skip


async def withdrawing_wallets(session: AsyncSession) -> list[str]:
    """Every custodial wallet a withdrawal was ever asked of (checksummed). A wallet is deployed
    by its first withdrawal and only the factory's operator moves its USDC, so these are the
    wallets USDC can leave; a withdrawal is stored before its transaction is signed."""
    rows = await session.scalars(select(WalletWithdrawal.wallet_address).distinct())
    return sorted(rows.all())


async def withdrawals_by_tx(
    session: AsyncSession, tx_hashes: Sequence[bytes]
) -> dict[bytes, SentWithdrawal]:
    if not tx_hashes:
        return {}
    rows = await session.scalars(
        select(WalletWithdrawal).where(WalletWithdrawal.tx_hash.in_(list(tx_hashes)))
    )
    return {bytes(r.tx_hash): _sent(r) for r in rows if r.tx_hash is not None}


async def withdrawals_confirmed_between(
    session: AsyncSession, start: datetime, end: datetime
) -> list[SentWithdrawal]:
    """Withdrawals confirmed in ``[start, end)`` (when their status last changed)."""
    rows = await session.scalars(
        select(WalletWithdrawal)
        .where(
            WalletWithdrawal.status == WithdrawalStatus.CONFIRMED.value,
            WalletWithdrawal.updated_at >= start,
            WalletWithdrawal.updated_at < end,
        )
        .order_by(WalletWithdrawal.id)
    )
    return [_sent(r) for r in rows]
