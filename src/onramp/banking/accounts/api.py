"""``/v1/me/bank-accounts``: the caller's own bank accounts (adding one needs step-up MFA)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from onramp.auth import Permission, Principal, require
from onramp.banking.accounts import customer_accounts, own_accounts
from onramp.banking.accounts.schemas import (
    BankAccountIn,
    BankAccountList,
    BankAccountOut,
    MicroDepositsConfirmIn,
)
from onramp.compliance import ListMatchersDep
from onramp.core.paging import BlankIsNone, PageDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep

router = APIRouter(prefix="/v1/me/bank-accounts", tags=["bank accounts"])
BankAccountStatusQuery = Annotated[
    customer_accounts.ListedStatus | None,
    BlankIsNone,
    Query(description="Only the accounts in this verification status"),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Save a bank account of the caller's (needs a recent second factor)",
    description=(
        "Validated (IBAN check digits and country format, BIC country, ABA checksum), stored "
        "sealed, and `unverified` until proven (the first matching deposit, micro-deposits). "
        "The holder is compared with the caller's verified KYC name (`kyc_name_score`, "
        "`holder_matches_kyc`): another name is saved but `name_mismatch`, and deposits from "
        "the account are held for review. "
        "Needs a step-up within `ONRAMP_AUTH__STEP_UP_MAX_AGE_SECONDS` and a login session."
    ),
    responses={
        403: {"description": "step_up_required, mfa_enrollment_required"},
        409: {"description": "bank_account_exists"},
        422: {"description": "bank_account_invalid, unknown_currency"},
    },
)
async def add_bank_account(
    body: BankAccountIn,
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
) -> BankAccountOut:
    return await own_accounts.add_own_account(
        session, matchers, principal=principal, body=body, settings=settings, now=clock.now()
    )


@router.get("", summary="The caller's saved bank accounts, newest first")
async def list_bank_accounts(
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    page: PageDep,
    status: BankAccountStatusQuery = None,
) -> BankAccountList:
    data = await own_accounts.own_accounts(
        session, principal=principal, settings=settings, now=clock.now(), page=page, status=status
    )
    return BankAccountList(data=data, next_before=page.next_before(data))


@router.get(
    "/{bank_account_id}",
    summary="One of the caller's bank accounts",
    responses={404: {"description": "bank_account_not_found"}},
)
async def get_bank_account(
    bank_account_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> BankAccountOut:
    return await own_accounts.own_account(
        session,
        customer_id=principal.user_id,
        bank_account_id=bank_account_id,
        settings=settings,
        now=clock.now(),
    )


@router.delete(
    "/{bank_account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a saved bank account (no step-up: removing cannot move money)",
    responses={404: {"description": "bank_account_not_found"}},
)
async def remove_bank_account(
    bank_account_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await customer_accounts.remove_bank_account(
        session, customer_id=principal.user_id, bank_account_id=bank_account_id, now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{bank_account_id}/micro-deposits",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Have two small amounts sent to the account, to prove it is the caller's",
    description=(
        "The operator sends two random amounts (0.01-0.99 in the account's currency) to the "
        "account; read them on the statement and confirm them within "
        "`ONRAMP_BANKING__MICRO_DEPOSIT_TTL_DAYS`. One challenge at a time; a locked one can be "
        "replaced after `ONRAMP_BANKING__MICRO_DEPOSIT_COOLDOWN_HOURS`, an expired one at once."
    ),
    responses={
        404: {"description": "bank_account_not_found"},
        409: {
            "description": "bank_account_already_verified, bank_account_name_mismatch, "
            "micro_deposits_in_progress, micro_deposits_locked (with Retry-After)"
        },
    },
)
async def request_micro_deposits(
    bank_account_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> BankAccountOut:
    return await own_accounts.request_own_micro_deposits(
        session,
        customer_id=principal.user_id,
        bank_account_id=bank_account_id,
        settings=settings,
        now=clock.now(),
    )


@router.post(
    "/{bank_account_id}/micro-deposits/confirm",
    summary="Confirm the two micro-deposit amounts: verifies the account",
    description=(
        "Amounts as decimal strings, in any order. A wrong pair counts against "
        "`ONRAMP_BANKING__MICRO_DEPOSIT_MAX_ATTEMPTS`; the last one locks the challenge."
    ),
    responses={
        404: {"description": "bank_account_not_found"},
        409: {
            "description": "bank_account_already_verified, micro_deposits_not_requested, "
            "micro_deposits_not_sent, micro_deposits_expired, micro_deposits_locked"
        },
        422: {"description": "micro_deposits_mismatch (with attempts_left), invalid_amount"},
    },
)
async def confirm_micro_deposits(
    bank_account_id: uuid.UUID,
    body: MicroDepositsConfirmIn,
    request: Request,
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN, person=True)],
    settings: SettingsDep,
    clock: ClockDep,
) -> BankAccountOut:
    return await own_accounts.confirm_own_micro_deposits(
        request.app.state.sessions,
        customer_id=principal.user_id,
        bank_account_id=bank_account_id,
        amounts=body.amounts,
        settings=settings,
        now=clock.now(),
    )
