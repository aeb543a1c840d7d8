"""A customer's own bank accounts as ``/v1/me/bank-accounts`` and the web's page show and change
them: one place for the step-up, the holder's screening, the micro-deposits' policy and how a
challenge's state reads, so the two surfaces cannot drift apart."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import Principal, require_step_up
from onramp.banking.accounts import customer_accounts, micro_deposits
from onramp.banking.accounts.account_numbers import AccountNumber, parse_iban, parse_us_account
from onramp.banking.accounts.schemas import BankAccountIn, BankAccountOut, MicroDepositsOut
from onramp.banking.errors import InvalidBankAccount, MicroDepositsLocked, MicroDepositsMismatch
from onramp.banking.models import CustomerBankAccount, MicroDepositChallenge, MicroDepositStatus
from onramp.compliance import ListMatchers, check_name
from onramp.core.db import unit_of_work
from onramp.core.paging import EVERY_ROW, PageQuery
from onramp.core.settings import Settings


def account_number(body: BankAccountIn) -> AccountNumber:
    if body.iban and not (body.routing_number or body.account_number):
        return parse_iban(body.iban, body.bic)
    if body.routing_number and body.account_number and not (body.iban or body.bic):
        return parse_us_account(body.routing_number, body.account_number)
    raise InvalidBankAccount("give either iban (and bic), or routing_number and account_number")


def policy_of(settings: Settings) -> micro_deposits.MicroDepositPolicy:
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


def account_out(row: CustomerBankAccount) -> BankAccountOut:
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


async def shown(
    session: AsyncSession, row: CustomerBankAccount, settings: Settings, now: datetime
) -> BankAccountOut:
    """The account with its latest micro-deposit challenge."""
    challenge = await micro_deposits.latest_challenge(session, bank_account_id=row.id)
    out = account_out(row)
    if challenge is not None:
        out.micro_deposits = _challenge_out(challenge, policy_of(settings), now)
    return out


async def own_accounts(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    now: datetime,
    page: PageQuery = EVERY_ROW,
    status: customer_accounts.ListedStatus | None = None,
) -> list[BankAccountOut]:
    rows = await customer_accounts.list_bank_accounts(
        session, customer_id=principal.user_id, page=page, status=status
    )
    return [await shown(session, r, settings, now) for r in rows]


async def own_account(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    bank_account_id: uuid.UUID,
    settings: Settings,
    now: datetime,
) -> BankAccountOut:
    row = await customer_accounts.get_bank_account(
        session, customer_id=customer_id, bank_account_id=bank_account_id
    )
    return await shown(session, row, settings, now)


async def add_own_account(
    session: AsyncSession,
    matchers: ListMatchers,
    *,
    principal: Principal,
    body: BankAccountIn,
    settings: Settings,
    now: datetime,
) -> BankAccountOut:
    """Saved after a recent second factor; the holder is screened with the account (a hit
    alerts compliance; deposits are held by the deposit screen)."""
    account = account_number(body)
    await require_step_up(
        session,
        principal=principal,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    row = await customer_accounts.add_bank_account(
        session,
        customer_id=principal.user_id,
        holder_name=body.holder_name,
        account=account,
        currency=body.currency,
        now=now,
        min_kyc_score=settings.banking.holder_name_min_score,
    )
    await check_name(
        session,
        matchers,
        point="bank_account_add",
        customer_id=principal.user_id,
        subject_type="bank_account",
        subject_id=str(row.id),
        name=body.holder_name,
        now=now,
        actor=f"user:{principal.user_id}",
    )
    return account_out(row)


async def request_own_micro_deposits(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    bank_account_id: uuid.UUID,
    settings: Settings,
    now: datetime,
) -> BankAccountOut:
    await micro_deposits.request_micro_deposits(
        session,
        customer_id=customer_id,
        bank_account_id=bank_account_id,
        policy=policy_of(settings),
        now=now,
    )
    return await own_account(
        session,
        customer_id=customer_id,
        bank_account_id=bank_account_id,
        settings=settings,
        now=now,
    )


async def confirm_own_micro_deposits(
    sessions: async_sessionmaker[AsyncSession],
    *,
    customer_id: uuid.UUID,
    bank_account_id: uuid.UUID,
    amounts: list[str],
    settings: Settings,
    now: datetime,
) -> BankAccountOut:
    """In a unit of work of its own: a wrong answer is counted even though the request then
    fails (``micro_deposits_mismatch``, the last one ``micro_deposits_locked``)."""
    policy = policy_of(settings)
    async with unit_of_work(sessions) as session:
        outcome = await micro_deposits.confirm_micro_deposits(
            session,
            customer_id=customer_id,
            bank_account_id=bank_account_id,
            amounts=amounts,
            policy=policy,
            now=now,
        )
    if not outcome.correct and outcome.attempts_left == 0:
        raise MicroDepositsLocked(retry_after=policy.cooldown.total_seconds())
    if not outcome.correct:
        raise MicroDepositsMismatch(attempts_left=outcome.attempts_left)
    async with sessions() as session:
        return await own_account(
            session,
            customer_id=customer_id,
            bank_account_id=bank_account_id,
            settings=settings,
            now=now,
        )
