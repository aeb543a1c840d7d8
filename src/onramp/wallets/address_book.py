"""The customer's address book of payout destinations, and which address an order pays.

An order pays the customer's own custodial wallet (the default) or an address from this book.
Adding an address needs a fresh second factor (checked at the edge), so whoever steals a
password or a session cannot redirect the next payout to themselves.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import chain
from onramp.compliance import ListMatchers, check_address
from onramp.core.audit import record
from onramp.core.db import row_dict, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.paging import EVERY_ROW, PageQuery
from onramp.wallets.errors import (
    DestinationNotAllowed,
    DestinationSanctioned,
    NoDefaultWallet,
    WalletCustodyInvalid,
    WalletExists,
    WalletNotFound,
)
from onramp.wallets.models import DestinationWallet

# Who holds a saved wallet's keys: the customer (``self_hosted``) or another provider.
Custody = Literal["self_hosted", "hosted"]


def _active(customer_id: uuid.UUID) -> Any:
    return (DestinationWallet.customer_id == customer_id) & DestinationWallet.removed_at.is_(None)


async def add_wallet(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    label: str,
    address: str,
    now: datetime,
    custody: str = "self_hosted",
    vasp_name: str | None = None,
) -> DestinationWallet:
    checksummed = await chain.check_destination(session, address)
    vasp = (vasp_name or "").strip() or None
    if custody not in ("self_hosted", "hosted") or (custody == "hosted") != (vasp is not None):
        raise WalletCustodyInvalid()
    found = await session.scalar(
        select(DestinationWallet.id).where(
            _active(customer_id), DestinationWallet.address == checksummed
        )
    )
    if found is not None:
        raise WalletExists()
    wallet = DestinationWallet(
        id=uuid7(),
        customer_id=customer_id,
        label=label.strip(),
        address=checksummed,
        custody=custody,
        vasp_name=vasp,
        created_at=now,
    )
    session.add(wallet)
    await record(
        session,
        actor=f"user:{customer_id}",
        action="wallet.added",
        entity_type="user",
        entity_id=str(customer_id),
        data={"wallet_id": str(wallet.id), "address": checksummed, "custody": custody},
    )
    await session.flush()
    return wallet


async def screen_new_destination(
    sessions: async_sessionmaker[AsyncSession],
    matchers: ListMatchers,
    *,
    customer_id: uuid.UUID,
    address: str,
    now: datetime,
    point: str = "wallet_add",
    refused_action: str = "wallet.refused",
) -> None:
    """Screen an address before it joins the address book (or, with its ``point``, before a
    withdrawal goes to it). A listed address is refused (``destination_sanctioned``); the
    screen, its alert and ``refused_action`` in the audit log commit in their own transaction,
    so the attempt is on record although the request changes nothing else."""
    async with unit_of_work(sessions) as session:
        # An address of the operator or the system is refused before it is screened.
        checksummed = await chain.check_destination(session, address)
        finding = await check_address(
            session,
            matchers,
            point=point,
            customer_id=customer_id,
            subject_type="wallet_address",
            subject_id=checksummed.lower(),
            address=checksummed,
            now=now,
            actor=f"user:{customer_id}",
        )
        if finding.hit:
            await record(
                session,
                actor=f"user:{customer_id}",
                action=refused_action,
                entity_type="user",
                entity_id=str(customer_id),
                data={"address": checksummed, "reason": finding.reason, **finding.evidence()},
            )
    if finding.hit:
        raise DestinationSanctioned(f"{checksummed} is {finding.reason}")


async def block_wallets(
    session: AsyncSession, *, wallet_ids: list[uuid.UUID], reason: str, now: datetime
) -> None:
    """A list update named these saved addresses: new orders may no longer pay them."""
    for wallet_id in wallet_ids:
        wallet = await session.get_one(DestinationWallet, wallet_id)
        if wallet.blocked_at is not None:
            continue
        wallet.blocked_at = now
        wallet.blocked_reason = reason[:300]
        await record(
            session,
            actor="system:rescreen",
            action="wallet.blocked",
            entity_type="user",
            entity_id=str(wallet.customer_id),
            data={"wallet_id": str(wallet.id), "reason": reason},
        )
    await session.flush()


async def list_wallets(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    page: PageQuery = EVERY_ROW,
    custody: Custody | None = None,
) -> list[DestinationWallet]:
    """The customer's saved wallets (not the removed ones), newest first; with ``custody``,
    only those so held."""
    query = select(DestinationWallet).where(_active(customer_id))
    if custody is not None:
        query = query.where(DestinationWallet.custody == custody)
    rows = await session.scalars(page.apply(query, DestinationWallet.id))
    return list(rows.all())


async def get_wallet(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    wallet_id: uuid.UUID,
    for_update: bool = False,
) -> DestinationWallet:
    """Another customer's wallet, or a removed one, is not found."""
    wallet = await session.get(DestinationWallet, wallet_id, with_for_update=for_update)
    if wallet is None or wallet.customer_id != customer_id or wallet.removed_at is not None:
        raise WalletNotFound()
    return wallet


async def saved_wallet(
    session: AsyncSession, *, customer_id: uuid.UUID, address: str
) -> DestinationWallet | None:
    """The customer's active address-book entry for ``address`` (checksummed), if any."""
    found: DestinationWallet | None = await session.scalar(
        select(DestinationWallet).where(_active(customer_id), DestinationWallet.address == address)
    )
    return found


async def remove_wallet(
    session: AsyncSession, *, customer_id: uuid.UUID, wallet_id: uuid.UUID, now: datetime
) -> None:
    wallet = await get_wallet(session, customer_id=customer_id, wallet_id=wallet_id)
    wallet.removed_at = now
    await record(
        session,
        actor=f"user:{customer_id}",
        action="wallet.removed",
        entity_type="user",
        entity_id=str(customer_id),
        data={"wallet_id": str(wallet.id)},
    )
    await session.flush()


async def remove_all_wallets(
    session: AsyncSession, *, customer_id: uuid.UUID, now: datetime
) -> None:
    await session.execute(
        update(DestinationWallet).where(_active(customer_id)).values(removed_at=now)
    )


async def export_wallets(session: AsyncSession, *, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(DestinationWallet)
        .where(DestinationWallet.customer_id == customer_id)
        .order_by(DestinationWallet.id)
    )
    return [row_dict(r) for r in rows]


async def payout_destination(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    requested: str | None,
    wallet_factory: str,
) -> str:
    """The address an order pays: the customer's own wallet unless they name a saved one."""
    own = chain.customer_wallet_address(wallet_factory, customer_id) if wallet_factory else None
    if requested is None:
        if own is None:
            raise NoDefaultWallet()
        return own
    address = await chain.check_destination(session, requested)
    if address == own:
        return address
    saved = await session.scalar(
        select(DestinationWallet).where(_active(customer_id), DestinationWallet.address == address)
    )
    if saved is None:
        raise DestinationNotAllowed()
    if saved.blocked_at is not None:
        raise DestinationSanctioned(saved.blocked_reason)
    return address


async def customers_with_address(session: AsyncSession, address: str) -> list[uuid.UUID]:
    """Whose address books hold (or held) this address, in any case (staff search)."""
    rows = await session.scalars(
        select(DestinationWallet.customer_id)
        .where(func.lower(DestinationWallet.address) == address.strip().lower())
        .distinct()
    )
    return list(rows.all())
