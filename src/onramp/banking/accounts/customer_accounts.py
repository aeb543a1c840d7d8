"""Customers' own bank accounts: where refunds go and whose deposits are theirs.

Adding one is guarded at the edge (a fresh second factor); here it is validated, sealed and
audited, and its holder is compared with the customer's verified KYC name: a holder who is not
the customer does not stop the account being saved, but it is ``name_mismatch`` and deposits
from it are held for review. Removing keeps the row (status ``removed``): deposits and refunds
may refer to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import kyc
from onramp.banking.accounts.account_numbers import AccountNumber, normalise_account_number
from onramp.banking.errors import BankAccountExists, BankAccountNotFound
from onramp.banking.models import BankAccountStatus, CustomerBankAccount, Deposit
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.keys import opened_row
from onramp.core.money import UnknownCurrency
from onramp.core.money import currency as known_currency
from onramp.core.names import name_match_score
from onramp.core.paging import EVERY_ROW, PageQuery

# A name must match the other (deposit sender and holder, holder and KYC name) this well (0-100).
DEFAULT_HOLDER_NAME_MIN_SCORE = 85.0


async def add_bank_account(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    holder_name: str,
    account: AccountNumber,
    currency: str,
    now: datetime,
    min_kyc_score: float = DEFAULT_HOLDER_NAME_MIN_SCORE,
) -> CustomerBankAccount:
    code = known_currency(currency).code
    if code == "USDC":
        raise UnknownCurrency("a bank account holds a fiat currency", currency=code)
    same = await session.scalar(
        select(CustomerBankAccount.id).where(
            CustomerBankAccount.customer_id == customer_id,
            CustomerBankAccount.account_number.index_column
            == CustomerBankAccount.account_number.index_of(account.number),
            CustomerBankAccount.status != BankAccountStatus.REMOVED,
        )
    )
    if same is not None:
        raise BankAccountExists()
    row = CustomerBankAccount(
        id=uuid7(),
        customer_id=customer_id,
        scheme=account.scheme,
        country=account.country,
        currency=code,
        bank_code=account.bank_code,
        last4=account.last4,
        status=BankAccountStatus.UNVERIFIED,
        created_at=now,
    )
    row.holder_name = holder_name.strip()
    row.account_number = account.number
    session.add(row)
    await record(
        session,
        actor=f"user:{customer_id}",
        action="bank_account.added",
        entity_type="user",
        entity_id=str(customer_id),
        data={"bank_account_id": str(row.id), "scheme": account.scheme, "last4": account.last4},
    )
    await session.flush()
    await check_holder_against_kyc(session, account=row, min_score=min_kyc_score, now=now)
    return row


async def check_holder_against_kyc(
    session: AsyncSession, *, account: CustomerBankAccount, min_score: float, now: datetime
) -> None:
    """The holder given compared with the customer's verified KYC name (given names and
    surname), the score and the outcome kept on the account and audited. With no KYC name yet
    (no approved case, or one without names) the check is recorded as not done: the deposit
    check compares each deposit's sender with the KYC name once there is one."""
    identity = await kyc.verified_identity(session, customer_id=account.customer_id, now=now)
    name = identity.name if identity is not None else None
    if name is None:
        account.kyc_name_score, account.holder_matches_kyc = None, None
        outcome: dict[str, object] = {"checked": False}
    else:
        score = name_match_score(account.holder_name or "", name)
        matches = score >= min_score
        account.kyc_name_score, account.holder_matches_kyc = score, matches
        if not matches and account.status == BankAccountStatus.UNVERIFIED:
            account.status = BankAccountStatus.NAME_MISMATCH
        outcome = {
            "checked": True,
            "kyc_name_score": round(score, 1),
            "matches": matches,
            "min_score": min_score,
            "kyc_case_id": str(identity.case_id) if identity is not None else None,
        }
    await record(
        session,
        actor="system:bank_accounts",
        action="bank_account.kyc_name_checked",
        entity_type="user",
        entity_id=str(account.customer_id),
        data={"bank_account_id": str(account.id), **outcome},
    )


