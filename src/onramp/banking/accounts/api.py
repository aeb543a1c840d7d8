"""``/v1/me/bank-accounts``: the caller's own bank accounts (adding one needs step-up MFA)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import Permission, Principal, require, require_step_up
from onramp.banking.accounts import customer_accounts, micro_deposits
from onramp.banking.accounts.account_numbers import AccountNumber, parse_iban, parse_us_account
from onramp.banking.accounts.schemas import (
    BankAccountIn,
    BankAccountList,
    BankAccountOut,
    MicroDepositsConfirmIn,
    MicroDepositsOut,
)
from onramp.banking.errors import InvalidBankAccount, MicroDepositsLocked, MicroDepositsMismatch
from onramp.banking.models import CustomerBankAccount, MicroDepositChallenge, MicroDepositStatus
from onramp.compliance import ListMatchersDep, check_name
from onramp.core.db import unit_of_work
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep

router = APIRouter(prefix="/v1/me/bank-accounts", tags=["bank accounts"])


def _account_number(body: BankAccountIn) -> AccountNumber:
    if body.iban and not (body.routing_number or body.account_number):
        return parse_iban(body.iban, body.bic)
    if body.routing_number and body.account_number and not (body.iban or body.bic):
        return parse_us_account(body.routing_number, body.account_number)
    raise InvalidBankAccount("give either iban (and bic), or routing_number and account_number")


def _policy(settings: Settings) -> micro_deposits.MicroDepositPolicy:
    banking = settings.banking
    return micro_deposits.MicroDepositPolicy(
        ttl=timedelta(days=banking.micro_deposit_ttl_days),
        max_attempts=banking.micro_deposit_max_attempts,
        cooldown=timedelta(hours=banking.micro_deposit_cooldown_hours),
        min_kyc_score=banking.holder_name_min_score,
    )


def _challenge_out(
    challenge: MicroDepositChallenge, policy: micro_deposits.MicroDepositPolicy, now: datetime
) -> MicroDepositsOut:
    state = challenge.status
    open_states = (MicroDepositStatus.REQUESTED.value, MicroDepositStatus.SENT.value)
    if state in open_states and now >= challenge.expires_at:
        state = MicroDepositStatus.EXPIRED.value
    return MicroDepositsOut(
        status=state,  # one of the statuses the table allows
        attempts_left=max(0, policy.max_attempts - challenge.attempts),
        expires_at=challenge.expires_at,
        retry_after=(
            challenge.locked_at + policy.cooldown if challenge.locked_at is not None else None
        ),
    )


async def _shown(
    session: AsyncSession, row: CustomerBankAccount, settings: Settings, now: datetime
) -> BankAccountOut:
    challenge = await micro_deposits.latest_challenge(session, bank_account_id=row.id)
    out = _out(row)
    if challenge is not None:
        out.micro_deposits = _challenge_out(challenge, _policy(settings), now)
    return out


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
        kyc_name_score=row.kyc_name_score,
        holder_matches_kyc=row.holder_matches_kyc,
        created_at=row.created_at,
    )


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
    account = _account_number(body)
    await require_step_up(
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
        min_kyc_score=settings.banking.holder_name_min_score,
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
    settings: SettingsDep,
    clock: ClockDep,
) -> BankAccountList:
    rows = await customer_accounts.list_bank_accounts(session, customer_id=principal.user_id)
    return BankAccountList(data=[await _shown(session, r, settings, clock.now()) for r in rows])


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
    row = await customer_accounts.get_bank_account(
        session, customer_id=principal.user_id, bank_account_id=bank_account_id
    )
    return await _shown(session, row, settings, clock.now())


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
    await micro_deposits.request_micro_deposits(
        session,
        customer_id=principal.user_id,
        bank_account_id=bank_account_id,
        policy=_policy(settings),
        now=clock.now(),
    )
    row = await customer_accounts.get_bank_account(
        session, customer_id=principal.user_id, bank_account_id=bank_account_id
    )
    return await _shown(session, row, settings, clock.now())


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
    # Its own unit of work: a wrong answer is counted even though the request then fails.
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    policy = _policy(settings)
    async with unit_of_work(sessions) as session:
        outcome = await micro_deposits.confirm_micro_deposits(
            session,
            customer_id=principal.user_id,
            bank_account_id=bank_account_id,
            amounts=body.amounts,
            policy=policy,
            now=clock.now(),
        )
    if not outcome.correct and outcome.attempts_left == 0:
        raise MicroDepositsLocked(retry_after=policy.cooldown.total_seconds())
    if not outcome.correct:
        raise MicroDepositsMismatch(attempts_left=outcome.attempts_left)
    async with sessions() as session:
        row = await customer_accounts.get_bank_account(
            session, customer_id=principal.user_id, bank_account_id=bank_account_id
        )
        return await _shown(session, row, settings, clock.now())
