"""The caller's data rights (GDPR): ``GET /v1/me/export`` (Art. 15, 20) and
``POST /v1/me/erasure`` (Art. 17). Composition only: each domain handles its own data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from onramp.auth import Permission, Principal, require
from onramp.casework import erase_customer, export_customer
from onramp.core.web import ClockDep, SessionDep, SettingsDep

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
    return await export_customer(session, user_id=principal.user_id, now=clock.now())


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
    return await erase_customer(
        session,
        user_id=principal.user_id,
        retention_days=settings.privacy.retention_days,
        now=clock.now(),
    )
