"""The account pages' lists as CSV, each the whole list (up to ``CSV_ROWS``), newest first, by
the service its page and its JSON route call: sessions (``/app/security/sessions.csv``), API keys
(``/app/api-keys.csv``), bank accounts (``/app/bank-accounts.csv``), saved wallets
(``/app/wallets.csv``) and withdrawals (``/app/wallet/withdrawals.csv``); each keeps its page's
filter (the JSON route's query field: ``state``, ``status`` or ``custody``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from onramp.auth import Permission, Principal, require
from onramp.banking import BankAccountStatusQuery, own_bank_accounts
from onramp.core.paging import CSV_PAGE
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import KeyStateQuery, SessionStateQuery, own_api_keys, sessions_of
from onramp.wallets import CustodyQuery, WithdrawalStatusQuery, saved_wallets_of, withdrawals_of
from onramp.web.csv_export import csv_of

router = APIRouter(prefix="/app", include_in_schema=False)
KeyOwner = Annotated[Principal, require(Permission.API_KEYS_MANAGE_OWN)]

SESSION_COLUMNS = (
    "id",
    "created_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "revoked_reason",
    "ip",
    "user_agent",
    "current",
)
KEY_COLUMNS = (
    "id",
    "name",
    "prefix",
    "scopes",
    "status",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)
ACCOUNT_COLUMNS = (
    "id",
    "holder_name",
    "account_number_masked",
    "bank_code",
    "country",
    "currency",
    "status",
    "verified_at",
)
WALLET_COLUMNS = (
    "id",
    "label",
    "address",
    "custody",
    "vasp_name",
    "ownership_proven_at",
    "blocked_at",
    "created_at",
)
WITHDRAWAL_COLUMNS = ("id", "created_at", "to", "amount", "currency", "status", "tx_hash")


@router.get("/security/sessions.csv")
async def sessions_csv(
    principal: Annotated[Principal, require(Permission.SESSIONS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
    state: SessionStateQuery = None,
) -> Response:
    rows = await sessions_of(
        session,
        user_id=principal.user_id,
        current=principal.session_id,
        page=CSV_PAGE,
        state=state,
        now=clock.now(),
    )
    return csv_of("sessions.csv", SESSION_COLUMNS, rows)


@router.get("/api-keys.csv")
async def api_keys_csv(
    principal: KeyOwner, session: SessionDep, clock: ClockDep, state: KeyStateQuery = None
) -> Response:
    keys = await own_api_keys(
        session, principal=principal, now=clock.now(), page=CSV_PAGE, state=state
    )
    return csv_of("api-keys.csv", KEY_COLUMNS, keys)


@router.get("/bank-accounts.csv")
async def bank_accounts_csv(
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    status: BankAccountStatusQuery = None,
) -> Response:
    rows = await own_bank_accounts(
        session,
        principal=principal,
        settings=settings,
        now=clock.now(),
        page=CSV_PAGE,
        status=status,
    )
    return csv_of("bank-accounts.csv", ACCOUNT_COLUMNS, rows)


_WALLET_LISTS: dict[str, tuple[Sequence[str], Callable[..., Awaitable[Sequence[object]]]]] = {
    "wallets": (WALLET_COLUMNS, saved_wallets_of),
    "withdrawals": (WITHDRAWAL_COLUMNS, withdrawals_of),
}


@router.get("/wallets.csv", name="wallets_csv")
@router.get("/wallet/withdrawals.csv", name="withdrawals_csv")
async def wallet_list_csv(
    request: Request,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    custody: CustodyQuery = None,
    status: WithdrawalStatusQuery = None,
) -> Response:
    """Each list's own filter: ``custody`` the wallets', ``status`` the withdrawals'."""
    name = request.url.path.rsplit("/", 1)[-1].removesuffix(".csv")
    columns, rows_of = _WALLET_LISTS[name]
    where = {"custody": custody} if name == "wallets" else {"status": status}
    rows = await rows_of(session, customer_id=principal.user_id, page=CSV_PAGE, **where)
    return csv_of(f"{name}.csv", columns, rows)
