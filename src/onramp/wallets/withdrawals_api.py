"""``/v1/me/wallet``: the caller's custodial wallet (its CREATE2 address, deployed or not, and
its USDC on-chain) and withdrawals out of it (need a recent second factor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import JSONResponse

from onramp.auth import Permission, Principal, require
from onramp.chain import WithdrawalStatus
from onramp.compliance import ListMatchersDep, SessionFactoryDep
from onramp.core import idempotency
from onramp.core.paging import BlankIsNone, Paged, PageDep
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.wallets import custodial
from onramp.wallets.custodial import CustodialWalletOut, WithdrawalIn, WithdrawalOut

router = APIRouter(prefix="/v1/me/wallet", tags=["wallets"])
WithdrawalStatusQuery = Annotated[
    WithdrawalStatus | None,
    BlankIsNone,
    Query(description="Only the withdrawals in this status"),
]


class WithdrawalList(Paged):
    data: list[WithdrawalOut]


@router.get(
    "",
    summary="The caller's custodial wallet: address, deployed or not, USDC held",
    responses={422: {"description": "destination_required (no wallet factory configured)"}},
)
async def get_wallet(
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
) -> CustodialWalletOut:
    return await custodial.custodial_wallet_of(
        session, customer_id=principal.user_id, settings=settings
    )


@router.post(
    "/withdrawals",
    status_code=status.HTTP_201_CREATED,
    summary="Withdraw USDC from the custodial wallet to an address (needs a recent second factor)",
    description=(
        "Needs an `Idempotency-Key` header (same key and body: the stored answer; another body: "
        "`idempotency_key_reused`), a login session (not an API key) and a step-up within "
        "`ONRAMP_AUTH__STEP_UP_MAX_AGE_SECONDS`. The destination is screened against the latest "
        "sanctions lists: a listed address is refused with `destination_sanctioned` and "
        "compliance is alerted. The amount must not exceed `available` (GET /v1/me/wallet). "
        "The withdrawal is then signed by the custody key in the HSM and sent; follow it in "
        "GET /v1/me/wallet/withdrawals."
    ),
    responses={
        400: {"description": "idempotency_key_required"},
        403: {"description": "step_up_required, mfa_enrollment_required, destination_sanctioned"},
        409: {"description": "idempotency_key_reused"},
        422: {
            "description": "invalid_address, destination_not_allowed (an address of the "
            "operator or the system, the zero address, a precompile), invalid_amount, "
            "amount_too_precise, amount_negative, withdrawal_to_own_wallet, "
            "insufficient_wallet_balance"
        },
    },
)
async def withdraw(
    body: WithdrawalIn,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
    sessions: SessionFactoryDep,
    idempotency_key: Annotated[
        Text | None, Header(alias="Idempotency-Key", max_length=idempotency.MAX_KEY_LENGTH)
    ] = None,
) -> JSONResponse:
    status_code, out, replayed = await custodial.withdraw_once(
        session,
        sessions,
        matchers,
        principal=principal,
        body=body,
        idempotency_key=idempotency_key,
        settings=settings,
        now=clock.now(),
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(out, status_code=status_code, headers=headers)


@router.get("/withdrawals", summary="The caller's withdrawals, newest first")
async def list_withdrawals(
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    page: PageDep,
    status: WithdrawalStatusQuery = None,
) -> WithdrawalList:
    data = await custodial.withdrawals_of(
        session, customer_id=principal.user_id, page=page, status=status
    )
    return WithdrawalList(data=data, next_before=page.next_before(data))