async def verify_by_deposit(
    session: AsyncSession,
    *,
    deposit: Deposit,
    customer_id: uuid.UUID,
    min_holder_score: float,
    now: datetime,
) -> None:
    """A deposit matched to the customer came from one of their saved accounts (equal blind
    indexes, nothing decrypted to find it): the account is proven to exist and be usable, and
    its holder is the deposit's sender. Verified when that name matches the holder given (and
    the holder was not found to differ from the KYC name); ``name_mismatch`` (for review) when
    it does not."""
    sender_index: bytes | None = getattr(deposit, Deposit.sender_iban.index_key)
    if sender_index is None or deposit.sender_name is None:
        return
    accounts = await session.scalars(
        select(CustomerBankAccount)
        .where(
            CustomerBankAccount.customer_id == customer_id,
            CustomerBankAccount.account_number.index_column == sender_index,
            CustomerBankAccount.status.in_(
                [BankAccountStatus.UNVERIFIED, BankAccountStatus.NAME_MISMATCH]
            ),
        )
        .with_for_update()
    )
    for account in accounts:
        score = name_match_score(deposit.sender_name, account.holder_name or "")
        matches = score >= min_holder_score and account.holder_matches_kyc is not False
        account.status = BankAccountStatus.VERIFIED if matches else BankAccountStatus.NAME_MISMATCH
        account.holder_name_score = score
        account.verified_by_deposit_id = deposit.id
        account.verified_at = now if matches else None
        await record(
            session,
            actor="system:deposits",
            action="bank_account.verified" if matches else "bank_account.name_mismatch",
            entity_type="user",
            entity_id=str(customer_id),
            data={
                "bank_account_id": str(account.id),
                "deposit_id": str(deposit.id),
                "holder_name_score": round(score, 1),
                "min_score": min_holder_score,
            },
        )


# The statuses a listed account can be in (a removed one is not listed).
ListedStatus = Literal["unverified", "verified", "name_mismatch"]


async def list_bank_accounts(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    page: PageQuery = EVERY_ROW,
    status: ListedStatus | None = None,
) -> list[CustomerBankAccount]:
    """The customer's accounts (not the removed ones), newest first; with ``status``, only
    those in it."""
    query = select(CustomerBankAccount).where(
        CustomerBankAccount.customer_id == customer_id,
        CustomerBankAccount.status != BankAccountStatus.REMOVED,
    )
    if status is not None:
        query = query.where(CustomerBankAccount.status == status)
    rows = await session.scalars(page.apply(query, CustomerBankAccount.id))
    return list(rows.all())


async def get_bank_account(
    session: AsyncSession, *, customer_id: uuid.UUID, bank_account_id: uuid.UUID
) -> CustomerBankAccount:
    """Another customer's account, or a removed one, is not found."""
    row = await session.get(CustomerBankAccount, bank_account_id)
    if row is None or row.customer_id != customer_id or row.status == BankAccountStatus.REMOVED:
        raise BankAccountNotFound()
    return row


async def remove_bank_account(
    session: AsyncSession, *, customer_id: uuid.UUID, bank_account_id: uuid.UUID, now: datetime
) -> None:
    row = await get_bank_account(session, customer_id=customer_id, bank_account_id=bank_account_id)
    row.status, row.removed_at = BankAccountStatus.REMOVED, now
    await record(
        session,
        actor=f"user:{customer_id}",
        action="bank_account.removed",
        entity_type="user",
        entity_id=str(customer_id),
        data={"bank_account_id": str(row.id)},
    )
    await session.flush()


async def export_bank_accounts(
    session: AsyncSession, *, customer_id: uuid.UUID
) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(CustomerBankAccount)
        .where(CustomerBankAccount.customer_id == customer_id)
        .order_by(CustomerBankAccount.id)
    )
    return [opened_row(r) for r in rows]


