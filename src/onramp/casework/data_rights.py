"""A customer's data rights (GDPR) as ``/v1/me/export``, ``/v1/me/erasure`` and the web's
privacy page exercise them: composition only, each domain handles its own data."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import export_bank_accounts
from onramp.casework.privacy import erase
from onramp.core.audit import records_about
from onramp.fx import export_quotes
from onramp.identity import export_user
from onramp.kyc import export_cases
from onramp.orders import export_orders
from onramp.wallets import export_wallets


async def export_customer(
    session: AsyncSession, *, user_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    """Everything about the customer (Art. 15, 20), secrets (password and token hashes) left
    out."""
    return {
        "exported_at": now.isoformat(),
        "user_id": str(user_id),
        **await export_user(session, user_id=user_id),
        "quotes": await export_quotes(session, customer_id=user_id),
        "orders": await export_orders(session, customer_id=user_id),
        "bank_accounts": await export_bank_accounts(session, customer_id=user_id),
        "wallets": await export_wallets(session, customer_id=user_id),
        "kyc_cases": await export_cases(session, customer_id=user_id),
        "audit": await records_about(session, entity_id=str(user_id)),
    }


async def erase_customer(
    session: AsyncSession, *, user_id: uuid.UUID, retention_days: int, now: datetime
) -> dict[str, Any]:
    """Art. 17: the profile pseudonymised at once, every session ended; the financial records
    stay until the retention period ends, which the answer says."""
    await erase(session, user_id=user_id, now=now)
    retained_until = now + timedelta(days=retention_days)
    return {
        "erased_at": now.isoformat(),
        "financial_records_retained_until": retained_until.isoformat(),
    }
