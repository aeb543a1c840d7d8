"""One shape for every bank file: a statement of entries, whatever format the bank sent.

camt.052/053/054, MT940 and BAI2 all say the same things in different words: which booking (the
bank's reference), how much, which way, whether it undoes an earlier booking, who paid and with
what reference. The importer reads only this shape, so a camt.054 notification, the evening's
camt.053 and the bank's webhook for one booking all land on the same deposit: the bank's
booking reference is the key.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from onramp.core.errors import InvalidInput
from onramp.core.money import Money


class StatementFormat(StrEnum):
    CAMT_052 = "camt.052"
    CAMT_053 = "camt.053"
    CAMT_054 = "camt.054"
    MT940 = "mt940"
    BAI2 = "bai2"


class Direction(StrEnum):
    CREDIT = "credit"  # money came in
    DEBIT = "debit"  # money went out


class StatementFileUnknown(InvalidInput):
    code = "bank_file_format_unknown"
    title = "The file is not a camt.052/053/054, MT940 or BAI2 file"


class StatementAmountInvalid(InvalidInput):
    code = "bank_file_amount_invalid"
    title = "An amount in the bank file is not a whole number of minor units of its currency"


@dataclass(frozen=True)
class StatementEntry:
    """One booking on the operator's account (one transaction of a batch booking)."""

    key: str  # the bank's reference for the booking: the de-duplication key
    amount: Money  # positive
    direction: Direction  # as booked on the account
    # Undoes an earlier booking that went the other way: a DEBIT reversal takes back a credit
    # (a returned or recalled deposit), a CREDIT reversal gives back a debit.
    reversal: bool
    booked: bool  # False for pending (PDNG) and information-only (INFO) entries
    booking_date: date | None
    end_to_end_id: str | None
    remittance: str  # unstructured remittance text, as the payer wrote it
    creditor_reference: str | None  # structured (e.g. an ISO 11649 RF reference)
    counterparty_name: str | None
    counterparty_account: str | None
    return_reason: str | None  # ISO or scheme return code (AC01, MD06, R02 ...)
    original_key: str | None = None  # for a reversal: the key of the booking it undoes, if said
    account: str | None = None  # the operator's account it was booked on (IBAN or number)
    # What kind of booking the bank says it is: camt ``BkTxCd`` as domain/family/sub-family
    # (``PMNT/ICDT/ESCT``, ``ACMT/MDOP/CHRG``) or its proprietary code, MT940's ``:61:`` type
    # (``NTRF``, ``NCHG``).
    bank_tx_code: str | None = None

    @property
    def is_credit(self) -> bool:
        return self.direction is Direction.CREDIT

    @property
    def takes_back_credit(self) -> bool:
        """A debit that undoes an incoming payment: the deposit it came as is returned."""
        return self.direction is Direction.DEBIT and (
            self.reversal or self.return_reason is not None
        )

    @property
    def reference_text(self) -> str:
        """What matching reads: the structured reference if given, else the remittance text."""
        return self.creditor_reference or self.remittance


class BalanceKind(StrEnum):
    OPENING = "opening"  # camt OPBD, MT940 :60F:
    CLOSING = "closing"  # camt CLBD, MT940 :62F:


@dataclass(frozen=True)
class StatementBalance:
    """A booked balance the statement states for one of the operator's accounts on a day."""

    kind: BalanceKind
    amount: int  # minor units of ``currency``; negative when the account is overdrawn (debit)
    currency: str
    on: date
    account: str | None


def balance_of(
    kind: BalanceKind, amount: Decimal, currency: str, *, credit: bool, on: date,
    account: str | None,
) -> StatementBalance:  # fmt: skip
    minor = money_of(amount, currency).minor
    return StatementBalance(kind, minor if credit else -minor, currency.upper(), on, account)


@dataclass(frozen=True)
class Statement:
    format: StatementFormat
    message_id: str | None  # GrpHdr/MsgId, MT940 :20:, BAI2 file id
    account: str | None
    entries: tuple[StatementEntry, ...]
    # What the parser had to tolerate (e.g. BAI2 control totals that do not add up).
    warnings: tuple[str, ...] = ()
    # The booked opening and closing balances it states (camt.053, MT940), per account and day.
    balances: tuple[StatementBalance, ...] = ()

    @property
    def credits(self) -> tuple[StatementEntry, ...]:
        return tuple(e for e in self.entries if e.is_credit)

    @property
    def debits(self) -> tuple[StatementEntry, ...]:
        return tuple(e for e in self.entries if not e.is_credit)


def money_of(amount: Decimal, currency: str) -> Money:
    """A positive file amount as Money; an amount finer than the currency allows is refused."""
    try:
        return Money.of(abs(amount), currency.upper())
    except InvalidInput as exc:
        raise StatementAmountInvalid(f"{amount} {currency}: {exc.detail}") from None


def derived_key(*parts: object) -> str:
    """A key for a booking the bank gave no reference for: a digest of what identifies it in
    every file that lists it (never the file's own name or sequence number)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"derived:{digest[:40]}"


def with_unique_keys(entries: Iterable[StatementEntry]) -> tuple[StatementEntry, ...]:
    """Keys made unique within one file by the occurrence number of a repeat (``<key>:2``).

    Real files do repeat a reference for different bookings (PostFinance gives two entries of
    one statement the same ``AcctSvcrRef``), and two equal transfers without a bank reference
    derive the same key: each must stay its own deposit, here and in every later file that
    lists the same bookings in the same order.
    """
    seen: Counter[str] = Counter()
    out = []
    for e in entries:
        seen[e.key] += 1
        if seen[e.key] > 1:
            e = replace(e, key=f"{e.key}:{seen[e.key]}")
        out.append(e)
    return tuple(out)
