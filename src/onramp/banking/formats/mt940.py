"""SWIFT MT940 customer statements, read with the ``mt-940`` package.

A file may hold several statements (``:20:`` … ``-``), bare or wrapped in SWIFT FIN blocks. Each
``:61:`` line is a booking: its debit/credit mark (``C``, ``D``, and ``RC``/``RD`` for the
reversal of a credit/debit), amount, customer reference and, after ``//``, the bank's reference,
which is the key. German banks structure the ``:86:`` narrative (``?20`` … with ``EREF+`` for the
end-to-end id and ``SVWZ+`` for the remittance text); others write free text.

Some banks (ASN Bank) put an IBAN of up to 34 characters where SWIFT allows a 16-character
customer reference; a file the standard pattern cannot read is read again with that relaxed one.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import mt940
from mt940.tags import StatementASNB

from onramp.banking.formats.statement import (
    BalanceKind,
    Direction,
    Statement,
    StatementBalance,
    StatementEntry,
    StatementFormat,
    balance_of,
    derived_key,
    money_of,
    with_unique_keys,
)
from onramp.core.errors import InvalidInput

_OPTIONS = mt940.Options.all()
# The library logs every line its first pattern cannot read before we retry with the relaxed
# one; what cannot be read at all is raised as mt940_invalid, with the line.
logging.getLogger("mt940").setLevel(logging.CRITICAL)


class Mt940Invalid(InvalidInput):
    code = "mt940_invalid"
    title = "The file is not a readable MT940 statement"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _read(text: str) -> list[mt940.models.Transactions]:
    try:
        return mt940.parse_statements(text, options=_OPTIONS)
    except (RuntimeError, ValueError, KeyError):
        pass
    try:
        return mt940.parse_statements(text, options=_OPTIONS, tags={61: StatementASNB()})
    except (RuntimeError, ValueError, KeyError) as exc:
        raise Mt940Invalid(f"unreadable :61: or balance line: {exc.args[0]!s:.200}") from None


def _entry(account: str | None, data: dict[str, Any]) -> StatementEntry:
    mark = str(data.get("status") or "")
    if mark.upper() not in {"C", "D", "RC", "RD"}:
        raise Mt940Invalid(f"unknown debit/credit mark {mark!r}")
    amount = data["amount"]
    # RC reverses a credit (money goes out), RD a debit (money comes in).
    incoming = mark.upper() in {"C", "RD"}
    booked_on: date | None = data.get("entry_date") or data.get("date")
    bank_ref = _text(data.get("bank_reference"))
    customer_ref = _text(data.get("customer_reference"))
    if customer_ref and customer_ref.upper() == "NONREF":
        customer_ref = None
    purpose = _text(data.get("purpose"))
    details = _text(data.get("transaction_details"))
    remittance = purpose or details or _text(data.get("extra_details")) or ""
    key = bank_ref or derived_key(
        "mt940", account, booked_on, amount.amount, mark, customer_ref, remittance
    )
    return StatementEntry(
        account=account,
        key=key,
        amount=money_of(amount.amount, str(amount.currency or data.get("currency") or "")),
        direction=Direction.CREDIT if incoming else Direction.DEBIT,
        reversal=mark.upper().startswith("R"),
        booked=True,  # MT940 lists bookings; pending items come as MT942
        booking_date=booked_on,
        end_to_end_id=_text(data.get("end_to_end_reference")),
        remittance=remittance,
        creditor_reference=None,
        counterparty_name=_text(data.get("applicant_name")) or _text(data.get("extra_details")),
        counterparty_account=_text(data.get("applicant_iban")),
        return_reason=_text(data.get("return_debit_notes")),
        bank_tx_code=_text(data.get("id")),
    )


# :60F: and :62F: (final); :60M:/:62M: carry a statement's intermediate pages' balances.
_BOOKED = {
    "final_opening_balance": BalanceKind.OPENING,
    "final_closing_balance": BalanceKind.CLOSING,
}


def _balances(account: str | None, data: dict[str, Any]) -> list[StatementBalance]:
    found = []
    for slug, kind in _BOOKED.items():
        balance = data.get(slug)
        amount = getattr(balance, "amount", None)
        on = getattr(balance, "date", None)
        if balance is None or amount is None or not isinstance(on, date):
            continue
        currency = str(amount.currency or data.get("currency") or "")
        credit = str(balance.status or "C").upper() == "C"
        found.append(
            balance_of(kind, abs(amount.amount), currency, credit=credit,
                       on=date(on.year, on.month, on.day), account=account)
        )  # fmt: skip
    return found


def parse_mt940(data: bytes) -> Statement:
    # SWIFT's character set is a subset of Latin-1; real exports are Latin-1 or UTF-8.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    statements = _read(text)
    entries: list[StatementEntry] = []
    balances: list[StatementBalance] = []
    first: dict[str, Any] = {}
    for statement in statements:
        first = first or dict(statement.data)
        account = _text(statement.data.get("account_identification"))
        entries.extend(_entry(account, dict(t.data)) for t in statement.transactions)
        balances.extend(_balances(account, dict(statement.data)))
    if not first:
        raise Mt940Invalid("no :20: statement in the file")
    return Statement(
        format=StatementFormat.MT940,
        message_id=_text(first.get("transaction_reference")),
        account=_text(first.get("account_identification")),
        entries=with_unique_keys(entries),
        balances=tuple(balances),
    )
