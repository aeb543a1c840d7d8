"""MT940 and BAI2 writers for the sample statements (camt.053/054: bank_sandbox_camt), laid out
like the real-world files in tests/data/iso20022 the parsers are tested against.

MT940 as German banks write it (tests/data/iso20022/mt940/sepa_snippet.sta): one ``:61:`` per
booking with the booking id after ``//`` (the de-duplication key), and a structured ``:86:``
(``?20 EREF+`` end-to-end id, ``?21 SVWZ+`` remittance, ``?31`` IBAN, ``?32`` name). BAI2 as
tests/data/iso20022/bai2/ shows it, with the detail text tagged (``EREF:``, ``DBNM:``, ``DACT:``,
``REMI:``) and the control totals and record counts the spec requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from onramp.core.money import currency as lookup_currency
from onramp.devstack.bank_sandbox_camt import CamtBooking

_MT940_LINE = 65  # SWIFT's line length; the parser joins :86: continuation lines as they come
_MT940_FIELD = 27  # a ?NN subfield of the structured :86:
_BAI2_INCOMING_TRANSFER = "195"  # credit: incoming money transfer
_BAI2_OUTGOING_TRANSFER = "495"  # debit: outgoing money transfer


def _moved(bookings: Sequence[CamtBooking]) -> Decimal:
    return sum((b.amount if b.credit else -b.amount for b in bookings), Decimal(0))


def _mt940_amount(value: Decimal, currency: str) -> str:
    return f"{abs(value):.{lookup_currency(currency).exponent}f}".replace(".", ",")


def _mt940_balance(tag: str, value: Decimal, currency: str, on: date) -> str:
    mark = "C" if value >= 0 else "D"
    return f":{tag}:{mark}{on:%y%m%d}{currency}{_mt940_amount(value, currency)}"


def _subfields(code: str, text: str) -> list[str]:
    """``text`` in consecutive ``?NN`` subfields from ``code`` on, 27 characters each."""
    start = int(code)
    chunks = [text[i : i + _MT940_FIELD] for i in range(0, len(text), _MT940_FIELD)] or [""]
    return [f"?{start + n:02d}{chunk}" for n, chunk in enumerate(chunks)]


def _mt940_details(b: CamtBooking) -> str:
    fields = ["166" if b.credit else "116", "?00GUTSCHRIFT" if b.credit else "?00UEBERWEISUNG"]
    fields += _subfields("20", f"EREF+{b.end_to_end_id}")[:1]
    fields += _subfields("21", f"SVWZ+{b.reference}")[:2]
    fields += [f"?31{b.party_iban}"]
    fields += _subfields("32", b.party_name)[:2]
    narrative = "".join(fields)
    lines = [narrative[i : i + _MT940_LINE - 4] for i in range(0, len(narrative), _MT940_LINE - 4)]
    return ":86:" + "\n".join(lines)


def write_mt940(
    *,
    message_id: str,
    account: str,
    currency: str,
    bookings: Sequence[CamtBooking],
    opening: Decimal,
    on: date,
) -> bytes:
    """One statement (``:20:`` … ``-``) of ``bookings`` on ``account`` for the day ``on``."""
    lines = [
        f":20:{message_id[:16]}",
        f":25:{account}",
        ":28C:00001/001",
        _mt940_balance("60F", opening, currency, on),
    ]
    for b in bookings:
        if len(b.entry_id) > 16:
            raise ValueError(f"an MT940 bank reference is at most 16 characters: {b.entry_id}")
        mark = ("" if not b.reversal else "R") + ("C" if b.credit else "D")
        booked = b.booked_at.date()
        lines.append(
            f":61:{booked:%y%m%d}{booked:%m%d}{mark}{_mt940_amount(b.amount, currency)}"
            f"NTRFNONREF//{b.entry_id}"
        )
        lines.append(_mt940_details(b))
    lines.append(_mt940_balance("62F", opening + _moved(bookings), currency, on))
    lines.append("-")
    return ("\r\n".join("\r\n".join(line.split("\n")) for line in lines) + "\r\n").encode("latin-1")


def _minor(value: Decimal, currency: str) -> int:
    return int(value.scaleb(lookup_currency(currency).exponent))


def _bai2_text(b: CamtBooking) -> str:
    # Commas and slashes end BAI2 fields and records: kept out of the free text.
    text = (
        f"EREF:{b.end_to_end_id} {'DBNM' if b.credit else 'CRNM'}:{b.party_name} "
        f"{'DACT' if b.credit else 'CACT'}:{b.party_iban} REMI:{b.reference}"
    )
    return text.replace(",", " ").replace("/", " ")


def write_bai2(
    *,
    file_id: str,
    sender: str,
    receiver: str,
    account: str,
    currency: str,
    bookings: Sequence[CamtBooking],
    opening: Decimal,
    on: date,
    created_at: datetime,
) -> bytes:
    """A file of one group (as of ``on``) and one account, its opening (010) and closing (015)
    ledger balances, one detail (16) per booking, and the control totals."""
    closing = opening + _moved(bookings)
    summaries = (_minor(opening, currency), _minor(closing, currency))
    account_rows = [
        f"03,{account},{currency},010,{summaries[0]:+d},,,015,{summaries[1]:+d},,/",
    ]
    account_total = sum(summaries)
    for b in bookings:
        code = _BAI2_INCOMING_TRANSFER if b.credit else _BAI2_OUTGOING_TRANSFER
        amount = _minor(b.amount, currency)
        account_total += amount
        account_rows.append(f"16,{code},{amount},0,{b.entry_id},{b.end_to_end_id},{_bai2_text(b)}")
    account_rows.append(f"49,{account_total},{len(account_rows) + 1}/")
    group = [
        f"02,{receiver},{sender},1,{on:%y%m%d},2359,{currency},2/",
        *account_rows,
        f"98,{account_total},1,{len(account_rows) + 2}/",
    ]
    rows = [
        f"01,{sender},{receiver},{created_at:%y%m%d},{created_at:%H%M},{file_id},,,2/",
        *group,
        f"99,{account_total},1,{len(group) + 2}/",
    ]
    return ("\n".join(rows) + "\n").encode("ascii")
