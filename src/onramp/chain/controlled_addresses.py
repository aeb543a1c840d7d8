"""Addresses no customer may be paid at: the operator's own (the vault, the Safes, the HSM keys'
addresses), the system's contracts (USDC, the wallet factory), the zero address and the
precompiles. A payout to one of them moves no customer's money anywhere (an order to the vault
"completes" while the USDC stays put, and the books and the chain part ways), so each is refused
at input (``destination_not_allowed``) and again right before signing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain.addresses import checksum
from onramp.chain.errors import DestinationRefused
from onramp.chain.models import ControlledAddress
from onramp.core.settings import ChainSettings

# Precompiles live at the lowest addresses (0x01 ... 0x11 today, 0x100 for P-256); nobody holds
# a key for any address this small, so all of them are refused.
_LOWEST_ALLOWED = 0x10000
_ZERO = re.compile(r"0x0{40}", re.IGNORECASE)


async def register_controlled(session: AsyncSession, addresses: Mapping[str, str]) -> None:
    """Record addresses the operator controls (label by address); idempotent."""
    rows = [
        {"address": checksum(address), "label": label[:60]}
        for address, label in addresses.items()
        if address
    ]
    if rows:
        await session.execute(
            insert(ControlledAddress)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["address"])
        )


async def register_system_contracts(session: AsyncSession, settings: ChainSettings) -> None:
    """The configured contracts (USDC, the vault, the wallet factory), at every start."""
    await register_controlled(
        session,
        {
            settings.usdc_address: "USDC contract",
            settings.vault_address: "vault",
            settings.wallet_factory_address: "wallet factory",
        },
    )


def _reserved(address: str) -> str | None:
    return "precompile or zero address" if int(address, 16) < _LOWEST_ALLOWED else None


async def refused_destinations(session: AsyncSession, addresses: Iterable[str]) -> dict[str, str]:
    """Of these (checksummed) addresses, those no payout may go to, with what each is."""
    wanted = set(addresses)
    out = {a: why for a in wanted if (why := _reserved(a)) is not None}
    if wanted:
        rows = await session.execute(
            select(ControlledAddress.address, ControlledAddress.label).where(
                ControlledAddress.address.in_(wanted)
            )
        )
        out.update({address: f"the operator's {label}" for address, label in rows})
    return out


async def check_destination(session: AsyncSession, address: str) -> str:
    """The checksummed address, if a customer may be paid there; ``destination_not_allowed``
    otherwise (``invalid_address`` for what is no address at all)."""
    if isinstance(address, str) and _ZERO.fullmatch(address):
        raise DestinationRefused("the zero address cannot receive USDC")
    checksummed = checksum(address)
    refused = await refused_destinations(session, [checksummed])
    if checksummed in refused:
        raise DestinationRefused(f"{checksummed} is {refused[checksummed]}")
    return checksummed
