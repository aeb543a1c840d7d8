"""Micro-deposits: proving control of a saved bank account by reading back two small payments.

The customer asks (``request_micro_deposits``): two random amounts are drawn, sealed and stored
with the challenge, and an outbox event asks the deposits worker to send them
(``send_micro_deposits``), so the payments go out only once the request is committed and go out
once however often the event is delivered (idempotency keys ``<challenge id>:1`` and ``:2``).
Their cost is booked when the bank accepts them: Dr ``expense:micro_deposits:<ccy>``, Cr the
treasury bank account. The customer reads them on their statement and confirms
(``confirm_micro_deposits``); wrong answers count, and the last allowed one locks the
challenge until a cool-down has passed. A challenge expires after its TTL.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.accounts.customer_accounts import check_holder_against_kyc
from onramp.banking.adapters.base import BankPayments, OutgoingPayment
from onramp.banking.errors import (
    BankAccountAlreadyVerified,
    BankAccountNotFound,
    BankAccountUnderReview,
    MicroDepositsExpired,
    MicroDepositsInProgress,
    MicroDepositsLocked,
    MicroDepositsNotRequested,
    MicroDepositsNotSent,
)
from onramp.banking.models import (
    BankAccountStatus,
    CustomerBankAccount,
    MicroDepositChallenge,
    MicroDepositStatus,
)
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.money import currency as known_currency
from onramp.core.outbox import emit
from onramp.ledger import bank_account, credit, debit, entry, expense_account, post_entry

PAYMENT_REFERENCE = "onramp account verification"
EXPENSE_PURPOSE = "micro_deposits"


@dataclass(frozen=True)
class MicroDepositPolicy:
    ttl: timedelta = timedelta(days=7)
    max_attempts: int = 3
    cooldown: timedelta = timedelta(hours=24)
    min_kyc_score: float = 85.0


@dataclass(frozen=True)
class Confirmation:
    """The outcome of one answer: right (the account's status says whether that verified
    it), or wrong with what is left (0: now locked)."""

    correct: bool
    attempts_left: int
    status: str  # the account's status after the answer


def draw_amounts(currency: str) -> tuple[int, int]:
    """Two different amounts of 0.01-0.99 (minor units; 1-99 units where there are no
    cents), drawn with a CSPRNG so no one can predict them."""
    scale = 10 ** max(known_currency(currency).exponent - 2, 0)
    first = 1 + secrets.randbelow(99)
    second = 1 + secrets.randbelow(98)
    if second >= first:
        second += 1  # 1-99 without ``first``
    return first * scale, second * scale


def _sealed(amounts: Sequence[int]) -> str:
    return ",".join(str(a) for a in sorted(amounts))


async def _locked_account(
    session: AsyncSession, customer_id: uuid.UUID, bank_account_id: uuid.UUID
) -> CustomerBankAccount:
    """The caller's account, locked: requests and answers for one account run one at a time."""
    row = await session.scalar(
        select(CustomerBankAccount)
        .where(CustomerBankAccount.id == bank_account_id)
        .with_for_update()
    )
    if row is None or row.customer_id != customer_id or row.status == BankAccountStatus.REMOVED:
        raise BankAccountNotFound()
    return row


async def latest_challenge(
    session: AsyncSession, *, bank_account_id: uuid.UUID
) -> MicroDepositChallenge | None:
    found: MicroDepositChallenge | None = await session.scalar(
        select(MicroDepositChallenge)
        .where(MicroDepositChallenge.bank_account_id == bank_account_id)
        .order_by(MicroDepositChallenge.id.desc())
        .limit(1)
    )
    return found


async def _audit(
    session: AsyncSession,
    action: str,
    challenge: MicroDepositChallenge,
    *,
    actor: str | None = None,
    **data: object,
) -> None:
    await record(
        session,
        actor=actor or f"user:{challenge.customer_id}",
        action=f"bank_account.micro_deposits_{action}",
        entity_type="user",
        entity_id=str(challenge.customer_id),
        data={
            "bank_account_id": str(challenge.bank_account_id),
            "challenge_id": str(challenge.id),
            **data,
        },
    )


async def request_micro_deposits(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    bank_account_id: uuid.UUID,
    policy: MicroDepositPolicy,
    now: datetime,
) -> MicroDepositChallenge:
    account = await _locked_account(session, customer_id, bank_account_id)
    if account.status == BankAccountStatus.VERIFIED:
        raise BankAccountAlreadyVerified()
    if account.status == BankAccountStatus.NAME_MISMATCH:
        # Proving control would not make the account the customer's: compliance decides.
        raise BankAccountUnderReview()
    previous = await latest_challenge(session, bank_account_id=account.id)
    if previous is not None:
        await _close_previous(session, previous, policy=policy, now=now)
    challenge = MicroDepositChallenge(
        id=uuid7(),
        bank_account_id=account.id,
        customer_id=customer_id,
        currency=account.currency,
        status=MicroDepositStatus.REQUESTED.value,
        attempts=0,
        created_at=now,
        expires_at=now + policy.ttl,
        bank_payment_ids=[],
    )
    challenge.amounts = _sealed(draw_amounts(account.currency))
    session.add(challenge)
    await session.flush()
    await emit(
        session,
        events.MICRO_DEPOSITS_REQUESTED,
        {"challenge_id": str(challenge.id)},
        source=events.SOURCE,
        entity_id=str(challenge.id),
    )
    await _audit(session, "requested", challenge, expires_at=challenge.expires_at.isoformat())
    return challenge


