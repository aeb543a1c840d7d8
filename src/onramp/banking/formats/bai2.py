"""BAI2 cash-management files (US banks), read with the ``bai2`` package.

A file (``01``) holds groups (``02``: one as-of date and currency) of accounts (``03``), each with
its transaction details (``16``) and ``88`` continuation records. A detail's type code says
which way the money went (credits 100-399, debits 400-699) and what kind of booking it is; the
bank reference is the key. Many banks tag the detail text (``EREF:``, ``DBNM:``, ``REMI:`` …),
which gives the end-to-end id, the counterparty and the remittance. An account record's
summaries state its balances: ``010`` opening and ``015`` closing ledger (booked) balance, as
of the group's date, signed (a ``-`` balance is an overdrawn account); the available and float
balances (``040``, ``045``, ``060`` …) are the bank's views of the same money and are skipped.

Amounts are whole minor units of the currency (the group's, the account's, else USD).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from bai2.constants import RecordCode  # type: ignore[import-untyped]
from bai2.exceptions import (  # type: ignore[import-untyped]
    IntegrityException,
    NotSupportedYetException,
    ParsingException,
)
from bai2.helpers import IteratorHelper, _build_record  # type: ignore[import-untyped]
from bai2.models import Record  # type: ignore[import-untyped]
from bai2.parsers import Bai2FileParser  # type: ignore[import-untyped]

from onramp.banking.formats.statement import (
    BalanceKind,
    Direction,
    Statement,
    StatementBalance,
    StatementEntry,
    StatementFormat,
    derived_key,
    with_unique_keys,
)
from onramp.core.errors import InvalidInput
from onramp.core.money import Money

DEFAULT_CURRENCY = "USD"  # BAI2: a file that names no currency is in US dollars
# Debit type codes that take back an earlier credit: reversals and returned deposits.
CREDIT_TAKEN_BACK = frozenset({"552", "555", "557", "558", "566", "694"})
# Credit type codes that give back an earlier debit.
DEBIT_GIVEN_BACK = frozenset({"252", "255", "257", "258", "261", "266"})
# The booked (ledger) balances reconciliation holds the books against.
_LEDGER_BALANCES = {"010": BalanceKind.OPENING, "015": BalanceKind.CLOSING}
_TAG = re.compile(r"\b(EREF|DBNM|CRNM|REMI|CREF|DACT|CACT|DABA|CABA|DBIC|CBIC|IDNM|CHKN):")
_REASON = re.compile(r"Reason:\s*\"?(R\d{2})\b")


class Bai2Invalid(InvalidInput):
    code = "bai2_invalid"
    title = "The file is not a readable BAI2 file"


def _default_availability(line: str) -> str:
    """``16,<type>,<amount>,S,<0 day>,<1 day>,<2+ days>,…``: a defaulted (empty) availability
    amount is zero; the library would fail on it."""
    fields = line.split(",", 7)
    if len(fields) == 8 and fields[3] == "S":
        fields[4:7] = [f or "0" for f in fields[4:7]]
    return ",".join(fields)


def _account_record(rows: list[tuple[Any, str]]) -> Record:
    """An ``03`` record with its ``88`` continuations: each continuation starts a new field
    (BAI2 2005, 3.3). The library instead guesses field boundaries by counting commas, which
    splits distributed-availability summaries wrongly."""
    fields = ",".join(row[1].removesuffix("/") for row in rows).split(",")
    return Record(code=rows[0][0], fields=fields, rows=rows)


def _records(lines: list[str]) -> Iterator[Record]:
    rows: list[tuple[Any, str]] = []
    for line in lines:
        code = RecordCode(line[:2])
        if code is RecordCode.continuation and rows:
            rows.append((code, line[3:]))
            continue
        if rows:
            yield _build(rows)
        rows = [(code, line[3:])]
    if rows:
        yield _build(rows)


def _build(rows: list[tuple[Any, str]]) -> Record:
    if rows[0][0] is RecordCode.account_identifier:
        return _account_record(rows)
    return _build_record(rows)


class _RecordIterator(IteratorHelper):  # type: ignore[misc]
    def __init__(self, lines: list[str]) -> None:
        self._generator = _records(lines)
        self.current_record = None
        self.advance()


def _tags(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    parts = _TAG.split(text)
    for name, value in zip(parts[1::2], parts[2::2], strict=False):
        found.setdefault(name, " ".join(value.split()))
    return found


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _entry(detail: Any, currency: str, as_of: date | None, account: str | None) -> StatementEntry:
    code = detail.type_code
    incoming = code.transaction.value == "credit"
    text = str(detail.text or "")
    tags = _tags(text)
    lead = _TAG.split(text)[0]
    remittance = tags.get("REMI") or " ".join(lead.split())
    reason = _REASON.search(text)
    bank_ref = _clean(detail.bank_reference)
    amount = Money(int(detail.amount), currency)
    return StatementEntry(
        account=account,
        key=bank_ref
        or derived_key("bai2", account, as_of, code.code, amount, detail.customer_reference, text),
        amount=amount,
        direction=Direction.CREDIT if incoming else Direction.DEBIT,
        reversal=code.code in (DEBIT_GIVEN_BACK if incoming else CREDIT_TAKEN_BACK),
        booked=True,
        booking_date=as_of,
        end_to_end_id=tags.get("EREF") or _clean(detail.customer_reference),
        remittance=remittance,
        creditor_reference=None,
        counterparty_name=tags.get("DBNM" if incoming else "CRNM"),
        counterparty_account=tags.get("DACT" if incoming else "CACT"),
        return_reason=reason.group(1) if reason else None,
    )


def _balances(
    header: Any, currency: str, as_of: date | None, account: str | None
) -> list[StatementBalance]:
    """The account's opening and closing ledger balances; a defaulted (empty) amount states
    none."""
    found = []
    for summary in header.summary_items:
        kind = _LEDGER_BALANCES.get(getattr(summary.type_code, "code", ""))
        if kind is None or summary.amount is None or as_of is None:
            continue
        # Whole minor units already, signed; Money checks the currency.
        amount = Money(int(summary.amount), currency.upper())
        found.append(StatementBalance(kind, amount.minor, amount.currency, as_of, account))
    return found


def _parse(lines: list[str], *, strict: bool) -> Any:
    return Bai2FileParser(_RecordIterator(lines), check_integrity=strict).parse()


def parse_bai2(data: bytes) -> Statement:
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise Bai2Invalid("BAI2 files are ASCII") from None
    lines = [_default_availability(ln.strip()) for ln in text.splitlines() if ln.strip()]
    warnings: tuple[str, ...] = ()
    try:
        try:
            parsed = _parse(lines, strict=True)
        except IntegrityException as exc:
            # Real banks' record counts do not always follow the spec; the entries still read.
            warnings = (f"control totals do not add up: {exc}",)
            parsed = _parse(lines, strict=False)
    except (
        IntegrityException, NotSupportedYetException, ParsingException, ValueError, IndexError,
        KeyError, StopIteration,
    ) as exc:  # fmt: skip
        raise Bai2Invalid(f"{type(exc).__name__}: {exc!s:.200}") from None
    entries: list[StatementEntry] = []
    balances: list[StatementBalance] = []
    accounts: list[str] = []
    for group in parsed.children:
        for account in group.children:
            number = _clean(account.header.customer_account_number)
            accounts.append(number or "")
            currency = (
                _clean(account.header.currency) or _clean(group.header.currency) or DEFAULT_CURRENCY
            )
            as_of = group.header.as_of_date
            try:
                balances.extend(_balances(account.header, currency, as_of, number))
                entries.extend(_entry(d, currency, as_of, number) for d in account.children)
            except InvalidInput as exc:
                raise Bai2Invalid(f"account {number}: {exc.detail}") from None
    return Statement(
        format=StatementFormat.BAI2,
        message_id=_clean(parsed.header.file_id),
        account=accounts[0] if len(set(accounts)) == 1 else None,
        entries=with_unique_keys(entries),
        warnings=warnings,
        balances=tuple(balances),
    )
