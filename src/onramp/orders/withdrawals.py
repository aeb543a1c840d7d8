"""Withdrawals from the customer's custodial wallet (docs/custody.md): the destination is
checked and screened like an address joining the address book, then the chain domain stores the
withdrawal if the wallet holds enough, and its worker sends it with the custody key."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import chain
from onramp.compliance.checkpoints import ListMatchers, check_address
from onramp.core.audit import record
from onramp.core.db import unit_of_work
from onramp.core.money import InvalidAmount, Money
from onramp.orders.errors import DestinationSanctioned, NoDefaultWallet, WithdrawalToOwnWallet


def own_wallet(factory: str, customer_id: uuid.UUID) -> str:
    if not factory:
        raise NoDefaultWallet()
    return chain.customer_wallet_address(factory, customer_id)


async def screen_withdrawal_destination(
    sessions: async_sessionmaker[AsyncSession],
    matchers: ListMatchers,
    *,
    customer_id: uuid.UUID,
    address: str,
    now: datetime,
) -> None:
    """A listed destination is refused (``destination_sanctioned``); the screen, its alert and
    the refusal commit in their own transaction, so the attempt is on record."""
    async with unit_of_work(sessions) as session:
        finding = await check_address(
            session,
            matchers,
            point="withdrawal",
            customer_id=customer_id,
            subject_type="wallet_address",
            subject_id=address.lower(),
            address=address,
            now=now,
            actor=f"user:{customer_id}",
        )
        if finding.hit:
            await record(
                session,
                actor=f"user:{customer_id}",
                action="wallet.withdrawal_refused",
                entity_type="user",
                entity_id=str(customer_id),
                data={"to": address, "reason": finding.reason, **finding.evidence()},
            )
    if finding.hit:
        raise DestinationSanctioned(f"{address} is {finding.reason}")


async def request_withdrawal(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    matchers: ListMatchers,
    client: chain.ChainClient,
    *,
    customer_id: uuid.UUID,
    to: str,
    amount: str,
    factory: str,
    usdc: str,
    idempotency_key: str,
    now: datetime,
) -> chain.WithdrawalView:
    wallet = own_wallet(factory, customer_id)
    destination = chain.checksum(to)
    if destination == wallet:
        raise WithdrawalToOwnWallet()
    minor = Money.parse(amount, "USDC").minor
    if minor <= 0:
        raise InvalidAmount("a withdrawal must be more than 0 USDC")
    await screen_withdrawal_destination(
        sessions, matchers, customer_id=customer_id, address=destination, now=now
    )
    return await chain.request_withdrawal(
        session,
        client,
        customer_id=customer_id,
        wallet=wallet,
        to=destination,
        amount=minor,
        usdc=usdc,
        idempotency_key=idempotency_key,
        now=now,
    )