async def _close_previous(
    session: AsyncSession,
    previous: MicroDepositChallenge,
    *,
    policy: MicroDepositPolicy,
    now: datetime,
) -> None:
    """A new challenge may replace an expired one, or a locked one after the cool-down."""
    if previous.status == MicroDepositStatus.LOCKED.value:
        assert previous.locked_at is not None
        free_at = previous.locked_at + policy.cooldown
        if now < free_at:
            raise MicroDepositsLocked(retry_after=(free_at - now).total_seconds())
        return
    if previous.status in (MicroDepositStatus.REQUESTED.value, MicroDepositStatus.SENT.value):
        if now < previous.expires_at:
            raise MicroDepositsInProgress()
        previous.status = MicroDepositStatus.EXPIRED.value
        await _audit(session, "expired", previous, actor="system:bank_accounts")
        await session.flush()  # the open-challenge index sees it closed before the new one


async def send_micro_deposits(
    session: AsyncSession,
    *,
    challenge_ids: Sequence[uuid.UUID],
    payments: BankPayments,
    bank: str,
    now: datetime,
) -> None:
    """The deposits worker's step: pay the requested amounts, book their cost. A bank error
    raises (the event is redelivered; the keys make the retry the same payments)."""
    challenges = (
        await session.scalars(
            select(MicroDepositChallenge)
            .where(
                MicroDepositChallenge.id.in_(challenge_ids),
                MicroDepositChallenge.status == MicroDepositStatus.REQUESTED.value,
            )
            .order_by(MicroDepositChallenge.id)
            .with_for_update()
        )
    ).all()
    for challenge in challenges:
        account = await session.get_one(CustomerBankAccount, challenge.bank_account_id)
        if account.account_number is None or challenge.amounts is None:
            continue  # purged meanwhile: nothing to pay to; it expires
        creditor = (
            account.account_number
            if account.scheme == "iban"
            else f"{account.bank_code}/{account.account_number}"
        )
        amounts = [Money(int(a), challenge.currency) for a in challenge.amounts.split(",")]
        ids = []
        for number, amount in enumerate(amounts, start=1):
            accepted = await payments.send_payment(
                OutgoingPayment(
                    idempotency_key=f"{challenge.id}:{number}",
                    amount=amount,
                    creditor_name=account.holder_name or "",
                    creditor_account=creditor,
                    reference=PAYMENT_REFERENCE,
                )
            )
            ids.append(accepted.payment_id)
        total = Money(sum(a.minor for a in amounts), challenge.currency)
        await post_entry(
            session,
            entry(
                "micro_deposits",
                str(challenge.id),
                debit(expense_account(EXPENSE_PURPOSE, challenge.currency), total),
                credit(bank_account(bank, challenge.currency), total),
            ),
        )
        challenge.status = MicroDepositStatus.SENT.value
        challenge.sent_at = now
        challenge.bank_payment_ids = ids
        await _audit(session, "sent", challenge, actor="system:bank_accounts", bank_payment_ids=ids)


async def confirm_micro_deposits(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    bank_account_id: uuid.UUID,
    amounts: Sequence[str],
    policy: MicroDepositPolicy,
    now: datetime,
) -> Confirmation:
    """Check an answer. Raises (changing nothing) when there is nothing to answer or the input
    is not two amounts of the account's currency; a wrong answer is counted and returned."""
    account = await _locked_account(session, customer_id, bank_account_id)
    if account.status == BankAccountStatus.VERIFIED:
        raise BankAccountAlreadyVerified()
    challenge = await latest_challenge(session, bank_account_id=account.id)
    if challenge is None or challenge.status in (
        MicroDepositStatus.CONFIRMED.value,
        MicroDepositStatus.EXPIRED.value,
    ):
        raise MicroDepositsNotRequested()
    if challenge.status == MicroDepositStatus.LOCKED.value:
        assert challenge.locked_at is not None
        free_at = challenge.locked_at + policy.cooldown
        raise MicroDepositsLocked(retry_after=max(0.0, (free_at - now).total_seconds()))
    if now >= challenge.expires_at:
        raise MicroDepositsExpired()
    if challenge.status == MicroDepositStatus.REQUESTED.value:
        raise MicroDepositsNotSent()
    given = _sealed([Money.parse(a, challenge.currency).minor for a in amounts])
    assert challenge.amounts is not None
    if hmac.compare_digest(given.encode(), challenge.amounts.encode()):
        return await _verified(session, account, challenge, policy=policy, now=now)
    challenge.attempts += 1
    left = max(0, policy.max_attempts - challenge.attempts)
    if left == 0:
        challenge.status, challenge.locked_at = MicroDepositStatus.LOCKED.value, now
    await _audit(
        session, "locked" if left == 0 else "mismatch", challenge, attempts=challenge.attempts
    )
    return Confirmation(correct=False, attempts_left=left, status=account.status)


async def _verified(
    session: AsyncSession,
    account: CustomerBankAccount,
    challenge: MicroDepositChallenge,
    *,
    policy: MicroDepositPolicy,
    now: datetime,
) -> Confirmation:
    challenge.status, challenge.confirmed_at = MicroDepositStatus.CONFIRMED.value, now
    if account.holder_matches_kyc is None:
        # Control is proven; whose account it is, is the KYC name's question (maybe answerable
        # only now). A holder who is not the customer leaves the account for review.
        await check_holder_against_kyc(
            session, account=account, min_score=policy.min_kyc_score, now=now
        )
    if account.status == BankAccountStatus.UNVERIFIED:
        account.status, account.verified_at = BankAccountStatus.VERIFIED, now
    await _audit(session, "confirmed", challenge, account_status=account.status)
    return Confirmation(
        correct=True,
        attempts_left=max(0, policy.max_attempts - challenge.attempts),
        status=account.status,
    )
