"""The caller's data rights (GDPR): ``GET /v1/me/export`` (Art. 15, 20) and
``POST /v1/me/erasure`` (Art. 17). Composition only: each domain handles its own data."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter

from onramp.auth import Permission, Principal, require
from onramp.banking import export_bank_accounts
from onramp.casework import erase
from onramp.core.audit import records_about
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.fx import export_quotes
from onramp.identity import export_user
from onramp.kyc import export_cases
from onramp.orders import export_orders
from onramp.wallets import export_wallets

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get(
    "/export",
    summary="Export all of the caller's data as JSON",
    description="Profile, preferences, sessions, quotes, orders with their history, deposits "
    "and payouts, saved bank accounts and wallets, KYC cases with the identity data submitted, "
    "and the audit records about the caller. "
    "Secrets (password and token hashes) are not included.",
)
async def export(
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> dict[str, Any]:
    user_id = principal.user_id
    return {
        "exported_at": clock.now().isoformat(),
        "user_id": str(user_id),
        **await export_user(session, user_id=user_id),
        "quotes": await export_quotes(session, customer_id=user_id),
        "orders": await export_orders(session, customer_id=user_id),
        "bank_accounts": await export_bank_accounts(session, customer_id=user_id),
        "wallets": await export_wallets(session, customer_id=user_id),
        "kyc_cases": await export_cases(session, customer_id=user_id),
        "audit": await records_about(session, entity_id=str(user_id)),
    }


@router.post(
    "/erasure",
    status_code=202,
    summary="Erase the caller's personal data (GDPR Art. 17)",
    description="Pseudonymises the profile at once and ends every session; orders, quotes, "
    "deposits and ledger entries stay as law requires, and the sender's bank details on "
    "deposits are removed when the retention period (ONRAMP_PRIVACY__RETENTION_DAYS) ends. "
    "Needs a login session: API keys get `403 login_session_required`.",
)
async def erasure(
    # Irreversible: a leaked API key must not be able to erase its owner.
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> dict[str, Any]:
    now = clock.now()
    await erase(session, user_id=principal.user_id, now=now)
    retained_until = now + timedelta(days=settings.privacy.retention_days)
    return {
        "erased_at": now.isoformat(),
        "financial_records_retained_until": retained_until.isoformat(),
    }
