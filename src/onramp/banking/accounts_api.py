"""``/v1/me/bank-accounts``: the caller's own bank accounts (adding one needs step-up MFA)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Response, status

from onramp.banking import customer_accounts
from onramp.banking.account_numbers import AccountNumber, parse_iban, parse_us_account
from onramp.banking.errors import InvalidBankAccount
from onramp.banking.models import CustomerBankAccount
from onramp.banking.schemas import BankAccountIn, BankAccountList, BankAccountOut
from onramp.compliance.checkpoints import check_name
from onramp.compliance.web import ListMatchersDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import mfa
from onramp.identity.access import require
from onramp.identity.permissions import Permission
from onramp.identity.tokens import Principal

router = APIRouter(prefix="/v1/me/bank-accounts", tags=["bank accounts"])


def _account_number(body: BankAccountIn) -> AccountNumber:
    if body.iban and not (body.routing_number or body.account_number):
        return parse_iban(body.iban, body.bic)
    if body.routing_number and body.account_number and not (body.iban or body.bic):
        return parse_us_account(body.routing_number, body.account_number)
    raise InvalidBankAccount("give either iban (and bic), or routing_number and account_number")


def _out(row: CustomerBankAccount) -> BankAccountOut:
    masked = AccountNumber(row.scheme, row.account_number or "", row.bank_code, row.country)
    return BankAccountOut(
        id=row.id,
        scheme=row.scheme,
        holder_name=row.holder_name or "",
        account_number_masked=masked.masked,
        bank_code=row.bank_code,
        country=row.country,
        currency=row.currency,
        status=row.status,
        verified_at=row.verified_at,
        holder_name_score=row.holder_name_score,
        created_at=row.created_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Save a bank account of the caller's (needs a recent second factor)",
    description=(
        "Validated (IBAN check digits and country format, BIC country, ABA checksum), stored "
        "sealed, and `unverified` until proven (the first matching deposit, micro-deposits). "
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
    account = _account_number(body)
    await mfa.require_step_up(
        session,
        principal=principal,
        now=clock.now(),
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    row = await customer_accounts.add_bank_account(
        session,
        customer_id=principal.user_id,
        holder_name=body.holder_name,
        account=account,
        currency=body.currency,
        now=clock.now(),
    )
    # The holder is screened with the account: a hit alerts compliance (deposits are held by
    # the deposit screen).
    await check_name(
        session,
        matchers,
        point="bank_account_add",
        customer_id=principal.user_id,
        subject_type="bank_account",
        subject_id=str(row.id),
        name=body.holder_name,
        now=clock.now(),
        actor=f"user:{principal.user_id}",
    )
    return _out(row)


@router.get("", summary="The caller's saved bank accounts")
async def list_bank_accounts(
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)],
    session: SessionDep,
) -> BankAccountList:
    rows = await customer_accounts.list_bank_accounts(session, customer_id=principal.user_id)
    return BankAccountList(data=[_out(r) for r in rows])


@router.get(
    "/{bank_account_id}",
    summary="One of the caller's bank accounts",
    responses={404: {"description": "bank_account_not_found"}},
)
async def get_bank_account(
    bank_account_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.BANK_ACCOUNTS_MANAGE_OWN)],
    session: SessionDep,
) -> BankAccountOut:
    row = await customer_accounts.get_bank_account(
        session, customer_id=principal.user_id, bank_account_id=bank_account_id
    )
    return _out(row)


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
