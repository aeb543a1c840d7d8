"""The sandbox's camt writer: what it writes the camt parser reads back, balances included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from onramp.banking.formats import Direction, parse_statement
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt

NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def booking(entry_id: str, amount: str, *, credit: bool = True) -> CamtBooking:
    return CamtBooking(
        entry_id=entry_id,
        amount=Decimal(amount),
        currency="EUR",
        credit=credit,
        booked_at=NOW,
        end_to_end_id=f"E2E-{entry_id}",
        reference="RF18 5390 0754 7034",
        party_name="Ada Lovelace",
        party_iban="DE89370400440532013000",
        reversal=not credit,
        return_reason=None if credit else "AC04",
    )


def test_statement_balances_close_as_opened_plus_moves() -> None:
    data = write_camt(
        "camt.053", message_id="M", created_at=NOW, account_iban="DE02120300000000202051",
        currency="EUR", bookings=[booking("a", "10.00"), booking("b", "2.50", credit=False)],
        opening=Decimal("100.00"), on=date(2026, 3, 2),
    )  # fmt: skip
    assert b'<Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>' in data
    assert b'<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">107.50</Amt>' in data
    s = parse_statement(data)
    assert (s.message_id, s.account) == ("M", "DE02120300000000202051")
    credit, returned = s.entries
    assert (credit.key, credit.creditor_reference, credit.end_to_end_id) == (
        "a",
        "RF18539007547034",
        "E2E-a",
    )
    assert (returned.direction, returned.takes_back_credit, returned.return_reason) == (
        Direction.DEBIT,
        True,
        "AC04",
    )


def test_notification_has_no_balances() -> None:
    data = write_camt(
        "camt.054", message_id="N", created_at=NOW, account_iban="DE02120300000000202051",
        currency="EUR", bookings=[booking("a", "1.00")],
    )  # fmt: skip
    assert b"<Bal>" not in data
    assert parse_statement(data).format.value == "camt.054"