async def remove_all_bank_accounts(
    session: AsyncSession, *, customer_id: uuid.UUID, now: datetime
) -> None:
    """On erasure: out of use at once; the details go with the retention purge."""
    await session.execute(
        update(CustomerBankAccount)
        .where(
            CustomerBankAccount.customer_id == customer_id,
            CustomerBankAccount.status != BankAccountStatus.REMOVED,
        )
        .values(status=BankAccountStatus.REMOVED, removed_at=now)
    )


async def purge_bank_account_details(
    session: AsyncSession, *, customer_ids: list[uuid.UUID]
) -> int:
    """After the retention period: holder name and account number go; last4 stays."""
    if not customer_ids:
        return 0
    result = await session.execute(
        update(CustomerBankAccount)
        .where(
            CustomerBankAccount.customer_id.in_(customer_ids),
            CustomerBankAccount.account_number.sealed_column.is_not(None),
        )
        .values(
            {
                CustomerBankAccount.holder_name.sealed_key: None,
                CustomerBankAccount.account_number.sealed_key: None,
                CustomerBankAccount.account_number.index_key: None,
            }
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FundingAccount:
    """A saved account of the customer's that a deposit came from (no personal data)."""

    id: uuid.UUID
    status: str
    holder_matches_kyc: bool | None
    kyc_name_score: float | None


async def saved_accounts_of_deposit(
    session: AsyncSession, *, deposit_id: uuid.UUID, customer_id: uuid.UUID
) -> list[FundingAccount]:
    """The customer's saved (not removed) accounts the deposit came from, found by the blind
    index of the sender's account number."""
    deposit = await session.get(Deposit, deposit_id)
    sender_index: bytes | None = (
        getattr(deposit, Deposit.sender_iban.index_key) if deposit is not None else None
    )
    if sender_index is None:
        return []
    rows = await session.scalars(
        select(CustomerBankAccount)
        .where(
            CustomerBankAccount.customer_id == customer_id,
            CustomerBankAccount.account_number.index_column == sender_index,
            CustomerBankAccount.status != BankAccountStatus.REMOVED,
        )
        .order_by(CustomerBankAccount.id)
    )
    return [FundingAccount(r.id, r.status, r.holder_matches_kyc, r.kyc_name_score) for r in rows]


async def saved_accounts_of_deposits(
    session: AsyncSession, deposits: Collection[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], list[FundingAccount]]:
    """``saved_accounts_of_deposit`` of several (deposit id, customer id) in two queries: the
    deposits' sender index, then the saved accounts carrying any of them."""
    if not deposits:
        return {}
    rows = await session.execute(
        select(Deposit.id, Deposit.sender_iban.index_column).where(
            Deposit.id.in_(sorted({d for d, _ in deposits}))
        )
    )
    indexes: dict[uuid.UUID, bytes] = {d: index for d, index in rows if index is not None}
    wanted = {(c, indexes[d]) for d, c in deposits if d in indexes}
    found: dict[tuple[uuid.UUID, bytes], list[FundingAccount]] = {}
    if wanted:
        accounts = await session.scalars(
            select(CustomerBankAccount)
            .where(
                tuple_(
                    CustomerBankAccount.customer_id, CustomerBankAccount.account_number.index_column
                ).in_(sorted(wanted)),
                CustomerBankAccount.status != BankAccountStatus.REMOVED,
            )
            .order_by(CustomerBankAccount.id)
        )
        for r in accounts:
            key = (r.customer_id, getattr(r, CustomerBankAccount.account_number.index_key))
            found.setdefault(key, []).append(
                FundingAccount(r.id, r.status, r.holder_matches_kyc, r.kyc_name_score)
            )
    return {(d, c): found.get((c, indexes[d]), []) if d in indexes else [] for d, c in deposits}


async def customers_with_account_number(session: AsyncSession, number: str) -> list[uuid.UUID]:
    """Whose saved accounts (removed ones too: support asks who held it) carry this IBAN or
    account number, found by its blind index (staff search)."""
    index = CustomerBankAccount.account_number.index_of(normalise_account_number(number))
    rows = await session.scalars(
        select(CustomerBankAccount.customer_id)
        .where(CustomerBankAccount.account_number.index_column == index)
        .distinct()
    )
    return list(rows.all())
