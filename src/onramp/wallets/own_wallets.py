"""A customer's saved wallets as ``/v1/me/wallets`` and the web's page change them: adding one
needs a recent second factor and passes the sanctions screen first; proving ownership signs a
challenge that names this operator, its site and its chain."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import Principal, require_step_up
from onramp.compliance import ListMatchers
from onramp.core.request_fields import Text
from onramp.core.settings import Settings
from onramp.wallets import address_book, ownership
from onramp.wallets.models import DestinationWallet, WalletOwnershipChallenge


class WalletIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Text = Field(min_length=1, max_length=100, examples=["Treasury cold wallet"])
    address: Text = Field(
        min_length=1,
        max_length=60,
        description="EVM address; mixed case must be a valid EIP-55 checksum",
        examples=["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
    )
    custody: Literal["self_hosted", "hosted"] = Field(
        default="self_hosted",
        description="self_hosted: you hold the keys (prove it before large payouts); hosted: "
        "an account at another provider, named in vasp_name",
    )
    vasp_name: Text | None = Field(
        default=None, max_length=200, description="The provider of a hosted wallet"
    )


def challenge_context(settings: Settings) -> ownership.ChallengeContext:
    base = settings.notifications.public_base_url
    return ownership.ChallengeContext(
        operator=settings.auth.issuer,
        domain=urlsplit(base).netloc or base,
        uri=base,
        chain_id=settings.chain.chain_id,
        ttl=timedelta(seconds=settings.compliance.wallet_proof_ttl_seconds),
    )


async def add_own_wallet(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    matchers: ListMatchers,
    *,
    principal: Principal,
    body: WalletIn,
    settings: Settings,
    now: datetime,
) -> DestinationWallet:
    await require_step_up(
        session,
        principal=principal,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    await address_book.screen_new_destination(
        sessions, matchers, customer_id=principal.user_id, address=body.address, now=now
    )
    return await address_book.add_wallet(
        session,
        customer_id=principal.user_id,
        label=body.label,
        address=body.address,
        now=now,
        custody=body.custody,
        vasp_name=body.vasp_name,
    )


async def own_challenge(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    wallet_id: uuid.UUID,
    settings: Settings,
    now: datetime,
) -> WalletOwnershipChallenge:
    return await ownership.issue_challenge(
        session,
        customer_id=customer_id,
        wallet_id=wallet_id,
        context=challenge_context(settings),
        now=now,
    )
