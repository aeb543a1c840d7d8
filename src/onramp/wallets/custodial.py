"""The customer's custodial wallet and withdrawals out of it, as ``/v1/me/wallet`` and the web's
wallets page show and make them: a withdrawal needs a recent second factor and an idempotency
key (the same key and body: the answer already given; another body: refused)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import chain
from onramp.auth import Principal, require_step_up
from onramp.chain import WithdrawalStatus
from onramp.compliance import ListMatchers
from onramp.core import idempotency
from onramp.core.money import Money
from onramp.core.paging import EVERY_ROW, PageQuery
from onramp.core.request_fields import Text
from onramp.core.settings import Settings
from onramp.wallets import withdrawals

WITHDRAWALS_PATH = "/v1/me/wallet/withdrawals"


def usdc(minor: int) -> str:
    return str(Money(minor, "USDC"))


class CustodialWalletOut(BaseModel):
    address: str = Field(description="The CREATE2 address; it can receive USDC before deployment")
    deployed: bool = Field(description="Deployed on the first withdrawal")
    currency: str = "USDC"
    balance: str = Field(description="USDC the wallet holds on-chain", examples=["250.000000"])
    available: str = Field(description="balance less withdrawals still in flight")


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Text = Field(
        min_length=1,
        max_length=60,
        description="EVM address; mixed case must be a valid EIP-55 checksum",
        examples=["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
    )
    amount: Text = Field(
        min_length=1, max_length=40, description="USDC, up to 6 decimals", examples=["25.50"]
    )


class WithdrawalOut(BaseModel):
    id: uuid.UUID
    wallet: str
    to: str
    amount: str
    currency: str = "USDC"
    status: str = Field(description="requested, signed, broadcast, confirmed or failed")
    tx_hash: str | None
    block_number: int | None
    failure: str | None
    created_at: datetime


def withdrawal_out(w: chain.WithdrawalView) -> WithdrawalOut:
    return WithdrawalOut(
        id=w.id,
        wallet=w.wallet_address,
        to=w.to_address,
        amount=usdc(w.amount),
        status=w.status,
        tx_hash=w.tx_hash,
        block_number=w.block_number,
        failure=w.failure,
        created_at=w.created_at,
    )


async def custodial_wallet_of(
    session: AsyncSession, *, customer_id: uuid.UUID, settings: Settings
) -> CustodialWalletOut:
    """Its address (deployed or not), the USDC it holds on-chain, and what is not already
    on its way out."""
    withdrawals.own_wallet(settings.chain.wallet_factory_address, customer_id)
    wallet = await chain.custodial_wallet(
        chain.ChainClient(settings.chain.rpc_url),
        factory=settings.chain.wallet_factory_address,
        usdc=settings.chain.usdc_address,
        customer_id=customer_id,
    )
    pending = await chain.in_flight(session, wallet=wallet.address)
    return CustodialWalletOut(
        address=wallet.address,
        deployed=wallet.deployed,
        balance=usdc(wallet.balance),
        available=usdc(max(wallet.balance - pending, 0)),
    )


async def withdrawals_of(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    page: PageQuery = EVERY_ROW,
    status: WithdrawalStatus | None = None,
) -> list[WithdrawalOut]:
    rows = await chain.withdrawals_of(session, customer_id=customer_id, page=page, status=status)
    return [withdrawal_out(w) for w in rows]


async def withdraw_once(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    matchers: ListMatchers,
    *,
    principal: Principal,
    body: WithdrawalIn,
    idempotency_key: str | None,
    settings: Settings,
    now: datetime,
) -> tuple[int, dict[str, Any], bool]:
    """The answer's status and body, and whether it is one already given for this key."""
    key = idempotency.check_key(idempotency_key)
    await require_step_up(
        session,
        principal=principal,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    scope = f"user:{principal.user_id}"
    fingerprint = idempotency.request_fingerprint(
        "POST", WITHDRAWALS_PATH, body.model_dump(mode="json")
    )
    stored = await idempotency.begin(session, scope=scope, key=key, request_hash=fingerprint)
    if stored is not None:
        return stored.status_code, stored.body, True
    withdrawal = await withdrawals.request_withdrawal(
        session,
        sessions,
        matchers,
        chain.ChainClient(settings.chain.rpc_url),
        customer_id=principal.user_id,
        to=body.to,
        amount=body.amount,
        factory=settings.chain.wallet_factory_address,
        usdc=settings.chain.usdc_address,
        idempotency_key=key,
        now=now,
    )
    out = withdrawal_out(withdrawal).model_dump(mode="json")
    await idempotency.finish(session, scope=scope, key=key, status_code=201, body=out)
    return 201, out, False
