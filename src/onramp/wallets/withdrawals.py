"""Withdrawals from the customer's custodial wallet (docs/custody.md): the destination is
checked and screened like an address joining the address book, then the chain domain stores the
withdrawal if the wallet holds enough, and its worker sends it with the custody key."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import chain
from onramp.compliance import ListMatchers
from onramp.core.money import InvalidAmount, Money
from onramp.wallets.address_book import screen_new_destination
from onramp.wallets.errors import NoDefaultWallet, WithdrawalToOwnWallet


def own_wallet(factory: str, customer_id: uuid.UUID) -> str:
    if not factory:
        raise NoDefaultWallet()
    return chain.customer_wallet_address(factory, customer_id)


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
    destination = await chain.check_destination(session, to)
    if destination == wallet:
        raise WithdrawalToOwnWallet()
    minor = Money.parse(amount, "USDC").minor
    if minor <= 0:
        raise InvalidAmount("a withdrawal must be more than 0 USDC")
    await screen_new_destination(
        sessions,
        matchers,
        customer_id=customer_id,
        address=destination,
        now=now,
        point="withdrawal",
        refused_action="wallet.withdrawal_refused",
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
