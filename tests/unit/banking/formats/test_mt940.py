"""The real MT940 samples (tests/data/iso20022/mt940, sources in tests/data/SOURCES.md) read into
statement entries: counts, amounts, directions, references and the relaxed ASN Bank layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onramp.banking.formats import Direction, StatementFormat
from onramp.banking.formats.mt940 import Mt940Invalid, parse_mt940
from onramp.core.money import Money

DATA = Path(__file__).resolve().parents[3] / "data" / "iso20022" / "mt940"


def test_german_sepa_statements_with_structured_narratives() -> None:
    s = parse_mt940((DATA / "sepa_snippet.sta").read_bytes())
    assert s.format is StatementFormat.MT940
    assert (s.message_id, s.account) == ("T089414086000001", "50880050/0194787400888")
    assert (len(s.entries), len(s.credits), len(s.debits)) == (11, 8, 3)
    first = s.entries[0]
    assert first.key == "0724710333343453"  # the bank reference after //
    assert (first.amount, first.direction) == (Money(50990_05, "EUR"), Direction.CREDIT)
    assert first.booking_date == date(2007, 9, 4)
    assert first.end_to_end_id == "EndToEndId TFNR 22 004 00001"
    assert first.remittance == "Verw CTSc-01 BC-PPP TFNr 22 004"
    assert (first.counterparty_name, first.counterparty_account) == (
        "KARL KAUFMANN",
        "DE14508800500194785000",
    )
    # Totals straight from the :61: lines of both statements.
    assert sum(e.amount.minor for e in s.credits) == (
        50990_05 + 154551_93 * 2 + 335_33 + 15000_00 + 15000_05 + 125004_88 + 915311_55
    )
    assert sorted(e.amount.minor for e in s.debits) == [8, 1500_00, 3572569_03]
    # A returned SEPA payment carries its return code (?34).
    returned = next(e for e in s.entries if e.key == "R724710351063405")
    assert (returned.amount, returned.return_reason) == (Money(915311_55, "EUR"), "901")
    # The collective booking has no bank reference: a derived key, the same on every read.
    sammler = s.entries[-1]
    assert sammler.key.startswith("derived:")
    assert parse_mt940((DATA / "sepa_snippet.sta").read_bytes()).entries[-1].key == sammler.key
    assert len({e.key for e in s.entries}) == 11


def test_asn_bank_export_in_swift_blocks_with_long_customer_references() -> None:
    s = parse_mt940((DATA / "0708271685_09022020_164516.940.txt").read_bytes())
    assert s.account == "NL81ASNB9999999999"
    assert (len(s.entries), len(s.credits), len(s.debits)) == (8, 3, 5)
    assert [e.amount.minor for e in s.credits] == [1000_00, 828_72, 1000_18]
    assert [e.amount.minor for e in s.debits] == [65_00, 801_55, 1_65, 1000_00, 903_76]
    dividend = s.credits[1]
    assert dividend.booking_date == date(2020, 1, 29)
    assert dividend.counterparty_name == "transfer solutions bv"
    assert "DIVIDEND 28/01/2020" in dividend.remittance
    assert all(e.key.startswith("derived:") for e in s.entries)  # ASN gives no bank reference
    assert len({e.key for e in s.entries}) == 8


def test_reversal_marks_rc_and_rd() -> None:
    text = (
        ":20:STMT1\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C240102EUR100,00\n"
        ":61:2401020102RC25,00NTRFNONREF//BANKREF1\n:86:return of a credit\n"
        ":61:2401020102RD5,00NTRFNONREF//BANKREF2\n:86:return of a debit\n"
        ":62F:C240102EUR80,00\n-\n"
    )
    s = parse_mt940(text.encode())
    taken, given = s.entries
    assert (taken.direction, taken.reversal, taken.takes_back_credit) == (
        Direction.DEBIT,
        True,
        True,
    )
    assert (given.direction, given.reversal, given.takes_back_credit) == (
        Direction.CREDIT,
        True,
        False,
    )


def test_unreadable_statement_line_is_mt940_invalid() -> None:
    with pytest.raises(Mt940Invalid):
        parse_mt940(b":20:X\n:25:ACC\n:28C:1\n:60F:C240102EUR1,00\n:61:garbage\n-\n")


def test_each_statement_carries_its_final_opening_and_closing_balances() -> None:
    from onramp.banking.formats.statement import BalanceKind

    s = parse_mt940((DATA / "sepa_snippet.sta").read_bytes())
    opening, closing = BalanceKind.OPENING, BalanceKind.CLOSING
    assert [(b.account, b.kind, b.amount, b.currency, b.on) for b in s.balances] == [
        ("50880050/0194787400888", opening, 766656_49, "EUR", date(2007, 9, 3)),
        ("50880050/0194787400888", closing, 1125250_40, "EUR", date(2007, 9, 4)),
        # :60F:D / :62F:D — the account is overdrawn.
        ("50880050/0194791600888", opening, -1970431_87, "EUR", date(2007, 9, 3)),
        ("50880050/0194791600888", closing, -4472049_09, "EUR", date(2007, 9, 4)),
    ]
    asn = parse_mt940((DATA / "0708271685_09022020_164516.940.txt").read_bytes())
    closings = [b for b in asn.balances if b.kind is closing]
    assert (closings[0].on, closings[0].amount) == (date(2020, 1, 1), 379_29)
    assert (closings[-1].on, closings[-1].amount) == (date(2020, 1, 31), 501_23)


def test_entries_carry_their_transaction_type_code() -> None:
    s = parse_mt940((DATA / "sepa_snippet.sta").read_bytes())
    assert [e.bank_tx_code for e in s.entries].count("NTRF") == 10
    assert s.entries[-1].bank_tx_code == "NMSC"
