"""GDPR erasure across domains: identity data goes at once; the financial records law requires
stay, and lose the person's bank details when the retention period ends."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import (
    pseudonymise_senders,
    purge_bank_account_details,
    remove_all_bank_accounts,
)
from onramp.compliance import purge_parties
from onramp.identity import erase_identity, erased_users
from onramp.kyc import purge_personal_data
from onramp.orders import order_ids_of
from onramp.wallets import remove_all_wallets


async def erase(session: AsyncSession, *, user_id: uuid.UUID, now: datetime) -> None:
    await erase_identity(session, user_id=user_id, now=now)
    # Out of use at once; bank details stay (sealed) for refunds until the retention purge.
    await remove_all_bank_accounts(session, customer_id=user_id, now=now)
    await remove_all_wallets(session, customer_id=user_id, now=now)


async def purge_expired(session: AsyncSession, *, retention: timedelta, now: datetime) -> int:
    """Drop the bank details (saved accounts, deposits' senders), KYC and travel-rule personal
    data of users erased longer ago than ``retention``; return how many deposits changed."""
    users = await erased_users(session, erased_before=now - retention)
    await purge_bank_account_details(session, customer_ids=users)
    # KYC records are AML records too: kept through erasure, their personal data dropped now.
    await purge_personal_data(session, customer_ids=users)
    await purge_parties(session, customer_ids=users)
    return await pseudonymise_senders(
        session, order_ids=await order_ids_of(session, customer_ids=users)
    )
